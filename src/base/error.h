// The one internal error type of Signet.
//
// Every fallible function reports failure as an Error value. The codes follow
// the failure classes a CA must distinguish (RFC 8555 6.7); the mapping of a
// code to a problem-document URN and an HTTP status lives in one place, the
// ACME front end (src/ca/wfe/problem_writer.cc), so no other module speaks HTTP.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace signet {

enum class ErrorCode {
  kMalformed,
  kBadNonce,
  kBadSignatureAlgorithm,
  kBadPublicKey,
  kUnauthorized,
  kAccountDoesNotExist,
  kRejectedIdentifier,
  kUnsupportedIdentifier,
  kBadCsr,
  kOrderNotReady,
  kConnection,
  kIncorrectResponse,
  kDns,
  kTls,
  kUnsupportedMediaType,  // HTTP 415; RFC 8555 6.2 Content-Type check.
  kNotFound,              // Unknown resource; HTTP 404 with type malformed.
  kMethodNotAllowed,      // HTTP 405 with type malformed.
  kAlreadyRevoked,
  kBadRevocationReason,
  kInvalidContact,
  kUnsupportedContact,
  kCaa,  // CAA records forbid issuance (RFC 8659, RFC 8555 6.7 "caa").
  kAlreadyReplaced,  // RFC 9773 5: the certificate already has a replacement order.
  kInvalidProfile,   // draft-ietf-acme-profiles: newOrder names an unknown profile.
  kServerInternal,
  // Append only: the numbers are persisted (order and challenge errors in
  // the store, the remote-VA wire format), so a code never moves.
  kRateLimited,              // RFC 8555 6.6: HTTP 429, with Retry-After when retry_after_seconds.
  kExternalAccountRequired,  // RFC 8555 7.3.4: newAccount without a required binding.
};
// The highest ErrorCode, for code that walks them all.
inline constexpr ErrorCode kLastErrorCode = ErrorCode::kExternalAccountRequired;

// The ACME error short name, e.g. "badNonce" for kBadNonce.
std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kServerInternal;
  std::string detail;
  // Set on sub-errors that concern one identifier (RFC 8555 6.7.1).
  std::string identifier_type;
  std::string identifier_value;
  std::vector<Error> subproblems;
  // When to try again (the Retry-After header); 0 = no advice.
  int retry_after_seconds = 0;

  Error() = default;
  Error(ErrorCode c, std::string d) : code(c), detail(std::move(d)) {}

  // "badNonce: detail" for logs and command-line messages.
  std::string ToString() const;
};

}  // namespace signet
