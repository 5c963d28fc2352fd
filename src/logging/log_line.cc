#include "logging/log_line.h"

#include <cstdio>
#include <regex>

namespace signet::logging {
namespace {

// The length of the valid UTF-8 sequence at s[i], or 0 if it is not one.
size_t Utf8Length(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return 0;
  if (n == 2 && c < 0xc2) return 0;  // overlong
  if (n == 3) {
    auto c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 >= 0xa0)) return 0;  // overlong, surrogate
  }
  if (n == 4) {
    auto c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c == 0xf0 && c1 < 0x90) || c > 0xf4 || (c == 0xf4 && c1 >= 0x90)) return 0;
  }
  return n;
}

void AppendEscaped(std::string& out, std::string_view v) {
  for (size_t i = 0; i < v.size();) {
    char c = v[i];
    switch (c) {
      case '"': out += "\\\""; ++i; continue;
      case '\\': out += "\\\\"; ++i; continue;
      case '\n': out += "\\n"; ++i; continue;
      case '\r': out += "\\r"; ++i; continue;
      case '\t': out += "\\t"; ++i; continue;
      default: break;
    }
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
      ++i;
      continue;
    }
    size_t n = Utf8Length(v, i);
    if (n == 0) {
      out += "\\ufffd";  // not UTF-8: the replacement character
      ++i;
      continue;
    }
    out.append(v.substr(i, n));
    i += n;
  }
}

bool NeedsQuotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || u >= 0x80 || c == '=' || c == '"' || c == '\\') return true;
  }
  return false;
}

}  // namespace

bool ParseLogFormat(std::string_view text, LogFormat* format) {
  if (text == "json") {
    *format = LogFormat::kJson;
  } else if (text == "logfmt") {
    *format = LogFormat::kLogfmt;
  } else {
    return false;
  }
  return true;
}

LogField Decimal(std::string key, double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", value);
  return {std::move(key), buf, true};
}

std::string JsonQuoted(std::string_view value) {
  std::string out = "\"";
  AppendEscaped(out, value);
  out += '"';
  return out;
}

std::string LogfmtValue(std::string_view value) {
  return NeedsQuotes(value) ? JsonQuoted(value) : std::string(value);
}

std::string RenderTail(LogFormat format, const LogFields& fields) {
  std::string out;
  for (const LogField& f : fields) {
    if (format == LogFormat::kJson) {
      out += ",\"" + f.key + "\":";
      out += f.number ? f.value : JsonQuoted(f.value);
    } else {
      out += ' ' + f.key + '=' + LogfmtValue(f.value);
    }
  }
  return out;
}

std::string RenderLine(LogFormat format, const LogFields& fields) {
  std::string tail = RenderTail(format, fields);
  if (format == LogFormat::kJson) return tail.empty() ? "{}" : "{" + tail.substr(1) + "}";
  return tail.empty() ? tail : tail.substr(1);
}

std::string MaskKeyAuthorizations(const std::string& text) {
  static const std::regex kKeyAuthorization("[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{43}");
  return std::regex_replace(text, kKeyAuthorization, "[key authorization]");
}

}  // namespace signet::logging
