#include "pki/issuer.h"

#include "crypto/digest.h"
#include "pki/cert_builder.h"
#include "pki/crl_der.h"

namespace signet::pki {

using crypto::OsslError;
using crypto::X509Ptr;

namespace {

constexpr size_t kMinSerialBytes = 8;
constexpr size_t kMaxSerialBytes = 20;  // RFC 5280 4.1.2.2
constexpr size_t kMaxCommonNameLength = 64;  // ub-common-name
// The CA/Browser Forum's domain-validated reserved policy 2.23.140.1.2.1
// (Baseline Requirements 7.1.6.1), as OBJECT IDENTIFIER contents.
constexpr std::string_view kDomainValidatedOid("\x67\x81\x0c\x01\x02\x01", 6);

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
  if (!leaf.include_common_name) return "";
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

Status PushAccessDescription(AUTHORITY_INFO_ACCESS* aia, int method, const std::string& url) {
  crypto::AccessDescriptionPtr desc(ACCESS_DESCRIPTION_new());
  if (!desc) return OsslError(ErrorCode::kServerInternal, "out of memory");
  desc->method = OBJ_nid2obj(method);
  if (!a2i_GENERAL_NAME(desc->location, nullptr, nullptr, GEN_URI, url.c_str(), 0))
    return OsslError(ErrorCode::kServerInternal, "invalid authorityInfoAccess URL " + url);
  if (!sk_ACCESS_DESCRIPTION_push(aia, desc.get()))
    return OsslError(ErrorCode::kServerInternal, "out of memory");
  desc.release();  // Owned by `aia` now.
  return OkStatus();
}

// Built from structures rather than config text so that no character of the
// URL can be read as config syntax. OCSP first, as Let's Encrypt orders them.
Status AddAuthorityInfoAccess(X509* cert, const LeafTemplate& leaf) {
  if (leaf.ca_issuers_url.empty() && leaf.ocsp_url.empty()) return OkStatus();
  crypto::AuthorityInfoAccessPtr aia(AUTHORITY_INFO_ACCESS_new());
  if (!aia) return OsslError(ErrorCode::kServerInternal, "out of memory");
  if (!leaf.ocsp_url.empty())
    SIGNET_RETURN_IF_ERROR(PushAccessDescription(aia.get(), NID_ad_OCSP, leaf.ocsp_url));
  if (!leaf.ca_issuers_url.empty())
    SIGNET_RETURN_IF_ERROR(PushAccessDescription(aia.get(), NID_ad_ca_issuers, leaf.ca_issuers_url));
  if (X509_add1_ext_i2d(cert, NID_info_access, aia.get(), 0, X509V3_ADD_DEFAULT) != 1)
    return OsslError(ErrorCode::kServerInternal, "cannot add authorityInfoAccess");
  return OkStatus();
}

// Adds an extension whose value is the DER `value` (non-critical unless asked).
Status AddDerExtension(X509* cert, int nid, const std::string& value, bool critical = false) {
  crypto::Asn1OctetStringPtr octets(ASN1_OCTET_STRING_new());
  if (!octets || ASN1_OCTET_STRING_set(octets.get(),
                                       reinterpret_cast<const unsigned char*>(value.data()),
                                       int(value.size())) != 1)
    return OsslError(ErrorCode::kServerInternal, "out of memory");
  crypto::X509ExtPtr ext(X509_EXTENSION_create_by_NID(nullptr, nid, critical ? 1 : 0, octets.get()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
    return OsslError(ErrorCode::kServerInternal, std::string("cannot add ") + OBJ_nid2sn(nid));
  return OkStatus();
}

// CRLDistributionPoints ::= SEQUENCE OF DistributionPoint, here one:
// SEQUENCE { distributionPoint [0] { fullName [0] { uniformResourceIdentifier [6] url } } }
// (RFC 5280 4.2.1.13); the same name as the shard's CRL IDP (crl.h).
Status AddCrlDistributionPoint(X509* cert, const std::string& url) {
  using internal::DerContextConstructed;
  using internal::DerContextPrimitive;
  using internal::DerTlv;
  for (char c : url)  // IA5String, and no spaces or controls in a URI
    if (c <= 0x20 || c >= 0x7f)
      return Error(ErrorCode::kServerInternal, "invalid CRL distribution point URL " + url);
  std::string full_name = DerTlv(DerContextConstructed(0), DerTlv(DerContextPrimitive(6), url));
  std::string point = DerTlv(internal::kDerSequence, DerTlv(DerContextConstructed(0), full_name));
  return AddDerExtension(cert, NID_crl_distribution_points, DerTlv(internal::kDerSequence, point));
}

// certificatePolicies (RFC 5280 4.2.1.4), non-critical, with one
// PolicyInformation { policyIdentifier } and no qualifiers:
// SEQUENCE { SEQUENCE { OBJECT IDENTIFIER 2.23.140.1.2.1 } }.
Status AddCertificatePolicies(X509* cert) {
  using internal::DerTlv;
  using internal::kDerSequence;
  std::string policy = DerTlv(kDerSequence, DerTlv(internal::kDerOid, kDomainValidatedOid));
  return AddDerExtension(cert, NID_certificate_policies, DerTlv(kDerSequence, policy));
}

// "serverAuth,clientAuth"; names are OpenSSL short names, checked so that the
// operator's configuration cannot inject config syntax.
Result<std::string> ExtKeyUsageValue(const std::vector<std::string>& usages) {
  std::string value;
  for (const std::string& u : usages) {
    if (u.empty() || OBJ_sn2nid(u.c_str()) == NID_undef ||
        u.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") !=
            std::string::npos)
      return Error(ErrorCode::kServerInternal, "unknown extKeyUsage \"" + u + "\"");
    value += (value.empty() ? "" : ",") + u;
  }
  return value;
}

// RFC 6962 3.1 and 3.3: the poison (critical, NULL) or the SCT list
// (OCTET STRING of the TLS list), last of all.
Status AddCtExtensions(X509* cert, const LeafTemplate& leaf) {
  if (leaf.ct_poison && !leaf.sct_list.empty())
    return Error(ErrorCode::kServerInternal, "a precertificate carries no SCT list");
  if (leaf.ct_poison)
    return AddDerExtension(cert, NID_ct_precert_poison, std::string("\x05\x00", 2), true);
  if (!leaf.sct_list.empty())
    return AddDerExtension(cert, NID_ct_precert_scts,
                           internal::DerTlv(internal::kDerOctetString, leaf.sct_list));
  return OkStatus();
}

Status AddLeafExtensions(X509* cert, X509* issuer, const LeafTemplate& leaf, bool empty_subject) {
  using internal::AddConfExtension;
  std::string key_usage = "critical,digitalSignature";
  if (leaf.subject_key.Family() == "RSA") key_usage += ",keyEncipherment";
  SIGNET_RETURN_IF_ERROR(AddConfExtension(cert, issuer, NID_basic_constraints, "critical,CA:FALSE"));
  SIGNET_RETURN_IF_ERROR(AddConfExtension(cert, issuer, NID_key_usage, key_usage));
  SIGNET_ASSIGN_OR_RETURN(std::string eku, ExtKeyUsageValue(leaf.ext_key_usages));
  if (!eku.empty()) SIGNET_RETURN_IF_ERROR(AddConfExtension(cert, issuer, NID_ext_key_usage, eku));
  SIGNET_RETURN_IF_ERROR(AddConfExtension(cert, issuer, NID_subject_key_identifier, "hash"));
  SIGNET_RETURN_IF_ERROR(
      AddConfExtension(cert, issuer, NID_authority_key_identifier, "keyid:always"));
  SIGNET_RETURN_IF_ERROR(AddSubjectAltName(cert, leaf, empty_subject));
  SIGNET_RETURN_IF_ERROR(AddAuthorityInfoAccess(cert, leaf));
  if (!leaf.crl_distribution_point.empty())
    SIGNET_RETURN_IF_ERROR(AddCrlDistributionPoint(cert, leaf.crl_distribution_point));
  SIGNET_RETURN_IF_ERROR(AddCertificatePolicies(cert));
  // TLSFeature ::= SEQUENCE OF INTEGER; status_request(5) (RFC 7633 6).
  if (leaf.must_staple)
    SIGNET_RETURN_IF_ERROR(
        AddDerExtension(cert, NID_tlsfeature, std::string("\x30\x03\x02\x01\x05", 5)));
  return AddCtExtensions(cert, leaf);
}

}  // namespace

Result<X509Ptr> BuildLeaf(const Issuer& issuer, const LeafTemplate& leaf) {
  if (!issuer.cert || !issuer.signer)
    return Error(ErrorCode::kServerInternal, "issuer has no certificate or key");
  SIGNET_RETURN_IF_ERROR(CheckTemplate(leaf));
  internal::CertSpec spec{leaf.serial, leaf.not_before, leaf.not_after, PickCommonName(leaf),
                          &leaf.subject_key, leaf.subject_spki};
  SIGNET_ASSIGN_OR_RETURN(X509Ptr cert, internal::NewCert(spec, issuer.cert.get()));
  SIGNET_RETURN_IF_ERROR(
      AddLeafExtensions(cert.get(), issuer.cert.get(), leaf, spec.subject_cn.empty()));
  SIGNET_RETURN_IF_ERROR(internal::SetSignatureAlgorithm(cert.get(), issuer.public_key()));
  return cert;
}

Status SignLeaf(const Issuer& issuer, X509* cert) {
  if (!issuer.signer) return Error(ErrorCode::kServerInternal, "issuer has no key");
  return issuer.signer->SignCertificate(cert);
}

Result<X509Ptr> IssueLeaf(const Issuer& issuer, const LeafTemplate& leaf) {
  SIGNET_ASSIGN_OR_RETURN(X509Ptr cert, BuildLeaf(issuer, leaf));
  SIGNET_RETURN_IF_ERROR(SignLeaf(issuer, cert.get()));
  return cert;
}

std::string TbsDer(X509* cert) {
  unsigned char* buf = nullptr;
  int len = i2d_re_X509_tbs(cert, &buf);
  if (len <= 0) return "";
  std::string out(reinterpret_cast<char*>(buf), size_t(len));
  OPENSSL_free(buf);
  return out;
}

std::string RandomSerial() {
  std::string serial = crypto::RandomBytes(16);
  unsigned char first = static_cast<unsigned char>(serial[0]) & 0x7f;
  serial[0] = static_cast<char>(first == 0 ? 0x01 : first);
  return serial;
}

}  // namespace signet::pki
