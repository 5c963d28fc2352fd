// Checks on what the CA sent before a solver publishes it. A token becomes a
// URL path segment and, for the webroot solver, a file name: RFC 8555 8.3
// says it is base64url, and anything else (a "/" or "..") is refused so a
// hostile CA cannot make the agent write outside the challenge directory.
#pragma once

#include <string_view>

#include "base/result.h"
#include "client/solvers/solver.h"

namespace signet::client {

// True if `token` is non-empty and only base64url characters (RFC 4648 5,
// no padding).
bool IsBase64UrlToken(std::string_view token);

// OK if `challenge` is of `type` and carries a base64url token; otherwise a
// one-line error naming `solver_name` (e.g. "webroot") and the domain.
Status CheckHttp01(const ChallengeSpec& challenge, std::string_view solver_name);

}  // namespace signet::client
