// The absolute http(s) URLs the load generator talks to (RFC 3986 3), split
// into what an HTTP/1.1 request needs, and the resolution of the relative
// references a CA may put in Location headers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace signet::bench {

struct Url {
  bool https = false;
  std::string host;    // lower-case; an IPv6 literal without brackets
  uint16_t port = 0;   // 80/443 when the URL names none
  std::string target;  // origin form: "/path?query", at least "/"

  // "https://host:port": connections are pooled per origin.
  std::string Origin() const;
  // The Host header: host, plus ":port" unless it is the scheme's default.
  std::string HostHeader() const;
};

// kMalformed for anything that is not http:// or https:// with a host.
Result<Url> ParseUrl(std::string_view url);

// `reference` made absolute against `base`: absolute URLs are returned as
// they are, absolute paths ("/acme/order/1") get base's scheme and authority.
std::string ResolveReference(std::string_view base, std::string_view reference);

}  // namespace signet::bench
