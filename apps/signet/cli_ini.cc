#include "cli_ini.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace signet::app {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Drops an inline comment: whitespace then `#` or `;` (configargparse).
std::string StripInlineComment(const std::string& value) {
  for (size_t i = 1; i < value.size(); ++i)
    if ((value[i] == '#' || value[i] == ';') && (value[i - 1] == ' ' || value[i - 1] == '\t'))
      return Trim(value.substr(0, i));
  return value;
}

// `[a, b]` or `["a", "b"]`: the items, unquoted.
std::vector<std::string> ListItems(const std::string& value) {
  std::vector<std::string> out;
  std::stringstream ss(value.substr(1, value.size() - 2));
  std::string item;
  while (std::getline(ss, item, ',')) {
    item = Trim(item);
    if (item.size() >= 2 && (item.front() == '"' || item.front() == '\'') &&
        item.back() == item.front())
      item = item.substr(1, item.size() - 2);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

Result<std::vector<IniSetting>> ParseCliIni(const std::string& text,
                                            const std::string& file_name) {
  std::vector<IniSetting> out;
  std::stringstream in(text);
  std::string raw;
  for (int n = 1; std::getline(in, raw); ++n) {
    std::string line = Trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';' || line[0] == '[' ||
        line.rfind("---", 0) == 0)
      continue;
    size_t key_end = line.find_first_of(":= \t;#");
    IniSetting s;
    s.line = n;
    s.key = line.substr(0, key_end);
    if (s.key.rfind("--", 0) == 0) s.key = s.key.substr(2);
    if (s.key.empty())
      return Error(ErrorCode::kMalformed,
                   file_name + " line " + std::to_string(n) + ": no key in '" + line + "'");
    std::string rest = key_end == std::string::npos ? "" : Trim(line.substr(key_end));
    bool separator = !rest.empty() && (rest[0] == '=' || rest[0] == ':');
    if (separator) rest = Trim(rest.substr(1));
    else if (!rest.empty() && (rest[0] == '#' || rest[0] == ';')) rest.clear();
    rest = StripInlineComment(rest);
    if (rest.size() >= 2 && (rest.front() == '"' || rest.front() == '\'') &&
        rest.back() == rest.front())
      rest = rest.substr(1, rest.size() - 2);
    else if (rest.empty() && !separator)
      rest = "true";  // a bare key is a flag
    if (rest.size() >= 2 && rest.front() == '[' && rest.back() == ']') {
      s.is_list = true;
      s.values = ListItems(rest);
    } else {
      s.values = {rest};
    }
    // A later line for the same key wins (configargparse keeps the last).
    auto same = std::find_if(out.begin(), out.end(), [&](const auto& o) { return o.key == s.key; });
    if (same != out.end()) out.erase(same);
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<std::string>> SettingToArgs(const IniSetting& s, bool takes_value,
                                               const std::string& file_name) {
  std::string option = "--" + s.key;
  if (!takes_value) {
    std::string v = s.values.empty() ? "true" : Lower(s.values.front());
    if (v == "true" || v == "yes" || v == "1") return std::vector<std::string>{option};
    if (v == "false" || v == "no" || v == "0") return std::vector<std::string>{};
    return Error(ErrorCode::kMalformed,
                 file_name + ": unexpected value for " + s.key + ": '" + s.values.front() +
                     "'. Expecting 'true', 'false', 'yes', 'no', '1' or '0'");
  }
  std::vector<std::string> args;
  for (const auto& v : s.values) {
    args.push_back(option);
    args.push_back(v);
  }
  return args;
}

}  // namespace signet::app
