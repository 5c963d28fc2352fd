// The configobj parser: configobj 5.0's ConfigObj._parse, _handle_value and
// _multiline, with its regular expressions written out as small scanners.
#include <optional>

#include "base/fuzz_record.h"
#include "client/store/configobj.h"

namespace signet::client {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

size_t SkipSpace(std::string_view s, size_t pos) {
  while (pos < s.size() && IsSpace(s[pos])) ++pos;
  return pos;
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view Strip(std::string_view s) {
  s = TrimRight(s);
  return s.substr(SkipSpace(s, 0));
}

// configobj's _unquote: drops one pair of matching outer quotes.
std::string Unquote(std::string_view s) {
  if (s.size() >= 2 && s.front() == s.back() && (s.front() == '"' || s.front() == '\''))
    return std::string(s.substr(1, s.size() - 2));
  return std::string(s);
}

// Matches `\s*(\#.*)?$` at `pos`; sets `comment` to the "#..." part.
bool MatchTail(std::string_view s, size_t pos, std::string* comment) {
  pos = SkipSpace(s, pos);
  if (pos == s.size()) {
    comment->clear();
    return true;
  }
  if (s[pos] != '#') return false;
  *comment = std::string(s.substr(pos));
  return true;
}

Error LineError(std::string_view what, size_t index) {
  return Error(ErrorCode::kMalformed,
               std::string(what) + " at line " + std::to_string(index + 1) + ".");
}

// configobj's _handle_value for a one-line value (list_values=True).
std::optional<ConfValue> ParseValue(std::string_view v, std::string* comment) {
  std::vector<std::string> items;
  size_t pos = 0;
  std::string tail;
  // "," alone (optionally with a comment) is the empty list.
  if (!v.empty() && v[0] == ',') {
    if (!MatchTail(v, 1, comment)) return std::nullopt;
    return ConfValue::List({});
  }
  while (true) {
    if (pos == v.size() || v[pos] == '#') {
      *comment = std::string(v.substr(pos));
      if (!items.empty()) return ConfValue::List(std::move(items));  // "a, b,"
      return ConfValue::Str("");                                     // empty value
    }
    if (v[pos] == ',') return std::nullopt;  // an empty list member
    std::string item;
    bool last = false;
    if (v[pos] == '"' || v[pos] == '\'') {
      size_t close = pos;
      bool found = false;
      while ((close = v.find(v[pos], close + 1)) != std::string_view::npos) {
        size_t after = SkipSpace(v, close + 1);
        if (after == v.size() || v[after] == ',' || v[after] == '#') {
          found = true;
          break;
        }
      }
      if (!found) return std::nullopt;
      item = std::string(v.substr(pos + 1, close - pos - 1));
      pos = SkipSpace(v, close + 1);
      last = pos == v.size() || v[pos] == '#';
    } else {
      size_t stop = v.find_first_of(",#", pos);
      if (stop == std::string_view::npos) stop = v.size();
      item = Unquote(TrimRight(v.substr(pos, stop - pos)));
      pos = stop;
      last = pos == v.size() || v[pos] == '#';
    }
    if (last) {
      *comment = std::string(v.substr(pos));
      if (items.empty()) return ConfValue::Str(std::move(item));
      items.push_back(std::move(item));
      return ConfValue::List(std::move(items));
    }
    items.push_back(std::move(item));  // v[pos] == ','
    pos = SkipSpace(v, pos + 1);
  }
}

// Finds the earliest `quote` in `s` from `from` after which `\s*(#.*)?$`
// matches; returns its index.
std::optional<size_t> FindTripleClose(std::string_view s, size_t from, std::string_view quote,
                                      std::string* comment) {
  for (size_t at = s.find(quote, from); at != std::string_view::npos; at = s.find(quote, at + 1))
    if (MatchTail(s, at + quote.size(), comment)) return at;
  return std::nullopt;
}

struct SectionMarker {
  std::string indent;
  int open_depth = 0;
  int close_depth = 0;
  std::string name;
  std::string comment;
};

// Matches `(\s*\])+\s*(\#.*)?$` at `pos`.
bool MatchMarkerClose(std::string_view s, size_t pos, int* closes, std::string* comment) {
  *closes = 0;
  while (true) {
    size_t p = SkipSpace(s, pos);
    if (p < s.size() && s[p] == ']') {
      ++*closes;
      pos = p + 1;
    } else {
      break;
    }
  }
  return *closes > 0 && MatchTail(s, pos, comment);
}

// configobj's _sectionmarker.
std::optional<SectionMarker> MatchSectionMarker(std::string_view line) {
  SectionMarker m;
  size_t pos = SkipSpace(line, 0);
  m.indent = std::string(line.substr(0, pos));
  if (pos >= line.size() || line[pos] != '[') return std::nullopt;
  while (pos < line.size() && line[pos] == '[') {
    ++m.open_depth;
    pos = SkipSpace(line, pos + 1);
  }
  if (pos >= line.size()) return std::nullopt;
  const char first = line[pos];
  if (first == '"' || first == '\'') {
    for (size_t close = line.find(first, pos + 1); close != std::string_view::npos;
         close = line.find(first, close + 1)) {
      if (MatchMarkerClose(line, close + 1, &m.close_depth, &m.comment)) {
        std::string_view inner = line.substr(pos + 1, close - pos - 1);
        if (Strip(inner).empty()) return std::nullopt;
        m.name = std::string(inner);
        return m;
      }
    }
    return std::nullopt;
  }
  if (IsSpace(first)) return std::nullopt;
  for (size_t end = pos + 1; end <= line.size(); ++end) {
    if (MatchMarkerClose(line, end, &m.close_depth, &m.comment)) {
      m.name = std::string(line.substr(pos, end - pos));
      return m;
    }
  }
  return std::nullopt;
}

struct KeywordLine {
  std::string indent;
  std::string key;
  std::string value;  // the rest, comments included
};

// configobj's _keyword.
std::optional<KeywordLine> MatchKeyword(std::string_view line) {
  KeywordLine k;
  size_t pos = SkipSpace(line, 0);
  k.indent = std::string(line.substr(0, pos));
  if (pos >= line.size() || line[pos] == '=') return std::nullopt;
  size_t eq = std::string_view::npos;
  if (line[pos] == '"' || line[pos] == '\'') {
    for (size_t close = line.find(line[pos], pos + 1); close != std::string_view::npos;
         close = line.find(line[pos], close + 1)) {
      size_t after = SkipSpace(line, close + 1);
      if (after < line.size() && line[after] == '=') {
        k.key = Unquote(line.substr(pos, close + 1 - pos));
        eq = after;
        break;
      }
    }
  } else {
    eq = line.find('=', pos + 1);
    if (eq != std::string_view::npos) k.key = std::string(TrimRight(line.substr(pos, eq - pos)));
  }
  if (eq == std::string_view::npos) return std::nullopt;
  k.value = std::string(line.substr(SkipSpace(line, eq + 1)));
  return k;
}

// Splits text into lines without their endings; records the first ending.
std::vector<std::string_view> SplitLines(std::string_view text, std::string* newline) {
  std::vector<std::string_view> lines;
  bool seen = false;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find_first_of("\r\n", start);
    if (end == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    size_t next = end + 1;
    if (text[end] == '\r' && next < text.size() && text[next] == '\n') ++next;
    if (!seen) {
      *newline = std::string(text.substr(end, next - end));
      seen = true;
    }
    lines.push_back(text.substr(start, end - start));
    start = next;
  }
  return lines;
}

class Parser {
 public:
  explicit Parser(std::vector<std::string_view> lines) : lines_(std::move(lines)) {}

  Status Run(ConfigObjDocument* doc);

 private:
  struct Level {
    ConfSection* section;
    int depth;
  };

  Status HandleMarker(const SectionMarker& m, ConfigObjDocument* doc);
  Status HandleKeyword(const KeywordLine& k, ConfigObjDocument* doc);
  Result<ConfValue> MultilineValue(const std::string& value, std::string* comment);

  std::vector<std::string_view> lines_;
  size_t index_ = 0;
  std::vector<std::string> comments_;
  std::vector<Level> stack_;  // root first; back() is the current section
  std::optional<std::string> indent_type_;
};

Status Parser::Run(ConfigObjDocument* doc) {
  stack_.push_back({&doc->root, 0});
  bool done_start = false;
  bool reset_comment = false;
  for (index_ = 0; index_ < lines_.size(); ++index_) {
    if (reset_comment) comments_.clear();
    std::string_view line = lines_[index_];
    std::string_view sline = Strip(line);
    if (sline.empty() || sline.front() == '#') {
      reset_comment = false;
      comments_.emplace_back(line);
      continue;
    }
    if (!done_start) {
      doc->initial_comment = std::move(comments_);
      comments_.clear();
      done_start = true;
    }
    reset_comment = true;
    if (std::optional<SectionMarker> m = MatchSectionMarker(line)) {
      SIGNET_RETURN_IF_ERROR(HandleMarker(*m, doc));
      continue;
    }
    std::optional<KeywordLine> k = MatchKeyword(line);
    if (!k) return LineError("Invalid line (matched as neither section nor keyword)", index_);
    SIGNET_RETURN_IF_ERROR(HandleKeyword(*k, doc));
  }
  doc->indent_type = indent_type_.value_or("");
  if (doc->root.empty() && doc->initial_comment.empty()) {
    doc->initial_comment = std::move(comments_);
  } else if (!reset_comment) {
    doc->final_comment = std::move(comments_);
  }
  return OkStatus();
}

Status Parser::HandleMarker(const SectionMarker& m, ConfigObjDocument* doc) {
  if (!m.indent.empty() && !indent_type_) indent_type_ = m.indent;
  if (m.open_depth != m.close_depth) return LineError("Cannot compute the section depth", index_);
  const int current = stack_.back().depth;
  if (m.open_depth > current + 1) return LineError("Section too nested", index_);
  // The parent sits at depth open_depth - 1 on the stack.
  while (stack_.back().depth > m.open_depth - 1) stack_.pop_back();
  ConfSection* parent = stack_.back().section;
  std::string name = Unquote(m.name);
  if (parent->Contains(name)) return LineError("Duplicate section name", index_);
  ConfSection& child = parent->SetSection(name, ConfSection());
  ConfSection::Sub& entry = parent->mutable_sections().back();
  entry.comments = std::vector<std::string>(comments_.begin(), comments_.end());
  entry.inline_comment = m.comment;
  stack_.push_back({&child, m.open_depth});
  return OkStatus();
}

Status Parser::HandleKeyword(const KeywordLine& k, ConfigObjDocument* doc) {
  if (!k.indent.empty() && !indent_type_) indent_type_ = k.indent;
  std::string comment;
  ConfValue value;
  if (k.value.rfind("\"\"\"", 0) == 0 || k.value.rfind("'''", 0) == 0) {
    SIGNET_ASSIGN_OR_RETURN(value, MultilineValue(k.value, &comment));
  } else {
    std::optional<ConfValue> parsed = ParseValue(k.value, &comment);
    if (!parsed) return LineError("Parse error in value", index_);
    value = std::move(*parsed);
  }
  ConfSection* section = stack_.back().section;
  if (section->Contains(k.key)) return LineError("Duplicate keyword name", index_);
  section->Set(k.key, std::move(value));
  ConfSection::Scalar& entry = section->mutable_scalars().back();
  entry.comments = std::vector<std::string>(comments_.begin(), comments_.end());
  entry.inline_comment = comment;
  return OkStatus();
}

Result<ConfValue> Parser::MultilineValue(const std::string& value, std::string* comment) {
  const std::string quote = value.substr(0, 3);
  if (std::optional<size_t> close = FindTripleClose(value, 3, quote, comment))
    return ConfValue::Str(value.substr(3, *close - 3));
  if (value.find(quote, 3) != std::string::npos)
    return LineError("Parse error in multiline value", index_);
  std::string text = value.substr(3);
  while (true) {
    if (index_ + 1 >= lines_.size()) return LineError("Parse error in multiline value", index_);
    ++index_;
    text += '\n';
    std::string_view line = lines_[index_];
    if (line.find(quote) == std::string_view::npos) {
      text += line;
      continue;
    }
    std::optional<size_t> close = FindTripleClose(line, 0, quote, comment);
    if (!close) return LineError("Parse error in multiline value", index_);
    text += line.substr(0, *close);
    return ConfValue::Str(std::move(text));
  }
}

}  // namespace

Result<ConfigObjDocument> ParseConfigObj(std::string_view text) {
  RecordFuzzInput("configobj_fuzz", text);
  ConfigObjDocument doc;
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text.substr(0, kBom.size()) == kBom) {
    doc.bom = true;
    text.remove_prefix(kBom.size());
  }
  Parser parser(SplitLines(text, &doc.newline));
  SIGNET_RETURN_IF_ERROR(parser.Run(&doc));
  return doc;
}

}  // namespace signet::client
