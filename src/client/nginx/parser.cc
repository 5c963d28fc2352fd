#include "client/nginx/parser.h"

#include <array>

#include "base/fuzz_record.h"

namespace signet::client::nginx {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Characters that end a run an unquoted word copies as it is: blanks, `;`,
// `{`, a backslash and `$` (which may start `${`). One table lookup a byte
// instead of six comparisons: the parser reads whole files, and the fuzz
// target parses each input several times.
constexpr auto kBareStops = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : std::string_view(" \t\r\n;{\\$")) t[c] = true;
  return t;
}();

// Length of the run at the start of `s` with no byte in `stops`.
size_t PlainRun(std::string_view s, const std::array<bool, 256>& stops) {
  size_t n = 0;
  while (n < s.size() && !stops[static_cast<unsigned char>(s[n])]) ++n;
  return n;
}

// One pass over the text, nginx's tokenizer with a recursive descent for
// blocks. Positions are byte offsets into `text_`.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<std::vector<Directive>> ParseFile() {
    std::vector<Directive> out;
    SIGNET_RETURN_IF_ERROR(ParseBlockBody(out, 0, /*top=*/true));
    return out;
  }

 private:
  Error Fail(const std::string& what) const {
    return Error(ErrorCode::kMalformed, what + " in line " + std::to_string(line_));
  }

  // Skips blanks and comments; returns false at the end of the text.
  bool SkipBlanksAndComments() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '\n') ++line_;
      if (IsBlank(c)) {
        ++pos_;
      } else if (c == '#') {
        size_t nl = text_.find('\n', pos_);
        pos_ = nl == std::string_view::npos ? text_.size() : nl;
      } else {
        return true;
      }
    }
    return false;
  }

  // Appends the character after a backslash as nginx does: \" \' \\ give
  // the character, \t \r \n the control, anything else both characters.
  void Unescape(char c, std::string& word) {
    switch (c) {
      case '"': case '\'': case '\\': word += c; break;
      case 't': word += '\t'; break;
      case 'r': word += '\r'; break;
      case 'n': word += '\n'; break;
      default: word += '\\'; word += c;
    }
  }

  // Reads a quoted word starting at the quote; leaves pos_ after the
  // closing quote, which must be followed by a blank, `;`, `{` or `)`.
  Result<std::string> ReadQuoted() {
    char quote = text_[pos_++];
    std::string word;
    const char stops[] = {quote, '\\', '\n', '\0'};
    while (pos_ < text_.size()) {
      // The run up to the next quote, backslash or newline, copied at once.
      size_t run = text_.find_first_of(std::string_view(stops, 3), pos_);
      if (run == std::string_view::npos) run = text_.size();
      word.append(text_.substr(pos_, run - pos_));
      pos_ = run;
      if (pos_ == text_.size()) break;
      char c = text_[pos_++];
      if (c == '\n') ++line_;
      if (c == '\\' && pos_ < text_.size()) {
        if (text_[pos_] == '\n') ++line_;
        Unescape(text_[pos_++], word);
      } else if (c == quote) {
        if (pos_ < text_.size()) {
          char next = text_[pos_];
          if (!IsBlank(next) && next != ';' && next != '{' && next != ')')
            return Fail(std::string("unexpected \"") + next + "\" after a quoted string");
        }
        return word;
      } else {
        word += c;
      }
    }
    return Fail("unexpected end of file inside a quoted string");
  }

  // Reads an unquoted word: up to a blank, `;` or `{` (but `${` goes on).
  std::string ReadBare() {
    std::string word;
    bool variable = false;
    while (pos_ < text_.size()) {
      if (!variable) {
        // Ordinary bytes up to the next blank, `;`, `{`, `\\` or `$`.
        size_t run = PlainRun(text_.substr(pos_), kBareStops);
        word.append(text_.substr(pos_, run));
        pos_ += run;
        if (pos_ == text_.size()) break;
      }
      char c = text_[pos_];
      if (c == '{' && variable) {
        word += c;
        ++pos_;
        variable = false;
        continue;
      }
      variable = false;
      if (IsBlank(c) || c == ';' || c == '{') break;
      ++pos_;
      if (c == '\\' && pos_ < text_.size()) {
        if (text_[pos_] == '\n') ++line_;
        Unescape(text_[pos_++], word);
        continue;
      }
      if (c == '$') variable = true;
      word += c;
    }
    return word;
  }

  // Reads directives until `}` (or the end of the text when `top`).
  Status ParseBlockBody(std::vector<Directive>& out, int depth, bool top) {
    if (depth > kMaxDepth) return Fail("blocks nested too deeply");
    for (;;) {
      if (!SkipBlanksAndComments()) {
        if (top) return OkStatus();
        return Fail("unexpected end of file, expecting \"}\"");
      }
      char c = text_[pos_];
      if (c == '}') {
        if (top) return Fail("unexpected \"}\"");
        return OkStatus();
      }
      if (c == ';' || c == '{') return Fail(std::string("unexpected \"") + c + "\"");
      Directive d;
      SIGNET_RETURN_IF_ERROR(ParseDirective(d, depth));
      out.push_back(std::move(d));
    }
  }

  // Reads one directive (words then `;` or a block), pos_ at its first byte.
  Status ParseDirective(Directive& d, int depth) {
    d.begin = pos_;
    d.line = line_;
    for (;;) {
      if (!SkipBlanksAndComments())
        return Fail("unexpected end of file, expecting \";\" or \"}\"");
      char c = text_[pos_];
      if (c == ';') {
        d.end = ++pos_;
        return OkStatus();
      }
      if (c == '}') return Fail("unexpected \"}\"");
      if (c == '{') {
        d.is_block = true;
        d.block_open = pos_++;
        SIGNET_RETURN_IF_ERROR(ParseBlockBody(d.children, depth + 1, false));
        d.block_close = pos_;
        d.end = ++pos_;
        return OkStatus();
      }
      if (c == '"' || c == '\'') {
        SIGNET_ASSIGN_OR_RETURN(std::string word, ReadQuoted());
        d.words.push_back(std::move(word));
      } else {
        d.words.push_back(ReadBare());
      }
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

Result<std::vector<Directive>> ParseConfig(std::string_view text) {
  RecordFuzzInput("nginx_conf_fuzz", text);
  if (text.size() > kMaxConfigBytes) return Error(ErrorCode::kMalformed, "file too large");
  return Parser(text).ParseFile();
}

std::string QuoteWord(std::string_view word) {
  bool plain = !word.empty();
  for (char c : word)
    if (IsBlank(c) || c == '"' || c == '\'' || c == ';' || c == '{' || c == '}' || c == '#' ||
        c == '\\')
      plain = false;
  if (plain) return std::string(word);
  std::string out = "\"";
  for (char c : word) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace signet::client::nginx
