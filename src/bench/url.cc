#include "bench/url.h"

#include <cctype>

namespace signet::bench {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Result<uint16_t> ParsePort(std::string_view s, std::string_view url) {
  unsigned p = 0;
  if (s.empty() || s.size() > 5) return Error(ErrorCode::kMalformed, "bad port in " + std::string(url));
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return Error(ErrorCode::kMalformed, "bad port in " + std::string(url));
    p = p * 10 + unsigned(c - '0');
  }
  if (p == 0 || p > 65535) return Error(ErrorCode::kMalformed, "bad port in " + std::string(url));
  return uint16_t(p);
}

}  // namespace

std::string Url::Origin() const {
  std::string h = host.find(':') == std::string::npos ? host : "[" + host + "]";
  return (https ? "https://" : "http://") + h + ":" + std::to_string(port);
}

std::string Url::HostHeader() const {
  std::string h = host.find(':') == std::string::npos ? host : "[" + host + "]";
  if (port != (https ? 443 : 80)) h += ":" + std::to_string(port);
  return h;
}

Result<Url> ParseUrl(std::string_view url) {
  size_t sep = url.find("://");
  if (sep == std::string_view::npos)
    return Error(ErrorCode::kMalformed, "not an absolute URL: " + std::string(url));
  Url out;
  std::string scheme = Lower(url.substr(0, sep));
  if (scheme != "http" && scheme != "https")
    return Error(ErrorCode::kMalformed, "not an http(s) URL: " + std::string(url));
  out.https = scheme == "https";
  std::string_view rest = url.substr(sep + 3);
  size_t end = std::min(rest.find_first_of("/?#"), rest.size());
  std::string_view authority = rest.substr(0, end), tail = rest.substr(end);
  std::string_view host = authority, port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return Error(ErrorCode::kMalformed, "unterminated IPv6 literal in " + std::string(url));
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':')
        return Error(ErrorCode::kMalformed, "junk after the IPv6 literal in " + std::string(url));
      port = authority.substr(close + 2);
      if (port.empty()) return Error(ErrorCode::kMalformed, "bad port in " + std::string(url));
    }
  } else if (size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) return Error(ErrorCode::kMalformed, "bad port in " + std::string(url));
  }
  if (host.empty()) return Error(ErrorCode::kMalformed, "no host in " + std::string(url));
  out.host = Lower(host);
  out.port = out.https ? 443 : 80;
  if (!port.empty()) {
    SIGNET_ASSIGN_OR_RETURN(out.port, ParsePort(port, url));
  }
  tail = tail.substr(0, tail.find('#'));
  out.target = tail.empty() ? "/" : (tail[0] == '?' ? "/" + std::string(tail) : std::string(tail));
  return out;
}

std::string ResolveReference(std::string_view base, std::string_view reference) {
  if (!reference.starts_with("/") || reference.starts_with("//")) return std::string(reference);
  size_t sep = base.find("://");
  if (sep == std::string_view::npos) return std::string(reference);
  size_t path = base.find_first_of("/?#", sep + 3);
  return std::string(base.substr(0, path)) + std::string(reference);
}

}  // namespace signet::bench
