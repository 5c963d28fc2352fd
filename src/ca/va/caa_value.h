// The value of a CAA "issue" / "issuewild" property (RFC 8659 4.2):
//   issuer-domain-name [";" parameter *(";" parameter)]
// with parameters "tag=value", as RFC 8657 uses them (accounturi,
// validationmethods). Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace signet::va {

struct IssueValue {
  std::string issuer;  // Lowercase, no trailing dot; empty: "no CA may issue".
  // In order of appearance; tags lowercased, values as written.
  std::vector<std::pair<std::string, std::string>> parameters;

  // The value of parameter `tag` (lowercase), if present (the first one).
  std::optional<std::string> Parameter(std::string_view tag) const;
  // How many times `tag` (lowercase) appears.
  size_t Count(std::string_view tag) const;
};

// Parses `value`, tolerating whitespace around the parts and a trailing ";".
// kMalformed with the reason for a bad issuer name, a parameter without "=",
// a bad tag or value character, or, when `refuse_repeats`, a parameter given
// twice (RFC 8657 makes a record with a repeated accounturi/validationmethods
// meaningless, so a repeated parameter makes the record unusable). Without
// it, repeats are kept in order (the caller judges the tags it knows).
Result<IssueValue> ParseIssueValue(std::string_view value, bool refuse_repeats = true);

}  // namespace signet::va
