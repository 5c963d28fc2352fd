// OCSP responder logic (RFC 6960), without HTTP: parse a request, decide
// whether it concerns our issuer, and build the signed answer. The HTTP
// front end (GET with base64 in the path, or POST; RFC 6960 A.1) decodes the
// body and calls these. All functions are pure and thread-safe.
//
// Responses are signed by a delegated responder (RFC 6960 4.2.2.2; see
// ocsp_signing_cert.h), identified by key hash, carrying its certificate.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "crypto/ossl.h"
#include "pki/certificate.h"
#include "pki/issuer.h"

namespace signet::pki {

// The CertID hash algorithms we answer for: SHA-1 is the RFC 6960 default
// and what clients send; SHA-256 is accepted too.
enum class OcspHash { kSha1, kSha256 };

// The single certificate an OCSP request asks about (RFC 6960 4.1.1).
struct OcspRequestInfo {
  OcspHash hash = OcspHash::kSha1;  // CertID hashAlgorithm
  std::string issuer_name_hash;     // raw digest of the issuer's DER name
  std::string issuer_key_hash;      // raw digest of the issuer's public key bits
  std::string serial;               // lower-case hex without leading zeros, as SerialHex
  // The nonce extension's extnValue (the DER of Nonce ::= OCTET STRING,
  // RFC 8954), echoed verbatim. Absent when the request has none, and when
  // its nonce is longer than 32 octets (RFC 8954 2.1 lets a responder ignore it).
  std::optional<std::string> nonce;
};

// Parses a DER OCSPRequest. Errors (kMalformed; answer malformedRequest): not
// DER, trailing data, not exactly one CertID (as Let's Encrypt, one per
// request), a hash other than SHA-1/SHA-256, a digest of the wrong length, a
// negative serial, an empty or non-OCTET STRING nonce. A request signature,
// if any, is ignored.
Result<OcspRequestInfo> ParseOcspRequest(std::string_view der);

// True when the request's issuerNameHash and issuerKeyHash are those of
// `issuer_cert` under the request's hash algorithm. When false the responder
// answers unauthorized (RFC 6960 2.3): it is not authoritative for that CA.
bool OcspRequestMatchesIssuer(const OcspRequestInfo& request, X509* issuer_cert);

// What the CA knows about the certificate (RFC 6960 4.2.1 CertStatus).
struct OcspStatus {
  enum Kind { kGood, kRevoked, kUnknown };
  Kind status = kGood;
  Clock::time_point revoked_at;  // kRevoked only
  int reason = 0;                // kRevoked only: RFC 5280 CRLReason; 0 omits revocationReason
};

// A successful OCSPResponse (DER) holding a BasicOCSPResponse with one
// SingleResponse for `request`'s CertID: the status, thisUpdate, nextUpdate,
// and (when `include_nonce` and the request had one) the nonce echoed.
// Signed by `responder` (SHA-256) with responderID byKey and the
// responder's certificate in certs; producedAt is now.
// REQUIRES: `responder` is a delegated OCSP signer issued by `issuer_cert`.
// Errors: kUnauthorized when the request is not for `issuer_cert`
// (OcspRequestMatchesIssuer), kServerInternal on bad arguments or failure.
Result<std::string> BuildOcspResponse(const Issuer& responder, X509* issuer_cert,
                                      const OcspRequestInfo& request, const OcspStatus& status,
                                      Clock::time_point this_update, Clock::time_point next_update,
                                      bool include_nonce);

// OCSPResponseStatus values other than successful (RFC 6960 4.2.1).
enum OcspErrorStatus : int {
  kOcspMalformedRequest = 1,
  kOcspInternalError = 2,
  kOcspTryLater = 3,
  kOcspSigRequired = 5,
  kOcspUnauthorized = 6,
};

// An unsigned OCSPResponse with only that status (DER). Any other value of
// `status` gives internalError.
std::string OcspErrorResponse(int status);

}  // namespace signet::pki
