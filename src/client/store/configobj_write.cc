// The configobj writer: configobj 5.0's write(), _write_line, _write_marker,
// _handle_comment and _quote (list_values=True, write_empty_values=False).
#include <string>

#include "client/store/configobj.h"

namespace signet::client {
namespace {

bool Contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

// configobj's wspace_plus.
bool IsWspacePlus(char c) {
  return c == ' ' || c == '\r' || c == '\n' || c == '\v' || c == '\t' || c == '\'' || c == '"';
}

Error CannotQuote(std::string_view value) {
  return Error(ErrorCode::kMalformed,
               "Value \"" + std::string(value) + "\" cannot be safely quoted.");
}

Result<std::string> SingleQuote(std::string_view value) {
  if (Contains(value, "'") && Contains(value, "\"")) return CannotQuote(value);
  if (Contains(value, "\"")) return "'" + std::string(value) + "'";
  return "\"" + std::string(value) + "\"";
}

Result<std::string> QuoteString(std::string_view value, bool multiline) {
  if (value.empty()) return std::string("\"\"");
  const bool need_triple =
      multiline && ((Contains(value, "'") && Contains(value, "\"")) || Contains(value, "\n"));
  if (need_triple) {
    if (Contains(value, "\"\"\"") && Contains(value, "'''")) return CannotQuote(value);
    // configobj's tdquot is ''' (used when the value has no """), tsquot """.
    if (!Contains(value, "\"\"\"")) return "'''" + std::string(value) + "'''";
    return "\"\"\"" + std::string(value) + "\"\"\"";
  }
  if (Contains(value, "\n")) return CannotQuote(value);
  if (!IsWspacePlus(value.front()) && !IsWspacePlus(value.back()) && !Contains(value, ",")) {
    if (Contains(value, "#")) return SingleQuote(value);
    return std::string(value);
  }
  return SingleQuote(value);
}

// configobj's _handle_comment.
std::string InlineComment(const std::string& comment, const std::string& indent_type) {
  if (comment.empty()) return "";
  if (comment.front() == '#') return indent_type + comment;
  return indent_type + " # " + comment;
}

constexpr std::string_view kSpace = " \t\r\n\f\v";

std::string_view StripView(std::string_view s) {
  size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// A comment line as write() emits it: "# " added when missing. Comments
// before entries are left-stripped first; initial/final ones are not.
std::string CommentLine(std::string_view line, bool lstrip) {
  if (lstrip) {
    size_t first = line.find_first_not_of(kSpace);
    line = first == std::string_view::npos ? std::string_view() : line.substr(first);
  }
  std::string_view stripped = StripView(line);
  if (!stripped.empty() && stripped.front() != '#') return "# " + std::string(line);
  return std::string(line);
}

Status WriteSection(const ConfSection& section, int depth, const std::string& indent_type,
                    std::vector<std::string>* out) {
  std::string indent;
  for (int i = 0; i < depth; ++i) indent += indent_type;
  for (const ConfSection::Scalar& s : section.scalars()) {
    for (const std::string& c : s.comments) out->push_back(indent + CommentLine(c, true));
    SIGNET_ASSIGN_OR_RETURN(std::string key, QuoteString(s.key, false));
    SIGNET_ASSIGN_OR_RETURN(std::string value, QuoteConfValue(s.value));
    out->push_back(indent + key + " = " + value + InlineComment(s.inline_comment, indent_type));
  }
  for (const ConfSection::Sub& sub : section.sections()) {
    for (const std::string& c : sub.comments) out->push_back(indent + CommentLine(c, true));
    SIGNET_ASSIGN_OR_RETURN(std::string name, QuoteString(sub.name, false));
    const std::string open(size_t(depth + 1), '['), close(size_t(depth + 1), ']');
    out->push_back(indent + open + name + close + InlineComment(sub.inline_comment, indent_type));
    SIGNET_RETURN_IF_ERROR(WriteSection(*sub.section, depth + 1, indent_type, out));
  }
  return OkStatus();
}

}  // namespace

Result<std::string> QuoteConfValue(const ConfValue& value) {
  if (!value.is_list) return QuoteString(value.scalar, true);
  if (value.list.empty()) return std::string(",");
  if (value.list.size() == 1) {
    SIGNET_ASSIGN_OR_RETURN(std::string one, QuoteString(value.list[0], false));
    return one + ",";
  }
  std::string joined;
  for (const std::string& item : value.list) {
    SIGNET_ASSIGN_OR_RETURN(std::string quoted, QuoteString(item, false));
    if (!joined.empty()) joined += ", ";
    joined += quoted;
  }
  return joined;
}

Result<std::string> WriteConfigObj(const ConfigObjDocument& doc) {
  std::vector<std::string> out;
  for (const std::string& line : doc.initial_comment) out.push_back(CommentLine(line, false));
  SIGNET_RETURN_IF_ERROR(WriteSection(doc.root, 0, doc.indent_type, &out));
  for (const std::string& line : doc.final_comment) out.push_back(CommentLine(line, false));
  std::string text;
  for (size_t i = 0; i < out.size(); ++i) {
    if (i > 0) text += doc.newline;
    text += out[i];
  }
  if (text.size() < doc.newline.size() ||
      text.compare(text.size() - doc.newline.size(), doc.newline.size(), doc.newline) != 0)
    text += doc.newline;
  if (doc.bom) text.insert(0, "\xEF\xBB\xBF");
  return text;
}

}  // namespace signet::client
