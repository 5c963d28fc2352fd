// Signed certificate timestamps (RFC 6962 3.2, 3.3): their TLS encoding, the
// SCT list a certificate embeds, the data a log signs, and the check of a
// log's signature. Pure functions over bytes; no network. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/key.h"
#include "crypto/ossl.h"

namespace signet::pki {

// RFC 6962 3.2 LogEntryType: what the log signed over.
enum class CtEntryType : uint16_t { kX509 = 0, kPrecert = 1 };

// One SCT (RFC 6962 3.2 SignedCertificateTimestamp), decoded.
struct Sct {
  uint8_t version = 0;         // v1(0)
  std::string log_id;          // 32 bytes: SHA-256 of the log's DER SubjectPublicKeyInfo
  uint64_t timestamp_ms = 0;   // milliseconds since the epoch
  std::string extensions;      // CtExtensions, opaque (empty in v1)
  uint8_t hash_algorithm = 4;  // TLS HashAlgorithm: sha256(4)
  uint8_t signature_algorithm = 3;  // TLS SignatureAlgorithm: rsa(1), ecdsa(3)
  std::string signature;       // DER ECDSA-Sig-Value or RSA PKCS#1 v1.5 bytes
};

// The TLS encoding of one SCT, and back (kMalformed for anything that is not
// exactly one well-formed v1 SCT).
std::string EncodeSct(const Sct& sct);
Result<Sct> DecodeSct(std::string_view tls);

// SignedCertificateTimestampList (RFC 6962 3.3): opaque SerializedSCT
// <1..2^16-1> list <1..2^16-1>; what the SCT list extension's OCTET STRING holds.
Result<std::string> EncodeSctList(const std::vector<Sct>& scts);
Result<std::vector<Sct>> DecodeSctList(std::string_view tls);

// The `digitally-signed` structure's contents (RFC 6962 3.2) for `sct` over
// `payload`: the certificate's DER for kX509, the precertificate's TBS with
// the poison removed (PrecertTbs) for kPrecert, then `issuer_key_hash`
// (SHA-256 of the issuer's SubjectPublicKeyInfo, kPrecert only).
std::string SctSignedData(const Sct& sct, CtEntryType type, std::string_view issuer_key_hash,
                          std::string_view payload);

// Checks `sct`'s signature with the log's key, and that its log_id is that
// key's. kServerInternal naming what is wrong.
Status VerifySct(const Sct& sct, const crypto::Key& log_key, CtEntryType type,
                 std::string_view issuer_key_hash, std::string_view payload);

// Signs an SCT as a log would (for the fake logs of tests): version 1, no
// extensions, SHA-256 with the key's algorithm (ECDSA or RSA).
Result<Sct> SignSct(const crypto::Key& log_key, uint64_t timestamp_ms, CtEntryType type,
                    std::string_view issuer_key_hash, std::string_view payload);

// A log's id: SHA-256 of its key's DER SubjectPublicKeyInfo (RFC 6962 3.2).
std::string CtLogId(const crypto::Key& log_key);
// SHA-256 of `issuer`'s DER SubjectPublicKeyInfo (RFC 6962 3.2 issuer_key_hash).
std::string IssuerKeyHash(X509* issuer);
// The TBSCertificate of a precertificate (DER) with its poison extension
// removed: what a log signs for it. kMalformed when the DER is not a
// certificate or carries no poison.
Result<std::string> PrecertTbs(std::string_view precert_der);

}  // namespace signet::pki
