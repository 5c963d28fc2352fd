// The bytes of the HTTP-01 exchange (RFC 8555 8.3) as the generator's
// built-in responder sees them: the request head the CA's validator sends,
// and the response we write. Pure functions; the socket work lives in
// challenge_responder.cc.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace signet::bench {

inline constexpr std::string_view kChallengePathPrefix = "/.well-known/acme-challenge/";

struct ChallengeRequest {
  std::string method;  // "GET" or "HEAD"
  std::string token;   // "" when the path is not under kChallengePathPrefix
};

// Parses the request line of `head` (everything up to and including the
// blank line). nullopt for anything that is not "GET|HEAD TARGET HTTP/1.x".
// An absolute-form target ("http://host/.well-known/...") is accepted too.
std::optional<ChallengeRequest> ParseChallengeRequest(std::string_view head);

// "HTTP/1.1 STATUS ..." with Content-Type text/plain, Content-Length and
// Connection: close; the body is left out for HEAD.
std::string ChallengeResponse(int status, std::string_view body, bool head);

}  // namespace signet::bench
