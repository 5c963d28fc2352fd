// CRL lints (RFC 5280 5, BR 4.9.7 and 7.2).
#include <openssl/x509v3.h>

#include <algorithm>

#include "pki/lint/lint_internal.h"

namespace signet::pki::lint::internal {
namespace {

// The (first) CRL extension with `nid`, or nullptr.
X509_EXTENSION* CrlExtension(X509_CRL* crl, int nid) {
  int index = X509_CRL_get_ext_by_NID(crl, nid, -1);
  return index < 0 ? nullptr : X509_CRL_get_ext(crl, index);
}

std::string Version(const CrlContext& c) {
  return X509_CRL_get_version(c.crl) == X509_CRL_VERSION_2 ? "" : "CRL is not version 2";
}

std::string UpdateOrder(const CrlContext& c) {
  auto this_update = TimeOf(X509_CRL_get0_lastUpdate(c.crl));
  if (!this_update) return "thisUpdate does not parse";
  if (!X509_CRL_get0_nextUpdate(c.crl)) return "nextUpdate is missing";
  auto next_update = TimeOf(X509_CRL_get0_nextUpdate(c.crl));
  if (!next_update) return "nextUpdate does not parse";
  return *next_update < *this_update ? "nextUpdate is before thisUpdate" : "";
}

std::string ValidityTooLong(const CrlContext& c) {
  auto this_update = TimeOf(X509_CRL_get0_lastUpdate(c.crl));
  auto next_update = TimeOf(X509_CRL_get0_nextUpdate(c.crl));
  if (!this_update || !next_update) return "";  // e_crl_update_order's
  if (*next_update - *this_update <= kMaxRevocationWindow) return "";
  return "nextUpdate is " + std::to_string(*next_update - *this_update) +
         " s after thisUpdate, more than 10 days";
}

std::string CrlNumber(const CrlContext& c) {
  if (FindExtension(X509_CRL_get0_extensions(c.crl), NID_crl_number) == -2)
    return "cRLNumber appears twice";
  X509_EXTENSION* ext = CrlExtension(c.crl, NID_crl_number);
  if (!ext) return "cRLNumber is missing";
  if (X509_EXTENSION_get_critical(ext)) return "cRLNumber is critical";
  crypto::Asn1IntegerPtr number(static_cast<ASN1_INTEGER*>(X509V3_EXT_d2i(ext)));
  if (!number || ASN1_STRING_type(number.get()) == V_ASN1_NEG_INTEGER)
    return "cRLNumber is not a non-negative INTEGER";
  return "";
}

std::string Aki(const CrlContext& c) {
  X509_EXTENSION* ext = CrlExtension(c.crl, NID_authority_key_identifier);
  if (!ext) return "authorityKeyIdentifier is missing";
  crypto::AuthorityKeyIdPtr aki(static_cast<AUTHORITY_KEYID*>(X509V3_EXT_d2i(ext)));
  if (!aki || !aki->keyid) return "authorityKeyIdentifier has no keyIdentifier";
  const ASN1_OCTET_STRING* ski = c.issuer ? X509_get0_subject_key_id(c.issuer) : nullptr;
  if (ski && OctetsOf(aki->keyid) != OctetsOf(ski))
    return "authorityKeyIdentifier is not the issuer's subjectKeyIdentifier";
  return "";
}

std::string IdpCritical(const CrlContext& c) {
  X509_EXTENSION* ext = CrlExtension(c.crl, NID_issuing_distribution_point);
  if (!ext || X509_EXTENSION_get_critical(ext)) return "";
  return "issuingDistributionPoint is not critical";
}

// (sign, magnitude) of an INTEGER: ordered as BuildCrl sorts its entries
// (shorter first, then by bytes) among non-negative serials.
using SerialKey = std::pair<int, std::string_view>;
bool SerialBefore(const SerialKey& a, const SerialKey& b) {
  if (a.first != b.first) return a.first < b.first;
  if (a.second.size() != b.second.size()) return a.second.size() < b.second.size();
  return a.second < b.second;
}

std::string DuplicateSerial(const CrlContext& c) {
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(c.crl);
  std::vector<SerialKey> serials;
  serials.reserve(size_t(std::max(0, sk_X509_REVOKED_num(revoked))));
  bool sorted = true;  // as BuildCrl writes them: then one pass suffices
  for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
    const ASN1_INTEGER* serial = X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i));
    serials.emplace_back(ASN1_STRING_type(serial), OctetsOf(serial));
    if (i > 0 && !SerialBefore(serials[size_t(i) - 1], serials[size_t(i)])) sorted = false;
  }
  if (sorted) return "";
  std::sort(serials.begin(), serials.end(), SerialBefore);
  auto dup = std::adjacent_find(serials.begin(), serials.end());
  if (dup == serials.end()) return "";
  std::string hex;
  for (char b : dup->second) {
    static const char kDigits[] = "0123456789abcdef";
    hex += kDigits[uint8_t(b) >> 4];
    hex += kDigits[uint8_t(b) & 15];
  }
  return "serial " + hex + " is listed twice";
}

// The value of a reasonCode extension (ENUMERATED, X.690 8.4), read from its
// DER directly: a million entries are linted in one pass. -1 when malformed.
long ReasonOf(X509_EXTENSION* ext) {
  std::string_view der = OctetsOf(X509_EXTENSION_get_data(ext));
  if (der.size() != 3 || der[0] != 0x0a || der[1] != 1 || (uint8_t(der[2]) & 0x80)) return -1;
  return uint8_t(der[2]);
}

// RFC 5280 5.3.1: 0-6, 8-10; 7 is unused and removeFromCRL (8) is for delta
// CRLs only; unspecified (0) is not written out (BR 7.2.2).
std::string ReasonCode(const CrlContext& c) {
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(c.crl);
  for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
    const STACK_OF(X509_EXTENSION)* exts =
        X509_REVOKED_get0_extensions(sk_X509_REVOKED_value(revoked, i));
    int index = FindExtension(exts, NID_crl_reason);
    if (index == -2) return "an entry has two reasonCodes";
    if (index < 0) continue;
    X509_EXTENSION* ext = sk_X509_EXTENSION_value(exts, index);
    if (X509_EXTENSION_get_critical(ext)) return "an entry's reasonCode is critical";
    long reason = ReasonOf(ext);
    if (reason < 0) return "an entry's reasonCode is not a one-octet ENUMERATED";
    if (reason == 0) return "an entry writes out the reasonCode unspecified (0)";
    if (reason < 0 || reason == 7 || reason == 8 || reason > 10)
      return "an entry has the reasonCode " + std::to_string(reason);
  }
  return "";
}

}  // namespace

const std::vector<CrlLint>& CrlLints() {
  static const std::vector<CrlLint> lints = {
      {"e_crl_not_version_2", Version},
      {"e_crl_update_order", UpdateOrder},
      {"e_crl_validity_too_long", ValidityTooLong},
      {"e_crl_number_invalid", CrlNumber},
      {"e_crl_aki_missing", Aki},
      {"e_crl_idp_not_critical", IdpCritical},
      {"e_crl_duplicate_serial", DuplicateSerial},
      {"e_crl_reason_code_invalid", ReasonCode},
  };
  return lints;
}

}  // namespace signet::pki::lint::internal
