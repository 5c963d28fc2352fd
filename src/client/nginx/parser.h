// A parser for nginx configuration files, as nginx's own tokenizer reads
// them (src/core/ngx_conf_file.c): words separated by blanks, "quoted" or
// 'quoted' with backslash escapes, `#` comments to the end of the line,
// directives ended by `;`, blocks in `{ }`, and `${var}` inside a word.
//
// The files are input signet did not write: every malformation is an error
// value, never an assert, and nesting is bounded (kMaxDepth). The tree keeps
// the byte offsets of each directive so that an edit splices text into the
// original file and leaves every other byte as it was.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace signet::client::nginx {

struct Directive {
  // The name and the arguments, unquoted and unescaped as nginx sees them.
  std::vector<std::string> words;
  size_t begin = 0;  // offset of the first byte of the name
  size_t end = 0;    // offset just past the closing `;` or `}`
  int line = 1;      // 1-based line of the name
  bool is_block = false;
  size_t block_open = 0;   // offset of `{` (blocks only)
  size_t block_close = 0;  // offset of `}` (blocks only)
  std::vector<Directive> children;

  const std::string& name() const { return words.front(); }
  // The arguments after the name.
  std::vector<std::string> args() const { return {words.begin() + 1, words.end()}; }
};

inline constexpr int kMaxDepth = 64;
inline constexpr size_t kMaxConfigBytes = 16 * 1024 * 1024;

// Parses a whole file. Errors name the line, as `nginx -t` does.
Result<std::vector<Directive>> ParseConfig(std::string_view text);

// Quotes `word` for writing back into a file when it needs it (blanks,
// quotes, `;`, `{`, `}`, `#`, backslashes); otherwise returns it unchanged.
std::string QuoteWord(std::string_view word);

}  // namespace signet::client::nginx
