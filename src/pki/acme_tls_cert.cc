#include "pki/acme_tls_cert.h"

#include <arpa/inet.h>

#include <chrono>

#include "crypto/digest.h"
#include "pki/cert_builder.h"

namespace signet::pki {
namespace {

constexpr char kAcmeIdentifierOid[] = "1.3.6.1.5.5.7.1.31";

Result<crypto::GeneralNamePtr> SanFor(const std::string& type, const std::string& value) {
  crypto::GeneralNamePtr gn(GENERAL_NAME_new());
  if (!gn) return crypto::OsslError(ErrorCode::kServerInternal, "out of memory");
  if (type == "ip") {
    unsigned char buf[16];
    int len = inet_pton(AF_INET, value.c_str(), buf) == 1    ? 4
              : inet_pton(AF_INET6, value.c_str(), buf) == 1 ? 16
                                                             : 0;
    if (len == 0) return Error(ErrorCode::kMalformed, "\"" + value + "\" is not an IP address");
    ASN1_OCTET_STRING* ip = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(ip, buf, len);
    GENERAL_NAME_set0_value(gn.get(), GEN_IPADD, ip);
  } else if (type == "dns") {
    ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
    ASN1_STRING_set(dns, value.data(), int(value.size()));
    GENERAL_NAME_set0_value(gn.get(), GEN_DNS, dns);
  } else {
    return Error(ErrorCode::kMalformed, "unsupported identifier type \"" + type + "\"");
  }
  return gn;
}

Status AddSan(X509* cert, crypto::GeneralNamePtr name) {
  crypto::GeneralNamesPtr names(GENERAL_NAMES_new());
  if (!names || sk_GENERAL_NAME_push(names.get(), name.get()) == 0)
    return crypto::OsslError(ErrorCode::kServerInternal, "out of memory");
  name.release();  // owned by `names` now
  crypto::X509ExtPtr ext(X509V3_EXT_i2d(NID_subject_alt_name, 0, names.get()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
    return crypto::OsslError(ErrorCode::kServerInternal, "cannot add subjectAltName");
  return OkStatus();
}

// id-pe-acmeIdentifier, critical, extnValue = DER(OCTET STRING(digest)).
Status AddAcmeIdentifier(X509* cert, const std::string& key_authorization) {
  const std::string digest = crypto::Sha256(key_authorization);
  crypto::Asn1OctetStringPtr inner(ASN1_OCTET_STRING_new());
  if (!inner || ASN1_OCTET_STRING_set(inner.get(),
                                      reinterpret_cast<const unsigned char*>(digest.data()),
                                      int(digest.size())) != 1)
    return crypto::OsslError(ErrorCode::kServerInternal, "out of memory");
  unsigned char* der = nullptr;
  const int der_len = i2d_ASN1_OCTET_STRING(inner.get(), &der);
  if (der_len <= 0) return crypto::OsslError(ErrorCode::kServerInternal, "cannot encode digest");
  crypto::Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
  const int set = value ? ASN1_OCTET_STRING_set(value.get(), der, der_len) : 0;
  OPENSSL_free(der);
  crypto::Asn1ObjectPtr oid(OBJ_txt2obj(kAcmeIdentifierOid, 1));
  if (set != 1 || !oid) return crypto::OsslError(ErrorCode::kServerInternal, "out of memory");
  crypto::X509ExtPtr ext(X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), 1, value.get()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
    return crypto::OsslError(ErrorCode::kServerInternal, "cannot add acmeIdentifier");
  return OkStatus();
}

}  // namespace

Result<AcmeTlsCert> BuildAcmeTlsCert(const std::string& identifier_type, const std::string& value,
                                     const std::string& key_authorization) {
  SIGNET_ASSIGN_OR_RETURN(crypto::GeneralNamePtr san, SanFor(identifier_type, value));
  SIGNET_ASSIGN_OR_RETURN(crypto::Key key, crypto::Key::Generate(crypto::KeyType::kEcP256));
  internal::CertSpec spec;
  spec.serial = crypto::RandomBytes(16);
  spec.serial[0] = char(spec.serial[0] & 0x7f);  // positive
  if (spec.serial[0] == 0) spec.serial[0] = 1;
  const auto now = Clock::now();
  spec.not_before = now - std::chrono::hours(1);
  spec.not_after = now + std::chrono::hours(24 * 7);
  spec.subject_cn = "";
  spec.public_key = &key;
  SIGNET_ASSIGN_OR_RETURN(crypto::X509Ptr cert, internal::NewCert(spec, nullptr));
  SIGNET_RETURN_IF_ERROR(AddSan(cert.get(), std::move(san)));
  SIGNET_RETURN_IF_ERROR(AddAcmeIdentifier(cert.get(), key_authorization));
  SIGNET_RETURN_IF_ERROR(internal::SignCert(cert.get(), key));
  return AcmeTlsCert{std::move(key), std::move(cert)};
}

std::vector<std::string> IpSans(X509* cert) {
  std::vector<std::string> out;
  crypto::GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != GEN_IPADD) continue;
    const ASN1_OCTET_STRING* ip = name->d.iPAddress;
    const int len = ASN1_STRING_length(ip);
    char text[INET6_ADDRSTRLEN];
    if ((len == 4 || len == 16) &&
        inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(ip), text, sizeof(text)))
      out.emplace_back(text);
  }
  return out;
}

}  // namespace signet::pki
