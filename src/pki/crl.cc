#include "pki/crl.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>

#include "crypto/digest.h"
#include "pki/crl_der.h"
#include "pki/lint/lint.h"

// The TBSCertList is written with the small DER writer of crl_der.h instead of
// OpenSSL's X509_CRL API: that path needs about 10 s and 390 MB for a million
// entries (it allocates several objects per entry and re-encodes the list to
// sign it and again to serialize it), this one a fraction of a second. This is
// the one place Signet hand-writes DER; the tests parse and verify every CRL
// with OpenSSL and the openssl command line.

namespace signet::pki {

using crypto::OsslError;
using namespace std::string_view_literals;

namespace {

constexpr size_t kMaxSerialOctets = 20;  // RFC 5280 4.1.2.2

// Extension OIDs (contents octets of the OBJECT IDENTIFIER).
constexpr std::string_view kOidAuthorityKeyId = "\x55\x1d\x23"sv;    // 2.5.29.35
constexpr std::string_view kOidCrlNumber = "\x55\x1d\x14"sv;         // 2.5.29.20
constexpr std::string_view kOidIssuingDistPoint = "\x55\x1d\x1c"sv;  // 2.5.29.28
constexpr std::string_view kOidReasonCode = "\x55\x1d\x15"sv;        // 2.5.29.21
constexpr std::string_view kVersion2 = "\x02\x01\x01"sv;             // INTEGER 1 (v2)
constexpr std::string_view kBooleanTrue = "\x01\x01\xff"sv;
// Reserved after the TBSCertList for signatureAlgorithm and signatureValue
// (RSA-4096: 512 octets), so appending them does not move the buffer.
constexpr size_t kSignatureRoom = 1024;

// A revoked entry reduced to what the encoder needs: flat, so a million of
// them sort quickly.
struct Entry {
  std::array<char, kMaxSerialOctets> serial;  // INTEGER contents
  uint8_t serial_len;
  uint8_t reason;
  std::time_t revoked_at;
};

// Minimal INTEGER contents of non-negative numbers: shorter is smaller, and
// equal lengths compare as bytes.
bool SerialLess(const Entry& a, const Entry& b) {
  if (a.serial_len != b.serial_len) return a.serial_len < b.serial_len;
  return std::memcmp(a.serial.data(), b.serial.data(), a.serial_len) < 0;
}

bool SerialEqual(const Entry& a, const Entry& b) {
  return a.serial_len == b.serial_len &&
         std::memcmp(a.serial.data(), b.serial.data(), a.serial_len) == 0;
}

// RFC 5280 5.3.1, without the unused 7 and the delta-CRL-only removeFromCRL.
bool ValidReason(int reason) {
  return reason >= kReasonUnspecified && reason <= kReasonAaCompromise && reason != 7 &&
         reason != kReasonRemoveFromCrl;
}

Result<std::vector<Entry>> SortedEntries(const std::vector<RevokedEntry>& revoked) {
  std::vector<Entry> entries;
  entries.reserve(revoked.size());
  for (const RevokedEntry& r : revoked) {
    if (!ValidReason(r.reason))
      return Error(ErrorCode::kServerInternal,
                   "CRL entry " + r.serial + ": invalid reason " + std::to_string(r.reason));
    Entry& e = entries.emplace_back();
    auto length = internal::DerSerialContents(r.serial, e.serial);
    if (!length.ok())
      return Error(ErrorCode::kServerInternal,
                   "CRL entry '" + r.serial + "': " + length.error().detail);
    e.serial_len = uint8_t(*length);
    e.reason = uint8_t(r.reason);
    e.revoked_at = Clock::to_time_t(r.revoked_at);
  }
  std::sort(entries.begin(), entries.end(), SerialLess);
  auto dup = std::adjacent_find(entries.begin(), entries.end(), SerialEqual);
  if (dup != entries.end())
    return Error(ErrorCode::kServerInternal,
                 "duplicate CRL entry " +
                     crypto::HexEncode(std::string_view(dup->serial.data(), dup->serial_len)));
  return entries;
}

// Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue }
std::string Extension(std::string_view oid, bool critical, std::string_view value) {
  return internal::DerConcat(
      internal::kDerSequence,
      {internal::DerTlv(internal::kDerOid, oid), critical ? kBooleanTrue : ""sv,
       internal::DerTlv(internal::kDerOctetString, value)});
}

// crlEntryExtensions holding only a reasonCode (RFC 5280 5.3.1), per reason.
std::array<std::string, kReasonAaCompromise + 1> ReasonExtensions() {
  std::array<std::string, kReasonAaCompromise + 1> out;
  for (int reason = 1; reason <= kReasonAaCompromise; ++reason) {
    std::string enumerated =
        internal::DerTlv(internal::kDerEnumerated, std::string(1, char(reason)));
    out[reason] =
        internal::DerTlv(internal::kDerSequence, Extension(kOidReasonCode, false, enumerated));
  }
  return out;
}

// Writes revokedCertificates entries: SEQUENCE { userCertificate,
// revocationDate, crlEntryExtensions }. Size() gives an entry's encoded size
// before it is written, so the whole CRL goes into one buffer without copies.
class EntryEncoder {
 public:
  size_t Size(const Entry& e) const {
    size_t body = 2 + e.serial_len + internal::DerTimeSize(e.revoked_at) +
                  reason_extensions_[e.reason].size();
    return 2 + body;  // body < 128 octets: a short-form length
  }

  void Append(std::string* out, const Entry& e) {
    if (time_der_.empty() || e.revoked_at != time_of_der_) {  // Revocations come in bursts.
      time_der_.clear();
      internal::AppendDerTime(&time_der_, e.revoked_at);
      time_of_der_ = e.revoked_at;
    }
    const std::string& extensions = reason_extensions_[e.reason];
    internal::AppendDerHeader(out, internal::kDerSequence,
                              2 + e.serial_len + time_der_.size() + extensions.size());
    internal::AppendDerTlv(out, internal::kDerInteger,
                           std::string_view(e.serial.data(), e.serial_len));
    out->append(time_der_);
    out->append(extensions);
  }

 private:
  const std::array<std::string, kReasonAaCompromise + 1> reason_extensions_ = ReasonExtensions();
  std::string time_der_;
  std::time_t time_of_der_ = 0;
};

Result<std::string> KeyIdentifier(X509* issuer) {
  if (const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(issuer))
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(ski)),
                       size_t(ASN1_STRING_length(ski)));
  // No SKI: method 1 of RFC 5280 4.2.1.2, SHA-1 of the subjectPublicKey bits.
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_pubkey_digest(issuer, EVP_sha1(), digest, &len) != 1)
    return OsslError(ErrorCode::kServerInternal, "cannot compute the issuer's key identifier");
  return std::string(reinterpret_cast<const char*>(digest), len);
}

// IssuingDistributionPoint ::= SEQUENCE { distributionPoint [0] { fullName [0]
//   { uniformResourceIdentifier [6] url } }, onlyContainsUserCerts [1] TRUE }
std::string IssuingDistributionPoint(const std::string& url) {
  using internal::DerContextConstructed;
  using internal::DerContextPrimitive;
  using internal::DerTlv;
  std::string full_name = DerTlv(DerContextConstructed(0), DerTlv(DerContextPrimitive(6), url));
  return internal::DerConcat(internal::kDerSequence,
                             {DerTlv(DerContextConstructed(0), full_name), "\x81\x01\xff"sv});
}

// crlExtensions [0] EXPLICIT: AKI, cRLNumber, and IDP (critical) when asked.
Result<std::string> CrlExtensions(X509* issuer, const CrlTemplate& tmpl) {
  SIGNET_ASSIGN_OR_RETURN(std::string key_id, KeyIdentifier(issuer));
  std::string aki = internal::DerTlv(internal::kDerSequence,
                                     internal::DerTlv(internal::DerContextPrimitive(0), key_id));
  std::string number = internal::DerTlv(internal::kDerInteger,
                                        internal::DerUnsignedContents(uint64_t(tmpl.crl_number)));
  std::string idp;
  if (!tmpl.idp_url.empty())
    idp = Extension(kOidIssuingDistPoint, true, IssuingDistributionPoint(tmpl.idp_url));
  std::string list = internal::DerConcat(
      internal::kDerSequence,
      {Extension(kOidAuthorityKeyId, false, aki), Extension(kOidCrlNumber, false, number), idp});
  return internal::DerTlv(internal::DerContextConstructed(0), list);
}

Result<std::string> NameDer(X509_NAME* name) {
  int len = i2d_X509_NAME(name, nullptr);
  if (len <= 0) return OsslError(ErrorCode::kServerInternal, "cannot encode the issuer name");
  std::string out(size_t(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  if (i2d_X509_NAME(name, &p) != len)
    return OsslError(ErrorCode::kServerInternal, "cannot encode the issuer name");
  return out;
}

Status CheckTemplate(const Issuer& issuer, const CrlTemplate& tmpl) {
  if (!issuer.cert || !issuer.signer)
    return Error(ErrorCode::kServerInternal, "CRL issuer has no certificate or key");
  if (tmpl.crl_number < 0) return Error(ErrorCode::kServerInternal, "negative CRL number");
  if (Clock::to_time_t(tmpl.next_update) <= Clock::to_time_t(tmpl.this_update))
    return Error(ErrorCode::kServerInternal, "CRL nextUpdate is not after thisUpdate");
  for (char c : tmpl.idp_url)  // IA5String, and no spaces or controls in a URI
    if (c <= 0x20 || c >= 0x7f)
      return Error(ErrorCode::kServerInternal, "invalid CRL distribution point URL");
  return OkStatus();
}

// The TBSCertList fields other than the entries, already encoded.
struct TbsParts {
  std::string algorithm;
  std::string name;
  std::string this_update;
  std::string next_update;
  std::string extensions;  // [0] crlExtensions
};

// Appends the TBSCertList (RFC 5280 5.1.2) to `out`.
Status AppendTbsCertList(std::string* out, const TbsParts& parts,
                         const std::vector<Entry>& entries) {
  EntryEncoder encoder;
  size_t list_size = 0;
  for (const Entry& e : entries) list_size += encoder.Size(e);
  std::string list_header;  // revokedCertificates is absent when empty (5.1.2.6).
  if (!entries.empty()) internal::AppendDerHeader(&list_header, internal::kDerSequence, list_size);
  const std::string_view before_entries[] = {kVersion2,         parts.algorithm,   parts.name,
                                             parts.this_update, parts.next_update, list_header};
  size_t tbs_size = list_size + parts.extensions.size();
  for (std::string_view part : before_entries) tbs_size += part.size();

  size_t start = out->size();
  out->reserve(start + tbs_size + 6 + kSignatureRoom);
  internal::AppendDerHeader(out, internal::kDerSequence, tbs_size);
  size_t contents_start = out->size();
  for (std::string_view part : before_entries) out->append(part);
  for (const Entry& e : entries) encoder.Append(out, e);
  out->append(parts.extensions);
  if (out->size() - contents_start != tbs_size) {  // Size() and Append() disagree: a bug.
    out->resize(start);
    return Error(ErrorCode::kServerInternal, "CRL encoding size mismatch");
  }
  return OkStatus();
}

}  // namespace

Result<std::string> BuildCrl(const Issuer& issuer, const CrlTemplate& tmpl,
                             const std::vector<RevokedEntry>& revoked) {
  SIGNET_RETURN_IF_ERROR(CheckTemplate(issuer, tmpl));
  SIGNET_ASSIGN_OR_RETURN(std::vector<Entry> entries, SortedEntries(revoked));
  TbsParts parts;
  parts.algorithm = issuer.signer->algorithm_id();
  SIGNET_ASSIGN_OR_RETURN(parts.name, NameDer(X509_get_subject_name(issuer.cert.get())));
  SIGNET_ASSIGN_OR_RETURN(parts.extensions, CrlExtensions(issuer.cert.get(), tmpl));
  internal::AppendDerTime(&parts.this_update, Clock::to_time_t(tmpl.this_update));
  internal::AppendDerTime(&parts.next_update, Clock::to_time_t(tmpl.next_update));

  // CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue }
  // in one buffer: room for the outer header, whose length is known only once
  // the signature is, then the TBSCertList, signed in place.
  constexpr size_t kHeaderRoom = 6;
  std::string out(kHeaderRoom, '\0');
  SIGNET_RETURN_IF_ERROR(AppendTbsCertList(&out, parts, entries));
  std::vector<Entry>().swap(entries);
  std::string_view tbs = std::string_view(out).substr(kHeaderRoom);
  {  // Linted before it is signed (pki/lint/lint.h).
    SIGNET_ASSIGN_OR_RETURN(crypto::X509CrlPtr parsed,
                            lint::ParseTbsCertList(tbs, parts.algorithm));
    SIGNET_RETURN_IF_ERROR(
        lint::FindingsToStatus(lint::LintCrl(parsed.get(), issuer.cert.get()), "CRL"));
  }
  SIGNET_ASSIGN_OR_RETURN(std::string signature, issuer.signer->Sign(tbs));
  out.append(parts.algorithm);
  internal::AppendDerHeader(&out, internal::kDerBitString, signature.size() + 1);
  out.push_back('\0');  // no unused bits
  out.append(signature);
  std::string header;
  internal::AppendDerHeader(&header, internal::kDerSequence, out.size() - kHeaderRoom);
  out.replace(0, kHeaderRoom, header);  // one in-place move of the body
  return out;
}

Result<crypto::X509CrlPtr> ParseCrl(std::string_view der) {
  const auto* begin = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* p = begin;
  crypto::X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, long(der.size())));
  if (!crl) return OsslError(ErrorCode::kMalformed, "cannot parse DER CRL");
  if (p != begin + der.size()) return Error(ErrorCode::kMalformed, "trailing data after DER CRL");
  return crl;
}

}  // namespace signet::pki
