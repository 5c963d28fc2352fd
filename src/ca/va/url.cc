#include "ca/va/url.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "base/fuzz_record.h"

namespace signet::va {
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

Error Invalid(std::string_view text, std::string_view why) {
  return Error(ErrorCode::kConnection,
               "Invalid redirect target \"" + Printable(text) + "\": " + std::string(why));
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

std::string_view StripFragment(std::string_view text) {
  return text.substr(0, text.find('#'));
}

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

// Normalizes "path?query": dot segments removed from the path only.
std::string NormalizeTarget(std::string_view target) {
  const size_t q = target.find('?');
  std::string path(target.substr(0, q));
  if (path.empty() || path[0] != '/') path.insert(0, "/");
  std::string out = RemoveDotSegments(path);
  if (q != std::string_view::npos) out += target.substr(q);
  return out;
}

Result<std::optional<uint16_t>> ParsePort(std::string_view whole, std::string_view text) {
  if (text.empty()) return std::optional<uint16_t>();
  if (text.size() > 5 || !std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      })) {
    return Invalid(whole, "invalid port");
  }
  const int port = std::stoi(std::string(text));
  if (port < 1 || port > 65535) return Invalid(whole, "invalid port");
  return std::optional<uint16_t>(static_cast<uint16_t>(port));
}

}  // namespace

std::string Url::ToString() const {
  std::string out = scheme + "://";
  out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port) out += ":" + std::to_string(*port);
  return out + target;
}

Result<Url> ParseAbsoluteUrl(std::string_view text) {
  text = StripFragment(text);
  if (HasBadChars(text)) return Invalid(text, "contains spaces, control or non-ASCII characters");
  const size_t scheme_len = SchemeLength(text);
  if (scheme_len == 0) return Invalid(text, "not an absolute URL");
  Url url;
  url.scheme = Lower(text.substr(0, scheme_len));
  std::string_view rest = text.substr(scheme_len + 1);
  if (rest.substr(0, 2) != "//") {  // No authority ("mailto:x"): no host.
    url.target = NormalizeTarget(rest);
    return url;
  }
  rest.remove_prefix(2);
  const size_t auth_end = std::min(rest.find_first_of("/?"), rest.size());
  std::string_view authority = rest.substr(0, auth_end);
  if (authority.find('@') != std::string_view::npos) {
    return Invalid(text, "user information is not allowed");
  }
  std::string_view port_text;
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Invalid(text, "unterminated IPv6 literal");
    url.host = Lower(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':') return Invalid(text, "invalid authority");
    if (!after.empty()) port_text = after.substr(1);
  } else {
    const size_t colon = authority.find(':');
    url.host = Lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (!url.host.empty() && url.host.back() == '.') url.host.pop_back();
  SIGNET_ASSIGN_OR_RETURN(url.port, ParsePort(text, port_text));
  url.target = NormalizeTarget(rest.substr(auth_end));
  return url;
}

Result<Url> ResolveReference(const Url& base, std::string_view reference) {
  RecordFuzzInput("redirect_url_fuzz", reference);
  reference = StripFragment(reference);
  if (reference.empty()) return base;
  if (SchemeLength(reference) > 0) return ParseAbsoluteUrl(reference);
  if (reference.substr(0, 2) == "//") {
    return ParseAbsoluteUrl(base.scheme + ":" + std::string(reference));
  }
  if (HasBadChars(reference)) {
    return Invalid(reference, "contains spaces, control or non-ASCII characters");
  }
  Url url = base;
  const std::string base_path = base.target.substr(0, base.target.find('?'));
  if (reference[0] == '/') {
    url.target = NormalizeTarget(reference);
  } else if (reference[0] == '?') {
    url.target = NormalizeTarget(base_path + std::string(reference));
  } else {
    url.target = NormalizeTarget(base_path.substr(0, base_path.rfind('/') + 1) +
                                 std::string(reference));
  }
  return url;
}

}  // namespace signet::va
