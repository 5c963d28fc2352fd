#include "pki/issuer.h"

#include "crypto/digest.h"
#include "pki/cert_builder.h"

namespace signet::pki {

using crypto::OsslError;
using crypto::X509Ptr;

namespace {

constexpr size_t kMinSerialBytes = 8;
constexpr size_t kMaxSerialBytes = 20;  // RFC 5280 4.1.2.2
constexpr size_t kMaxCommonNameLength = 64;  // ub-common-name

Status CheckTemplate(const LeafTemplate& leaf) {
  if (leaf.dns_names.empty() && leaf.ip_addresses.empty())
    return Error(ErrorCode::kServerInternal, "leaf certificate has no names");
  if (!leaf.subject_key.valid())
    return Error(ErrorCode::kServerInternal, "leaf certificate has no public key");
  if (leaf.serial.size() < kMinSerialBytes || leaf.serial.size() > kMaxSerialBytes ||
      (static_cast<unsigned char>(leaf.serial[0]) & 0x80) != 0)
    return Error(ErrorCode::kServerInternal,
                 "serial must be 8 to 20 bytes with the high bit clear");
  return OkStatus();
}

// The first DNS name that fits in a commonName, else the first IP address,
// else "" (an empty subject; the SAN is then critical, RFC 5280 4.2.1.6).
std::string PickCommonName(const LeafTemplate& leaf) {
  for (const std::string& name : leaf.dns_names)
    if (!name.empty() && name.size() <= kMaxCommonNameLength) return name;
  if (!leaf.ip_addresses.empty()) return leaf.ip_addresses.front();
  return "";
}

Status PushName(GENERAL_NAMES* names, int type, const std::string& value) {
  crypto::GeneralNamePtr name(
      a2i_GENERAL_NAME(nullptr, nullptr, nullptr, type, value.c_str(), 0));
  if (!name) return OsslError(ErrorCode::kServerInternal, "invalid SAN value " + value);
  if (!sk_GENERAL_NAME_push(names, name.get()))
    return OsslError(ErrorCode::kServerInternal, "out of memory");
  name.release();  // Owned by `names` now.
  return OkStatus();
}

Status AddSubjectAltName(X509* cert, const LeafTemplate& leaf, bool critical) {
  crypto::GeneralNamesPtr names(GENERAL_NAMES_new());
  if (!names) return OsslError(ErrorCode::kServerInternal, "out of memory");
  for (const std::string& dns : leaf.dns_names)
    SIGNET_RETURN_IF_ERROR(PushName(names.get(), GEN_DNS, dns));
  for (const std::string& ip : leaf.ip_addresses)
    SIGNET_RETURN_IF_ERROR(PushName(names.get(), GEN_IPADD, ip));
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), critical ? 1 : 0,
                        X509V3_ADD_DEFAULT) != 1)
    return OsslError(ErrorCode::kServerInternal, "cannot add subjectAltName");
  return OkStatus();
}

// Built from structures rather than config text so that no character of the
// URL can be read as config syntax.
Status AddCaIssuers(X509* cert, const std::string& url) {
  crypto::AuthorityInfoAccessPtr aia(AUTHORITY_INFO_ACCESS_new());
  crypto::AccessDescriptionPtr desc(ACCESS_DESCRIPTION_new());
  if (!aia || !desc) return OsslError(ErrorCode::kServerInternal, "out of memory");
  desc->method = OBJ_nid2obj(NID_ad_ca_issuers);
  if (!a2i_GENERAL_NAME(desc->location, nullptr, nullptr, GEN_URI, url.c_str(), 0))
    return OsslError(ErrorCode::kServerInternal, "invalid caIssuers URL " + url);
  if (!sk_ACCESS_DESCRIPTION_push(aia.get(), desc.get()))
    return OsslError(ErrorCode::kServerInternal, "out of memory");
  desc.release();  // Owned by `aia` now.
  if (X509_add1_ext_i2d(cert, NID_info_access, aia.get(), 0, X509V3_ADD_DEFAULT) != 1)
    return OsslError(ErrorCode::kServerInternal, "cannot add authorityInfoAccess");
  return OkStatus();
}

Status AddLeafExtensions(X509* cert, X509* issuer, const LeafTemplate& leaf, bool empty_subject) {
  using internal::AddConfExtension;
  std::string key_usage = "critical,digitalSignature";
  if (leaf.subject_key.Family() == "RSA") key_usage += ",keyEncipherment";
  SIGNET_RETURN_IF_ERROR(AddConfExtension(cert, issuer, NID_basic_constraints, "critical,CA:FALSE"));
  SIGNET_RETURN_IF_ERROR(AddConfExtension(cert, issuer, NID_key_usage, key_usage));
  SIGNET_RETURN_IF_ERROR(AddConfExtension(cert, issuer, NID_ext_key_usage, "serverAuth"));
  SIGNET_RETURN_IF_ERROR(AddConfExtension(cert, issuer, NID_subject_key_identifier, "hash"));
  SIGNET_RETURN_IF_ERROR(
      AddConfExtension(cert, issuer, NID_authority_key_identifier, "keyid:always"));
  SIGNET_RETURN_IF_ERROR(AddSubjectAltName(cert, leaf, empty_subject));
  if (!leaf.ca_issuers_url.empty())
    SIGNET_RETURN_IF_ERROR(AddCaIssuers(cert, leaf.ca_issuers_url));
  return OkStatus();
}

}  // namespace

Result<X509Ptr> IssueLeaf(const Issuer& issuer, const LeafTemplate& leaf) {
  if (!issuer.cert || !issuer.key.valid())
    return Error(ErrorCode::kServerInternal, "issuer has no certificate or key");
  SIGNET_RETURN_IF_ERROR(CheckTemplate(leaf));
  internal::CertSpec spec{leaf.serial, leaf.not_before, leaf.not_after, PickCommonName(leaf),
                          &leaf.subject_key};
  SIGNET_ASSIGN_OR_RETURN(X509Ptr cert, internal::NewCert(spec, issuer.cert.get()));
  SIGNET_RETURN_IF_ERROR(
      AddLeafExtensions(cert.get(), issuer.cert.get(), leaf, spec.subject_cn.empty()));
  SIGNET_RETURN_IF_ERROR(internal::SignCert(cert.get(), issuer.key));
  return cert;
}

std::string RandomSerial() {
  std::string serial = crypto::RandomBytes(16);
  unsigned char first = static_cast<unsigned char>(serial[0]) & 0x7f;
  serial[0] = static_cast<char>(first == 0 ? 0x01 : first);
  return serial;
}

}  // namespace signet::pki
