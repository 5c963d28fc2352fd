#include "base/error.h"

namespace signet {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kMalformed: return "malformed";
    case ErrorCode::kBadNonce: return "badNonce";
    case ErrorCode::kBadSignatureAlgorithm: return "badSignatureAlgorithm";
    case ErrorCode::kBadPublicKey: return "badPublicKey";
    case ErrorCode::kUnauthorized: return "unauthorized";
    case ErrorCode::kAccountDoesNotExist: return "accountDoesNotExist";
    case ErrorCode::kRejectedIdentifier: return "rejectedIdentifier";
    case ErrorCode::kUnsupportedIdentifier: return "unsupportedIdentifier";
    case ErrorCode::kBadCsr: return "badCSR";
    case ErrorCode::kOrderNotReady: return "orderNotReady";
    case ErrorCode::kConnection: return "connection";
    case ErrorCode::kIncorrectResponse: return "incorrectResponse";
    case ErrorCode::kDns: return "dns";
    case ErrorCode::kTls: return "tls";
    case ErrorCode::kUnsupportedMediaType: return "malformed";
    case ErrorCode::kNotFound: return "malformed";
    case ErrorCode::kMethodNotAllowed: return "malformed";
    case ErrorCode::kAlreadyRevoked: return "alreadyRevoked";
    case ErrorCode::kBadRevocationReason: return "badRevocationReason";
    case ErrorCode::kInvalidContact: return "invalidContact";
    case ErrorCode::kUnsupportedContact: return "unsupportedContact";
    case ErrorCode::kCaa: return "caa";
    case ErrorCode::kAlreadyReplaced: return "alreadyReplaced";
    case ErrorCode::kInvalidProfile: return "invalidProfile";
    case ErrorCode::kRateLimited: return "rateLimited";
    case ErrorCode::kExternalAccountRequired: return "externalAccountRequired";
    case ErrorCode::kServerInternal: return "serverInternal";
  }
  return "serverInternal";
}

std::string Error::ToString() const {
  std::string out(ErrorCodeName(code));
  out += ": ";
  out += detail;
  for (const Error& sub : subproblems) {
    out += "; ";
    if (!sub.identifier_value.empty()) out += sub.identifier_value + ": ";
    out += sub.ToString();
  }
  return out;
}

}  // namespace signet
