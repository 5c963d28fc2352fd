#include "pki/csr_builder.h"

#include <arpa/inet.h>
#include <openssl/pem.h>

#include <algorithm>

#include "base/fuzz_record.h"
#include "crypto/ossl.h"

namespace signet::pki {
namespace {

// The bytes of an IPv4 (4) or IPv6 (16) literal; 0 when `s` is neither.
int IpBytes(const std::string& s, unsigned char out[16]) {
  if (inet_pton(AF_INET, s.c_str(), out) == 1) return 4;
  if (inet_pton(AF_INET6, s.c_str(), out) == 1) return 16;
  return 0;
}

}  // namespace

Result<std::string> BuildCsr(const crypto::Key& key, const std::vector<std::string>& dns_names,
                             bool must_staple) {
  if (dns_names.empty()) return Error(ErrorCode::kMalformed, "a CSR needs at least one name");
  crypto::X509ReqPtr req(X509_REQ_new());
  if (!req || X509_REQ_set_version(req.get(), 0) != 1)
    return crypto::OsslError(ErrorCode::kServerInternal, "cannot create CSR");
  // The CN is the first DNS name (an IP address is never a CN, as certbot).
  unsigned char ip[16];
  auto first_dns = std::find_if(dns_names.begin(), dns_names.end(),
                                [&](const std::string& n) { return IpBytes(n, ip) == 0; });
  if (first_dns != dns_names.end() && first_dns->size() <= 64) {
    X509_NAME* subject = X509_REQ_get_subject_name(req.get());
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(first_dns->c_str()), -1,
                               -1, 0);
  }
  if (X509_REQ_set_pubkey(req.get(), key.get()) != 1)
    return crypto::OsslError(ErrorCode::kServerInternal, "cannot set CSR key");
  crypto::GeneralNamesPtr names(GENERAL_NAMES_new());
  for (const auto& n : dns_names) {
    GENERAL_NAME* gn = GENERAL_NAME_new();
    if (int len = IpBytes(n, ip); len > 0) {
      ASN1_OCTET_STRING* octets = ASN1_OCTET_STRING_new();
      ASN1_OCTET_STRING_set(octets, ip, len);
      GENERAL_NAME_set0_value(gn, GEN_IPADD, octets);
    } else {
      ASN1_IA5STRING* ia5 = ASN1_IA5STRING_new();
      ASN1_STRING_set(ia5, n.data(), int(n.size()));
      GENERAL_NAME_set0_value(gn, GEN_DNS, ia5);
    }
    sk_GENERAL_NAME_push(names.get(), gn);
  }
  crypto::ExtStackPtr exts(sk_X509_EXTENSION_new_null());
  X509_EXTENSION* san = X509V3_EXT_i2d(NID_subject_alt_name, 0, names.get());
  if (!san) return crypto::OsslError(ErrorCode::kServerInternal, "cannot encode SAN");
  sk_X509_EXTENSION_push(exts.get(), san);
  if (must_staple) {
    X509_EXTENSION* feature = X509V3_EXT_nconf_nid(nullptr, nullptr, NID_tlsfeature,
                                                   "status_request");
    if (!feature) return crypto::OsslError(ErrorCode::kServerInternal, "cannot encode TLS Feature");
    sk_X509_EXTENSION_push(exts.get(), feature);
  }
  if (X509_REQ_add_extensions(req.get(), exts.get()) != 1)
    return crypto::OsslError(ErrorCode::kServerInternal, "cannot add CSR extensions");
  const EVP_MD* md = key.Family() == "OKP" ? nullptr : EVP_sha256();
  if (X509_REQ_sign(req.get(), key.get(), md) <= 0)
    return crypto::OsslError(ErrorCode::kServerInternal, "cannot sign CSR");
  unsigned char* der = nullptr;
  int len = i2d_X509_REQ(req.get(), &der);
  if (len <= 0) return crypto::OsslError(ErrorCode::kServerInternal, "cannot encode CSR");
  std::string out(reinterpret_cast<char*>(der), size_t(len));
  OPENSSL_free(der);
  return out;
}

Result<std::string> CsrDerFromFileContents(const std::string& contents) {
  RecordFuzzInput("pem_fuzz", contents);
  if (contents.find("-----BEGIN") == std::string::npos) return contents;
  crypto::BioPtr bio(BIO_new_mem_buf(contents.data(), int(contents.size())));
  crypto::X509ReqPtr req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (!req) return crypto::OsslError(ErrorCode::kBadCsr, "cannot parse the CSR file");
  unsigned char* der = nullptr;
  int len = i2d_X509_REQ(req.get(), &der);
  if (len <= 0) return crypto::OsslError(ErrorCode::kBadCsr, "cannot encode the CSR");
  std::string out(reinterpret_cast<char*>(der), size_t(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace signet::pki
