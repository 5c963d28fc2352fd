// The small URL model of the HTTP-01 validator: parsing the Location of a
// redirect and resolving it against the current URL (RFC 3986 sections 3 and
// 5.2; RFC 7231 7.1.2 allows relative Location values). Internal to the VA.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace signet::va {

// An absolute URL as written, without fragment. Value type.
struct Url {
  std::string scheme;            // Lowercase, e.g. "http".
  std::string host;              // Lowercase; IPv6 literal without brackets.
  std::optional<uint16_t> port;  // Only if written (an empty port counts as absent).
  std::string target;            // Path and query; starts with '/'.

  // "scheme://host[:port]/target", brackets around IPv6 hosts.
  std::string ToString() const;
};

// Parses an absolute URL ("scheme://authority/path?query#fragment"). Any
// scheme parses, so that the caller can name it in its refusal. Errors are
// kConnection "Invalid redirect target ..." (userinfo, bad port, spaces or
// non-ASCII characters, missing host).
Result<Url> ParseAbsoluteUrl(std::string_view text);

// Resolves `reference` (absolute, "//host/...", "/path", "?query" or a
// relative path) against `base`, removing dot segments.
Result<Url> ResolveReference(const Url& base, std::string_view reference);

}  // namespace signet::va
