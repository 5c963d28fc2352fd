#include "client/acme/problem.h"

namespace signet::client {
namespace json = boost::json;

namespace {

std::string StringMember(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// Nesting deeper than this is not a problem document we need to read.
constexpr int kMaxDepth = 4;

std::optional<Problem> Parse(const json::object& o, int depth) {
  const json::value* type = o.if_contains("type");
  const json::value* detail = o.if_contains("detail");
  bool has_type = type && type->is_string();
  if (!has_type && !(detail && detail->is_string())) return std::nullopt;
  Problem p;
  p.type = has_type ? std::string(type->get_string()) : "about:blank";
  p.detail = StringMember(o, "detail");
  if (const json::value* s = o.if_contains("status"); s && s->is_int64())
    p.status = int(s->get_int64());
  if (const json::value* id = o.if_contains("identifier"); id && id->is_object()) {
    p.identifier_type = StringMember(id->get_object(), "type");
    p.identifier_value = StringMember(id->get_object(), "value");
  }
  const json::value* subs = o.if_contains("subproblems");
  if (subs && subs->is_array() && depth < kMaxDepth) {
    for (const json::value& v : subs->get_array()) {
      if (!v.is_object()) continue;
      if (auto sub = Parse(v.get_object(), depth + 1)) p.subproblems.push_back(std::move(*sub));
    }
  }
  return p;
}

std::string TypeAndDetail(const Problem& p) {
  std::string out = p.ShortType();
  if (!p.detail.empty()) out += ": " + p.detail;
  return out;
}

}  // namespace

std::string Problem::ShortType() const {
  if (type.starts_with(kAcmeErrorPrefix)) return type.substr(kAcmeErrorPrefix.size());
  return type;
}

std::optional<Problem> ParseProblem(const json::object& json) { return Parse(json, 0); }

ErrorCode ErrorCodeForProblemType(std::string_view type) {
  if (!type.starts_with(kAcmeErrorPrefix)) return ErrorCode::kServerInternal;
  std::string_view name = type.substr(kAcmeErrorPrefix.size());
  // kMalformed comes first among the codes that share the name "malformed";
  // kLastErrorCode is the last code.
  for (int i = 0; i <= static_cast<int>(kLastErrorCode); ++i) {
    auto code = static_cast<ErrorCode>(i);
    if (ErrorCodeName(code) == name) return code;
  }
  return ErrorCode::kServerInternal;
}

std::string DescribeProblem(const Problem& problem) {
  std::string out = TypeAndDetail(problem);
  for (const Problem& sub : problem.subproblems) {
    out += "; ";
    if (!sub.identifier_value.empty()) out += sub.identifier_value + ": ";
    out += TypeAndDetail(sub);
  }
  return out;
}

Error ProblemToError(const Problem& problem) {
  return Error(ErrorCodeForProblemType(problem.type), DescribeProblem(problem));
}

}  // namespace signet::client
