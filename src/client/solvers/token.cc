#include "client/solvers/token.h"

#include <string>

namespace signet::client {

bool IsBase64UrlToken(std::string_view token) {
  if (token.empty()) return false;
  for (char c : token) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

Status CheckHttp01(const ChallengeSpec& challenge, std::string_view solver_name) {
  if (challenge.type != "http-01")
    return Error(ErrorCode::kMalformed, "the " + std::string(solver_name) +
                                            " plugin answers only http-01 challenges, not " +
                                            challenge.type + " (for " + challenge.domain + ")");
  if (!IsBase64UrlToken(challenge.token))
    return Error(ErrorCode::kMalformed,
                 "refusing http-01 token for " + challenge.domain + ": not base64url");
  return OkStatus();
}

}  // namespace signet::client
