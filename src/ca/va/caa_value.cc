#include "ca/va/caa_value.h"

#include <algorithm>
#include <cctype>

namespace signet::va {
namespace {

std::string_view TrimWsp(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// label = (ALPHA / DIGIT) *( *("-") (ALPHA / DIGIT))
bool IsLabel(std::string_view label) {
  if (label.empty() || label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

bool IsIssuerDomainName(std::string_view name) {
  size_t start = 0;
  for (;;) {
    const size_t dot = name.find('.', start);
    if (!IsLabel(name.substr(start, dot == std::string_view::npos ? dot : dot - start))) {
      return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// value = *(%x21-3A / %x3C-7E): printable, no space, no ";".
bool IsParameterValue(std::string_view value) {
  return std::all_of(value.begin(), value.end(), [](unsigned char c) {
    return c >= 0x21 && c <= 0x7e && c != ';';
  });
}

Error Malformed(const std::string& why) { return Error(ErrorCode::kMalformed, why); }

}  // namespace

std::optional<std::string> IssueValue::Parameter(std::string_view tag) const {
  for (const auto& [t, v] : parameters) {
    if (t == tag) return v;
  }
  return std::nullopt;
}

size_t IssueValue::Count(std::string_view tag) const {
  return std::count_if(parameters.begin(), parameters.end(),
                       [&](const auto& p) { return p.first == tag; });
}

Result<IssueValue> ParseIssueValue(std::string_view value, bool refuse_repeats) {
  IssueValue out;
  const size_t semi = value.find(';');
  std::string_view issuer = TrimWsp(value.substr(0, semi));
  if (!issuer.empty() && issuer.back() == '.') issuer.remove_suffix(1);
  if (!issuer.empty() && !IsIssuerDomainName(issuer)) {
    return Malformed("invalid issuer domain name \"" + std::string(issuer) + "\"");
  }
  out.issuer = Lower(issuer);
  if (semi == std::string_view::npos) return out;
  std::string_view rest = value.substr(semi + 1);
  while (!rest.empty()) {
    const size_t next = rest.find(';');
    std::string_view param = TrimWsp(rest.substr(0, next));
    rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    if (param.empty()) {
      if (rest.empty()) break;  // A trailing ";".
      return Malformed("empty parameter");
    }
    const size_t eq = param.find('=');
    if (eq == std::string_view::npos) {
      return Malformed("parameter \"" + std::string(param) + "\" has no \"=\"");
    }
    const std::string tag = Lower(TrimWsp(param.substr(0, eq)));
    const std::string_view val = TrimWsp(param.substr(eq + 1));
    if (!IsLabel(tag)) return Malformed("invalid parameter tag \"" + tag + "\"");
    if (!IsParameterValue(val)) {
      return Malformed("invalid value for parameter \"" + tag + "\"");
    }
    if (refuse_repeats && out.Parameter(tag)) return Malformed("parameter \"" + tag + "\" appears twice");
    out.parameters.emplace_back(tag, std::string(val));
  }
  return out;
}

}  // namespace signet::va
