// Certificate lints on the structure: version, serial, validity, and the
// extensions a subscriber certificate must carry (BR 7.1.2.7, RFC 5280 4.2).
#include <openssl/x509v3.h>

#include <algorithm>
#include <set>

#include "pki/lint/lint_internal.h"

namespace signet::pki::lint::internal {
namespace {

using namespace std::string_view_literals;

constexpr size_t kMaxSerialOctets = 20;  // RFC 5280 4.1.2.2
constexpr size_t kMinSerialOctets = 8;   // BR 7.1: 64 bits from a CSPRNG
constexpr std::string_view kDomainValidatedOid = "\x67\x81\x0c\x01\x02\x01"sv;  // 2.23.140.1.2.1

// The (first) extension with `nid`, or nullptr; a repeated one is
// e_duplicate_extension's finding.
X509_EXTENSION* Extension(X509* cert, int nid) {
  int index = X509_get_ext_by_NID(cert, nid, -1);
  return index < 0 ? nullptr : X509_get_ext(cert, index);
}

// The decoded extension value, freed by `Free`, or nullptr when absent or undecodable.
template <typename T, void (*Free)(T*)>
std::unique_ptr<T, crypto::OsslDeleter<Free>> Decoded(X509_EXTENSION* ext) {
  return std::unique_ptr<T, crypto::OsslDeleter<Free>>(ext ? static_cast<T*>(X509V3_EXT_d2i(ext))
                                                           : nullptr);
}

int KeyAlgorithm(X509* cert) {
  ASN1_OBJECT* oid = nullptr;
  if (X509_PUBKEY_get0_param(&oid, nullptr, nullptr, nullptr, X509_get_X509_PUBKEY(cert)) != 1)
    return NID_undef;
  return OBJ_obj2nid(oid);
}

std::string Version(const CertContext& c) {
  return X509_get_version(c.cert) == X509_VERSION_3 ? "" : "certificate is not version 3";
}

std::string SerialNotPositive(const CertContext& c) {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(c.cert);
  std::string_view magnitude = OctetsOf(serial);
  bool zero = std::all_of(magnitude.begin(), magnitude.end(), [](char b) { return b == 0; });
  if (ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER) return "serial number is negative";
  return zero ? "serial number is zero" : "";
}

std::string SerialTooLong(const CertContext& c) {
  std::string_view magnitude = OctetsOf(X509_get0_serialNumber(c.cert));
  // INTEGER contents: the magnitude, plus a zero octet when its top bit is set.
  size_t octets = magnitude.size() + (!magnitude.empty() && (uint8_t(magnitude[0]) & 0x80));
  if (octets <= kMaxSerialOctets) return "";
  return "serial number is " + std::to_string(octets) + " octets, more than 20";
}

std::string SerialLowEntropy(const CertContext& c) {
  std::string_view magnitude = OctetsOf(X509_get0_serialNumber(c.cert));
  while (!magnitude.empty() && magnitude[0] == 0) magnitude.remove_prefix(1);
  if (magnitude.size() >= kMinSerialOctets) return "";
  return "serial number has " + std::to_string(magnitude.size()) +
         " significant octets, fewer than the 8 that 64 bits of entropy need";
}

std::string ValidityNegative(const CertContext& c) {
  auto not_before = TimeOf(X509_get0_notBefore(c.cert));
  auto not_after = TimeOf(X509_get0_notAfter(c.cert));
  if (!not_before || !not_after) return "validity times do not parse";
  return *not_after < *not_before ? "notAfter is before notBefore" : "";
}

std::string ValidityTooLong(const CertContext& c) {
  auto not_before = TimeOf(X509_get0_notBefore(c.cert));
  auto not_after = TimeOf(X509_get0_notAfter(c.cert));
  if (!not_before || !not_after) return "validity times do not parse";
  if (c.profile.max_validity.count() <= 0) return "the profile has no lifetime";
  // notAfter is inclusive (RFC 5280 4.1.2.5): the period lasts one second more.
  long long period = (long long)(*not_after - *not_before) + 1;
  if (period <= c.profile.max_validity.count()) return "";
  return "validity period is " + std::to_string(period) + " s, more than the profile's " +
         std::to_string(c.profile.max_validity.count()) + " s";
}

std::string DuplicateExtension(const CertContext& c) {
  std::set<std::string> seen;
  const STACK_OF(X509_EXTENSION)* exts = X509_get0_extensions(c.cert);
  for (int i = 0; i < sk_X509_EXTENSION_num(exts); ++i) {
    const ASN1_OBJECT* oid = X509_EXTENSION_get_object(sk_X509_EXTENSION_value(exts, i));
    char text[80];
    OBJ_obj2txt(text, sizeof(text), oid, 1);
    if (!seen.insert(text).second) return std::string("extension ") + text + " appears twice";
  }
  return "";
}

std::string BasicConstraints(const CertContext& c) {
  X509_EXTENSION* ext = Extension(c.cert, NID_basic_constraints);
  if (!ext) return "basicConstraints is missing";
  if (!X509_EXTENSION_get_critical(ext)) return "basicConstraints is not critical";
  auto bc = Decoded<BASIC_CONSTRAINTS, BASIC_CONSTRAINTS_free>(ext);
  if (!bc) return "basicConstraints does not decode";
  if (bc->ca) return "basicConstraints says CA:TRUE in a subscriber certificate";
  if (bc->pathlen) return "basicConstraints has a pathLenConstraint in a subscriber certificate";
  return "";
}

std::string KeyUsage(const CertContext& c) {
  X509_EXTENSION* ext = Extension(c.cert, NID_key_usage);
  if (!ext) return "keyUsage is missing";
  if (!X509_EXTENSION_get_critical(ext)) return "keyUsage is not critical";
  auto bits = Decoded<ASN1_BIT_STRING, ASN1_BIT_STRING_free>(ext);
  if (!bits) return "keyUsage does not decode";
  if (!ASN1_BIT_STRING_get_bit(bits.get(), 0)) return "keyUsage lacks digitalSignature";
  if (ASN1_BIT_STRING_get_bit(bits.get(), 5) || ASN1_BIT_STRING_get_bit(bits.get(), 6))
    return "keyUsage has keyCertSign or cRLSign in a subscriber certificate";
  return "";
}

std::string KeyEnciphermentNotRsa(const CertContext& c) {
  auto bits = Decoded<ASN1_BIT_STRING, ASN1_BIT_STRING_free>(Extension(c.cert, NID_key_usage));
  if (!bits || !ASN1_BIT_STRING_get_bit(bits.get(), 2)) return "";
  int algorithm = KeyAlgorithm(c.cert);
  if (algorithm == NID_rsaEncryption) return "";
  return std::string("keyUsage has keyEncipherment for a ") + OBJ_nid2sn(algorithm) + " key";
}

std::string EkuMismatch(const CertContext& c) {
  std::set<int> want;
  for (const std::string& name : c.profile.ext_key_usages) want.insert(OBJ_sn2nid(name.c_str()));
  X509_EXTENSION* ext = Extension(c.cert, NID_ext_key_usage);
  auto eku = Decoded<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free>(ext);
  if (ext && !eku) return "extKeyUsage does not decode";
  std::set<int> have;
  for (int i = 0; eku && i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
    int nid = OBJ_obj2nid(sk_ASN1_OBJECT_value(eku.get(), i));
    if (nid != NID_anyExtendedKeyUsage) have.insert(nid);  // e_sub_cert_eku_any's
  }
  if (ext && X509_EXTENSION_get_critical(ext)) return "extKeyUsage is critical";
  if (have == want) return "";
  std::string listed;
  for (int nid : have) listed += (listed.empty() ? "" : ",") + std::string(OBJ_nid2sn(nid));
  return "extKeyUsage is {" + listed + "}, not the profile's";
}

std::string EkuAny(const CertContext& c) {
  auto eku =
      Decoded<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free>(Extension(c.cert, NID_ext_key_usage));
  for (int i = 0; eku && i < sk_ASN1_OBJECT_num(eku.get()); ++i)
    if (OBJ_obj2nid(sk_ASN1_OBJECT_value(eku.get(), i)) == NID_anyExtendedKeyUsage)
      return "extKeyUsage has anyExtendedKeyUsage";
  return "";
}

std::string SkiMissing(const CertContext& c) {
  auto ski = Decoded<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>(
      Extension(c.cert, NID_subject_key_identifier));
  return ski && ASN1_STRING_length(ski.get()) > 0 ? "" : "subjectKeyIdentifier is missing";
}

std::string IssuerKeyId(X509* issuer) {
  if (const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(issuer))
    return std::string(OctetsOf(ski));
  unsigned char digest[EVP_MAX_MD_SIZE];  // RFC 5280 4.2.1.2 method 1
  unsigned int len = 0;
  if (X509_pubkey_digest(issuer, EVP_sha1(), digest, &len) != 1) return "";
  return std::string(reinterpret_cast<char*>(digest), len);
}

std::string AkiMismatch(const CertContext& c) {
  X509_EXTENSION* ext = Extension(c.cert, NID_authority_key_identifier);
  if (!ext) return "authorityKeyIdentifier is missing";
  if (X509_EXTENSION_get_critical(ext)) return "authorityKeyIdentifier is critical";
  auto aki = Decoded<AUTHORITY_KEYID, AUTHORITY_KEYID_free>(ext);
  if (!aki || !aki->keyid) return "authorityKeyIdentifier has no keyIdentifier";
  if (!c.issuer || OctetsOf(aki->keyid) != IssuerKeyId(c.issuer))
    return "authorityKeyIdentifier is not the issuer's subjectKeyIdentifier";
  return "";
}

std::string PolicyMissing(const CertContext& c) {
  auto policies = Decoded<CERTIFICATEPOLICIES, CERTIFICATEPOLICIES_free>(
      Extension(c.cert, NID_certificate_policies));
  for (int i = 0; policies && i < sk_POLICYINFO_num(policies.get()); ++i) {
    const ASN1_OBJECT* oid = sk_POLICYINFO_value(policies.get(), i)->policyid;
    std::string_view contents(reinterpret_cast<const char*>(OBJ_get0_data(oid)), OBJ_length(oid));
    if (contents == kDomainValidatedOid) return "";
  }
  return "certificatePolicies lacks the domain-validated policy 2.23.140.1.2.1";
}

std::string CaIssuersMissing(const CertContext& c) {
  auto aia = Decoded<AUTHORITY_INFO_ACCESS, AUTHORITY_INFO_ACCESS_free>(
      Extension(c.cert, NID_info_access));
  for (int i = 0; aia && i < sk_ACCESS_DESCRIPTION_num(aia.get()); ++i) {
    const ACCESS_DESCRIPTION* d = sk_ACCESS_DESCRIPTION_value(aia.get(), i);
    if (OBJ_obj2nid(d->method) == NID_ad_ca_issuers && d->location->type == GEN_URI) return "";
  }
  return "authorityInfoAccess has no caIssuers URL";
}

std::string SignatureAlgorithm(const CertContext& c) {
  if (!c.issuer) return "no issuer to check the signature algorithm against";
  const ASN1_OBJECT* oid = nullptr;
  int param_type = V_ASN1_UNDEF;
  X509_ALGOR_get0(&oid, &param_type, nullptr, X509_get0_tbs_sigalg(c.cert));
  int sig = OBJ_obj2nid(oid);
  int key = KeyAlgorithm(c.issuer);
  bool fits = key == NID_rsaEncryption
                  ? (sig == NID_sha256WithRSAEncryption || sig == NID_sha384WithRSAEncryption ||
                     sig == NID_sha512WithRSAEncryption) &&
                        param_type == V_ASN1_NULL
              : key == NID_X9_62_id_ecPublicKey
                  ? (sig == NID_ecdsa_with_SHA256 || sig == NID_ecdsa_with_SHA384 ||
                     sig == NID_ecdsa_with_SHA512) &&
                        param_type == V_ASN1_UNDEF
                  : key == NID_ED25519 && sig == NID_ED25519 && param_type == V_ASN1_UNDEF;
  if (fits) return "";
  return std::string("signature algorithm ") + OBJ_nid2sn(sig) + " does not fit the issuer's " +
         OBJ_nid2sn(key) + " key";
}

}  // namespace

const std::vector<CertLint>& CertStructureLints() {
  static const std::vector<CertLint> lints = {
      {"e_cert_not_version_3", Version},
      {"e_serial_not_positive", SerialNotPositive},
      {"e_serial_too_long", SerialTooLong},
      {"e_serial_low_entropy", SerialLowEntropy},
      {"e_validity_negative", ValidityNegative},
      {"e_validity_too_long", ValidityTooLong},
      {"e_duplicate_extension", DuplicateExtension},
      {"e_sub_cert_basic_constraints_invalid", BasicConstraints},
      {"e_sub_cert_key_usage_invalid", KeyUsage},
      {"e_key_usage_key_encipherment_not_rsa", KeyEnciphermentNotRsa},
      {"e_sub_cert_eku_mismatch", EkuMismatch},
      {"e_sub_cert_eku_any", EkuAny},
      {"e_ski_missing", SkiMissing},
      {"e_aki_mismatch", AkiMismatch},
      {"e_sub_cert_policy_missing", PolicyMissing},
      {"e_aia_ca_issuers_missing", CaIssuersMissing},
      {"e_signature_algorithm_mismatch", SignatureAlgorithm},
  };
  return lints;
}

}  // namespace signet::pki::lint::internal
