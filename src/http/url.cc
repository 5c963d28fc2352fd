#include "http/url.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "base/fuzz_record.h"

namespace signet::http {
namespace {

// A quotable copy of untrusted text for error details.
std::string Printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 200)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u >= 0x7f || c == '"') ? '?' : c;
  }
  return out;
}

Error Invalid(const UrlErrorStyle& style, std::string_view text, std::string_view why) {
  return Error(style.code, std::string(style.label) + " \"" + Printable(text) +
                               "\": " + std::string(why));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool HasBadChars(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u >= 0x7f;
  });
}

std::string_view StripFragment(std::string_view text) { return text.substr(0, text.find('#')); }

// Length of a leading "scheme:" (RFC 3986 3.1), or 0 if there is none.
size_t SchemeLength(std::string_view text) {
  if (text.empty() || !std::isalpha(static_cast<unsigned char>(text[0]))) return 0;
  for (size_t i = 1; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == ':') return i;
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return 0;
  }
  return 0;
}

// RFC 3986 3.2.2 reg-name: unreserved, sub-delims and "%" HEXDIG HEXDIG.
bool IsRegName(std::string_view host) {
  for (size_t i = 0; i < host.size(); ++i) {
    const auto c = static_cast<unsigned char>(host[i]);
    if (c == '%') {
      if (i + 2 >= host.size() || !std::isxdigit(static_cast<unsigned char>(host[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(host[i + 2])))
        return false;
      i += 2;
      continue;
    }
    if (std::isalnum(c) || std::string_view("-._~!$&'()*+,;=").find(char(c)) != std::string_view::npos)
      continue;
    return false;
  }
  return true;
}

// RFC 3986 5.2.4, on a path that starts with '/'.
std::string RemoveDotSegments(std::string_view path) {
  std::vector<std::string_view> out;
  bool trailing_slash = false;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = std::min(path.find('/', start), path.size());
    std::string_view seg = path.substr(start, end - start);
    const bool last = end == path.size();
    trailing_slash = false;
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
      trailing_slash = last;
    } else if (seg == ".") {
      trailing_slash = last;
    } else {
      out.push_back(seg);
    }
    start = end + 1;
  }
  std::string result;
  for (std::string_view seg : out) result += "/" + std::string(seg);
  if (result.empty() || trailing_slash) result += "/";
  return result;
}

// "path?query" in origin form: at least "/"; with `normalize`, dot segments
// removed from the path.
std::string OriginForm(std::string_view target, bool normalize) {
  const size_t q = target.find('?');
  std::string path(target.substr(0, q));
  if (path.empty() || path[0] != '/') path.insert(0, "/");
  std::string out = normalize ? RemoveDotSegments(path) : path;
  if (q != std::string_view::npos) out += target.substr(q);
  return out;
}

Result<std::optional<uint16_t>> ParsePort(const UrlErrorStyle& style, std::string_view whole,
                                          std::string_view text) {
  if (text.empty()) return std::optional<uint16_t>();
  if (text.size() > 5 || !std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      })) {
    return Invalid(style, whole, "invalid port");
  }
  const int port = std::stoi(std::string(text));
  if (port < 1 || port > 65535) return Invalid(style, whole, "invalid port");
  return std::optional<uint16_t>(static_cast<uint16_t>(port));
}

// Splits an authority (RFC 3986 3.2) into url.host and url.port.
Status ParseAuthority(const UrlErrorStyle& style, std::string_view text,
                      std::string_view authority, Url& url) {
  if (authority.find('@') != std::string_view::npos) {
    return Invalid(style, text, "user information is not allowed");
  }
  std::string_view port_text;
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Invalid(style, text, "unterminated IPv6 literal");
    url.host = Lower(authority.substr(1, close - 1));
    unsigned char buf[16];
    if (inet_pton(AF_INET6, url.host.c_str(), buf) != 1) {
      return Invalid(style, text, "invalid IPv6 literal");
    }
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':') return Invalid(style, text, "invalid authority");
    if (!after.empty()) port_text = after.substr(1);
  } else {
    const size_t colon = authority.find(':');
    url.host = Lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    if (!IsRegName(url.host)) return Invalid(style, text, "invalid character in the host");
    if (!url.host.empty() && url.host.back() == '.') url.host.pop_back();
  }
  SIGNET_ASSIGN_OR_RETURN(url.port, ParsePort(style, text, port_text));
  return OkStatus();
}

// ParseUrl, with `normalize` removing dot segments (reference resolution).
Result<Url> Parse(std::string_view text, const UrlErrorStyle& style, bool normalize) {
  text = StripFragment(text);
  if (HasBadChars(text)) {
    return Invalid(style, text, "contains spaces, control or non-ASCII characters");
  }
  const size_t scheme_len = SchemeLength(text);
  if (scheme_len == 0) return Invalid(style, text, "not an absolute URL");
  Url url;
  url.scheme = Lower(text.substr(0, scheme_len));
  const bool http = url.scheme == "http" || url.scheme == "https";
  std::string_view rest = text.substr(scheme_len + 1);
  if (rest.substr(0, 2) != "//") {  // No authority ("mailto:x"): no host.
    if (http) return Invalid(style, text, "no host");
    url.target = OriginForm(rest, normalize);
    return url;
  }
  rest.remove_prefix(2);
  const size_t auth_end = std::min(rest.find_first_of("/?"), rest.size());
  SIGNET_RETURN_IF_ERROR(ParseAuthority(style, text, rest.substr(0, auth_end), url));
  if (http && url.host.empty()) return Invalid(style, text, "no host");
  url.target = OriginForm(rest.substr(auth_end), normalize);
  return url;
}

}  // namespace

uint16_t Url::EffectivePort() const {
  if (port) return *port;
  return https() ? 443 : 80;
}

bool Url::HostIsIpLiteral() const {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::string Url::BracketedHost() const {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

std::string Url::Authority() const {
  std::string out = BracketedHost();
  if (port && *port != (https() ? 443 : 80)) out += ":" + std::to_string(*port);
  return out;
}

std::string Url::Origin() const {
  return scheme + "://" + BracketedHost() + ":" + std::to_string(EffectivePort());
}

std::string Url::ToString() const {
  std::string out = scheme + "://" + BracketedHost();
  if (port) out += ":" + std::to_string(*port);
  return out + target;
}

Result<Url> ParseUrl(std::string_view text, UrlErrorStyle style) {
  return Parse(text, style, /*normalize=*/false);
}

Result<Url> ResolveReference(const Url& base, std::string_view reference, UrlErrorStyle style) {
  RecordFuzzInput("redirect_url_fuzz", reference);
  reference = StripFragment(reference);
  if (reference.empty()) return base;
  if (SchemeLength(reference) > 0) return Parse(reference, style, /*normalize=*/true);
  if (reference.substr(0, 2) == "//") {
    return Parse(base.scheme + ":" + std::string(reference), style, /*normalize=*/true);
  }
  if (HasBadChars(reference)) {
    return Invalid(style, reference, "contains spaces, control or non-ASCII characters");
  }
  Url url = base;
  const std::string base_path = base.target.substr(0, base.target.find('?'));
  if (reference[0] == '/') {
    url.target = OriginForm(reference, true);
  } else if (reference[0] == '?') {
    url.target = OriginForm(base_path + std::string(reference), true);
  } else {
    url.target =
        OriginForm(base_path.substr(0, base_path.rfind('/') + 1) + std::string(reference), true);
  }
  return url;
}

std::string ResolveReferenceText(std::string_view base, std::string_view reference) {
  // An absolute reference stays as the server wrote it: ACME compares the
  // URL a request is signed for with the one it was sent to (RFC 8555 6.4).
  if (SchemeLength(reference) > 0) return std::string(reference);
  Result<Url> b = ParseUrl(base);
  if (!b.ok()) return std::string(reference);
  Result<Url> r = ResolveReference(*b, reference);
  return r.ok() ? r->ToString() : std::string(reference);
}

}  // namespace signet::http
