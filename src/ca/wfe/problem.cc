#include "ca/wfe/problem.h"

#include <boost/json.hpp>

namespace signet::ca {

std::string ProblemType(ErrorCode code) {
  return "urn:ietf:params:acme:error:" + std::string(ErrorCodeName(code));
}

int ProblemStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUnauthorized:
    case ErrorCode::kOrderNotReady:
    case ErrorCode::kExternalAccountRequired:  // as Pebble answers
      return 403;
    case ErrorCode::kUnsupportedMediaType: return 415;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kMethodNotAllowed: return 405;
    case ErrorCode::kAlreadyReplaced: return 409;  // RFC 9773 5: Conflict
    case ErrorCode::kRateLimited: return 429;      // RFC 8555 6.6
    case ErrorCode::kServerInternal: return 500;
    default: return 400;
  }
}

boost::json::object ProblemJson(const Error& error) {
  boost::json::object o;
  o["type"] = ProblemType(error.code);
  o["detail"] = error.detail;
  if (!error.identifier_value.empty())
    o["identifier"] = boost::json::object{{"type", error.identifier_type},
                                          {"value", error.identifier_value}};
  if (!error.subproblems.empty()) {
    boost::json::array subs;
    for (const Error& sub : error.subproblems) subs.push_back(ProblemJson(sub));
    o["subproblems"] = std::move(subs);
  }
  // Only the top-level document carries the HTTP status.
  return o;
}

}  // namespace signet::ca
