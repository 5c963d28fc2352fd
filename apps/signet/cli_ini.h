// certbot's configuration file (cli.ini), read as certbot reads it through
// configargparse: one setting a line, `key = value`, `key: value`,
// `key value` or a bare `key` (a flag: "true"); `#` and `;` start comment
// lines (and inline comments after a space); `[section]` and `---` lines
// are ignored; `key = [a, b]` is a list. Keys are the long option names
// without the dashes (`email`, `agree-tos`); a later line for the same key
// replaces an earlier one.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace signet::app {

struct IniSetting {
  std::string key;                  // without leading dashes
  std::vector<std::string> values;  // one value, or a list's items
  bool is_list = false;
  int line = 0;  // 1-based, for error messages
};

// Parses the text of a cli.ini. Errors name the file and the line.
Result<std::vector<IniSetting>> ParseCliIni(const std::string& text, const std::string& file_name);

// The command-line words for one setting, given what the option takes:
// a flag (`takes_value` false) becomes `--key` for true/yes/1, nothing for
// false/no/0, and an error otherwise (configargparse's message); an option
// with a value becomes `--key VALUE` (once per item of a list).
Result<std::vector<std::string>> SettingToArgs(const IniSetting& setting, bool takes_value,
                                               const std::string& file_name);

}  // namespace signet::app
