#include "base/duration.h"

namespace signet {

Result<std::chrono::seconds> ParseDuration(std::string_view text) {
  auto bad = [&] {
    return Error(ErrorCode::kMalformed, "bad duration \"" + std::string(text) + "\"");
  };
  if (text.empty()) return bad();
  int64_t unit = 1;
  switch (text.back()) {
    case 'd':
      unit = 86400;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'm':
      unit = 60;
      break;
    case 's':
      unit = 1;
      break;
    default:
      unit = 0;
  }
  std::string_view digits = unit ? text.substr(0, text.size() - 1) : text;
  if (!unit) unit = 1;
  if (digits.empty() || digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos)
    return bad();
  return std::chrono::seconds(std::stoll(std::string(digits)) * unit);
}

std::string FormatDuration(std::chrono::seconds d) {
  int64_t s = d.count();
  std::string sign = s < 0 ? "-" : "";
  if (s < 0) s = -s;
  int64_t h = s / 3600, m = s % 3600 / 60, sec = s % 60;
  std::string out = sign;
  if (h > 0) out += std::to_string(h) + "h";
  if (h > 0 || m > 0) out += std::to_string(m) + "m";
  return out + std::to_string(sec) + "s";
}

}  // namespace signet
