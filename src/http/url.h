// The one URL type of Signet's HTTP clients (the agent, the VA's HTTP-01
// fetch, the load generator): an absolute URL split into what an HTTP/1.1
// request needs (RFC 3986 3), and the resolution of relative references
// such as Location and Link targets (RFC 3986 5.2; RFC 9110 10.2.2).
//
// Syntax checked: scheme (3.1); authority without user information (we
// never send credentials in URLs); host as an IPv6 literal in brackets
// (checked; IPvFuture is refused), an IPv4 address or a registered name of
// unreserved, sub-delims and percent-encoded characters (3.2.2); port of
// digits, 1-65535, an empty port meaning the scheme's default (3.2.3); path
// and query with no space, control or non-ASCII byte. Lower-cases scheme and
// host (6.2.2.1), drops a host's trailing dot and the fragment. http and
// https URLs must name a host (RFC 9110 4.2.1); other schemes parse, so that
// a caller can name the scheme it refuses.
//
// Value types and pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace signet::http {

struct Url {
  std::string scheme;            // lower-case, e.g. "https"
  std::string host;              // lower-case; an IPv6 literal without brackets
  std::optional<uint16_t> port;  // only if written (an empty port counts as absent)
  std::string target;            // origin form: path and query, starts with '/'

  bool https() const { return scheme == "https"; }
  // The port written, else the scheme's (443 for https, 80 otherwise).
  uint16_t EffectivePort() const;
  // True if host is an IPv4 or IPv6 address rather than a name.
  bool HostIsIpLiteral() const;
  // host, in brackets if IPv6.
  std::string BracketedHost() const;
  // The Host header (RFC 9110 7.2): host, plus ":port" unless the default.
  std::string Authority() const;
  // "scheme://host:port" with the effective port: connections pool by it.
  std::string Origin() const;
  // "scheme://host[:port]/target", the port only if written.
  std::string ToString() const;
};

// How a caller words a URL it refuses: the error code and the words before
// the quoted URL ("invalid URL \"...\": reason").
struct UrlErrorStyle {
  ErrorCode code = ErrorCode::kMalformed;
  std::string_view label = "invalid URL";
};

// Parses an absolute URL ("scheme://authority/path?query#fragment").
Result<Url> ParseUrl(std::string_view text, UrlErrorStyle style = {});

// `reference` (absolute, "//host/...", "/path", "?query", a relative path or
// "") resolved against `base` (RFC 3986 5.2.2, strict), dot segments removed
// (5.2.4). Records the reference for the fuzz target redirect_url_fuzz.
Result<Url> ResolveReference(const Url& base, std::string_view reference,
                             UrlErrorStyle style = {});

// The same on strings, for callers that keep URLs as text: `reference`
// resolved against `base`, or `reference` unchanged when either does not
// parse (the request that uses it then fails with the parser's error).
std::string ResolveReferenceText(std::string_view base, std::string_view reference);

}  // namespace signet::http
