// The configobj file format (Python configobj 5.0, the format of certbot's
// renewal/NAME.conf): `key = value` lines, `[section]` and nested
// `[[subsection]]` markers, `#` comments, list values ("a, b", "a,", ","),
// quoted values ('...', "...", '''...''', """...""").
//
// A ConfigObjDocument keeps what configobj keeps, so that writing it back
// gives the text configobj itself would write: the order of entries, the
// comment lines before each entry, inline comments, the initial and final
// comments, the indentation string, the newline and a UTF-8 BOM. Like
// configobj, a section writes its scalars before its subsections.
//
// Plain values; not thread-safe for concurrent mutation.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace signet::client {

// A configobj value: a string, or a list of strings.
struct ConfValue {
  bool is_list = false;
  std::string scalar;             // when !is_list
  std::vector<std::string> list;  // when is_list

  static ConfValue Str(std::string s) { return ConfValue{false, std::move(s), {}}; }
  static ConfValue List(std::vector<std::string> l) { return ConfValue{true, {}, std::move(l)}; }
  bool operator==(const ConfValue& other) const = default;
};

// One section: ordered scalars and ordered subsections, each with the
// comment lines written before it and an optional inline comment.
class ConfSection {
 public:
  ConfSection() = default;
  ConfSection(const ConfSection& other);
  ConfSection& operator=(const ConfSection& other);
  ConfSection(ConfSection&&) = default;
  ConfSection& operator=(ConfSection&&) = default;

  struct Scalar {
    std::string key;
    ConfValue value;
    std::vector<std::string> comments;  // lines before the entry
    std::string inline_comment;         // "# ..." or ""
  };
  struct Sub {
    std::string name;
    std::unique_ptr<ConfSection> section;
    std::vector<std::string> comments;
    std::string inline_comment;
  };

  bool Contains(std::string_view key) const { return Find(key) || FindSection(key); }
  const ConfValue* Find(std::string_view key) const;
  const ConfSection* FindSection(std::string_view name) const;
  ConfSection* FindSection(std::string_view name);

  // Sets a scalar, keeping its position and comments if it exists (as a
  // scalar or a section, like configobj's __setitem__), else appending it.
  void Set(std::string_view key, ConfValue value);
  // Replaces or appends a subsection; an existing entry keeps its comments.
  ConfSection& SetSection(std::string_view name, ConfSection section);
  // Removes a scalar or subsection; false when absent.
  bool Remove(std::string_view key);
  // Comment lines before `key` (scalar or section); no-op when absent.
  void SetComments(std::string_view key, std::vector<std::string> comments);

  const std::vector<Scalar>& scalars() const { return scalars_; }
  const std::vector<Sub>& sections() const { return sections_; }
  std::vector<Scalar>& mutable_scalars() { return scalars_; }
  std::vector<Sub>& mutable_sections() { return sections_; }
  bool empty() const { return scalars_.empty() && sections_.empty(); }

 private:
  Scalar* FindScalarEntry(std::string_view key);
  Sub* FindSubEntry(std::string_view name);

  std::vector<Scalar> scalars_;
  std::vector<Sub> sections_;
};

struct ConfigObjDocument {
  std::vector<std::string> initial_comment;  // lines before the first entry
  std::vector<std::string> final_comment;    // lines after the last entry
  ConfSection root;
  std::string indent_type;  // the first indentation seen; "" if none
  std::string newline = "\n";
  bool bom = false;
};

// Parses configobj text (UTF-8). Errors (kMalformed) name the line, like
// configobj's ParseError / NestingError / DuplicateError.
Result<ConfigObjDocument> ParseConfigObj(std::string_view text);

// configobj's write(): the exact bytes configobj 5.0 writes for the
// document. Fails (kMalformed) for a value configobj cannot quote.
Result<std::string> WriteConfigObj(const ConfigObjDocument& doc);

// configobj's _quote(value) for one string value (multiline allowed) and
// for a list value; exposed for tests.
Result<std::string> QuoteConfValue(const ConfValue& value);

}  // namespace signet::client
