#include "ca/va/remote/wire.h"

#include <algorithm>
#include <chrono>

#include <boost/json.hpp>

#include "ca/va/remote/mpic_rules.h"

namespace signet::va::remote {
namespace json = boost::json;
namespace {

std::string Str(const json::object& o, const char* k) {
  const json::value* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

constexpr std::chrono::milliseconds kMaxReturnMargin{1000};

}  // namespace

std::optional<int64_t> RemoteBudgetMs(Deadline deadline) {
  if (deadline == kNoDeadline) return std::nullopt;
  using std::chrono::milliseconds;
  const milliseconds left = std::chrono::duration_cast<milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left <= milliseconds(0)) return 0;
  return (left - std::min(left / 10, kMaxReturnMargin)).count();
}

Deadline DeadlineFromJson(const json::object& o) {
  const json::value* v = o.if_contains("timeout_ms");
  if (v == nullptr || !v->is_int64()) return kNoDeadline;
  // Clamped: a hostile or broken value can neither overflow nor exceed a day.
  const int64_t ms = std::clamp<int64_t>(v->get_int64(), 0, 24 * 3600 * 1000);
  return std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
}

json::object RequestToJson(const ValidationRequest& r) {
  json::object o = {{"identifier_type", r.identifier_type},
                    {"identifier_value", r.identifier_value},
                    {"wildcard", r.wildcard},
                    {"challenge_type", r.challenge_type},
                    {"token", r.token},
                    {"key_authorization", r.key_authorization},
                    {"account_url", r.account_url}};
  if (std::optional<int64_t> budget = RemoteBudgetMs(r.deadline)) o["timeout_ms"] = *budget;
  return o;
}

Result<ValidationRequest> RequestFromJson(const json::object& o) {
  ValidationRequest r;
  r.identifier_type = Str(o, "identifier_type");
  r.identifier_value = Str(o, "identifier_value");
  const json::value* w = o.if_contains("wildcard");
  r.wildcard = w && w->is_bool() && w->get_bool();
  r.challenge_type = Str(o, "challenge_type");
  r.token = Str(o, "token");
  r.key_authorization = Str(o, "key_authorization");
  r.account_url = Str(o, "account_url");
  r.deadline = DeadlineFromJson(o);
  if (r.identifier_value.empty() || r.challenge_type.empty())
    return Error(ErrorCode::kMalformed, "validation request lacks identifier or challenge type");
  return r;
}

json::object StatusToJson(const Status& s) {
  if (s.ok()) return {{"ok", true}};
  return {{"ok", false}, {"code", int(s.error().code)}, {"detail", s.error().detail}};
}

Status StatusFromJson(const json::object& o) {
  const json::value* ok = o.if_contains("ok");
  if (ok && ok->is_bool() && ok->get_bool()) return OkStatus();
  const json::value* code = o.if_contains("code");
  ErrorCode c = code && code->is_int64() && code->get_int64() >= 0 &&
                        code->get_int64() <= int(kLastErrorCode)
                    ? ErrorCode(code->get_int64())
                    : ErrorCode::kServerInternal;
  return Error(c, Str(o, "detail"));
}

json::object ResultToJson(const ValidationResult& r) {
  json::object out = StatusToJson(r.status);
  json::array records;
  for (const auto& rec : r.records) {
    json::array resolved;
    for (const auto& a : rec.addresses_resolved) resolved.emplace_back(a);
    records.push_back(json::object{{"url", rec.url}, {"hostname", rec.hostname},
                                   {"port", rec.port}, {"resolved", std::move(resolved)},
                                   {"used", rec.address_used}});
  }
  out["records"] = std::move(records);
  return out;
}

Result<ValidationResult> ResultFromJson(const json::object& o) {
  ValidationResult r;
  r.status = StatusFromJson(o);
  if (const json::value* recs = o.if_contains("records"); recs && recs->is_array()) {
    for (const auto& v : recs->get_array()) {
      if (!v.is_object()) continue;
      const json::object& ro = v.get_object();
      ValidationRecord rec{Str(ro, "url"), Str(ro, "hostname"), Str(ro, "port"), {}, Str(ro, "used")};
      if (const json::value* a = ro.if_contains("resolved"); a && a->is_array())
        for (const auto& s : a->get_array())
          if (s.is_string()) rec.addresses_resolved.emplace_back(s.get_string());
      r.records.push_back(std::move(rec));
    }
  }
  return r;
}

Result<std::string> DeclaredRir(const json::object& answer, const std::string& remote) {
  Result<std::string> rir = CanonicalRir(Str(answer, "rir"));
  if (!rir.ok()) {
    return Error(ErrorCode::kServerInternal,
                 "remote perspective " + remote + " did not declare a known RIR");
  }
  return rir;
}

}  // namespace signet::va::remote
