// One structured log line: an ordered list of fields rendered as a JSON
// object or as logfmt (key=value pairs), the two formats log collectors
// (journald, Loki, Vector, Elasticsearch) parse without configuration.
// Pure functions, no I/O; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace signet::logging {

enum class LogFormat { kJson, kLogfmt };

// "json" or "logfmt"; false for anything else.
bool ParseLogFormat(std::string_view text, LogFormat* format);

struct LogField {
  std::string key;  // [a-z_]+ by convention; never escaped
  std::string value;
  bool number = false;  // JSON: written unquoted (value must be a JSON number)
};
using LogFields = std::vector<LogField>;

inline LogField Str(std::string key, std::string value) {
  return {std::move(key), std::move(value), false};
}
inline LogField Num(std::string key, long long value) {
  return {std::move(key), std::to_string(value), true};
}
// A number with three decimals (e.g. milliseconds of latency).
LogField Decimal(std::string key, double value);

// A JSON string literal with its quotes: ", \, control characters and
// invalid UTF-8 escaped (\uXXXX, U+FFFD), so any value stays one line.
std::string JsonQuoted(std::string_view value);
// A logfmt value: bare when it has no space, '=', '"' or control
// character, else a quoted string with the JSON escapes; "" for empty.
std::string LogfmtValue(std::string_view value);

// The fields, in order, as one line without the newline.
std::string RenderLine(LogFormat format, const LogFields& fields);
// The fields' rendering that continues a line already holding other fields
// (", ..." in JSON without braces, " ..." in logfmt); "" for none.
std::string RenderTail(LogFormat format, const LogFields& fields);

// `text` with every key authorization in it (RFC 8555 8.1: a token, ".",
// the base64url SHA-256 thumbprint of the account key) replaced by
// "[key authorization]": an order's error may copy its challenge's, whose
// detail quotes the expected one.
std::string MaskKeyAuthorizations(const std::string& text);

}  // namespace signet::logging
