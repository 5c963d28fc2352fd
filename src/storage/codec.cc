#include "storage/codec.h"

#include <boost/json.hpp>

#include "base/base64url.h"

namespace signet::storage {
namespace json = boost::json;

namespace {

Result<json::value> ParseJson(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return Error(ErrorCode::kServerInternal, "corrupt stored JSON: " + ec.message());
  return v;
}

std::string Str(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// Stored as numbers: codes are appended, never moved (base/error.h).
static_assert(int(ErrorCode::kServerInternal) == 24 && int(ErrorCode::kRateLimited) == 25,
              "ErrorCode values are persisted; append new codes at the end");

json::value ErrorToJson(const Error& e) {
  json::object o;
  o["code"] = int(e.code);
  o["detail"] = e.detail;
  if (!e.identifier_value.empty()) {
    o["itype"] = e.identifier_type;
    o["ivalue"] = e.identifier_value;
  }
  json::array subs;
  for (const Error& s : e.subproblems) subs.push_back(ErrorToJson(s));
  if (!subs.empty()) o["sub"] = std::move(subs);
  return o;
}

Error ErrorFromJson(const json::object& o) {
  Error e;
  if (const json::value* c = o.if_contains("code");
      c && c->is_int64() && c->get_int64() >= 0 && c->get_int64() <= int(kLastErrorCode))
    e.code = ErrorCode(c->get_int64());
  e.detail = Str(o, "detail");
  e.identifier_type = Str(o, "itype");
  e.identifier_value = Str(o, "ivalue");
  if (const json::value* s = o.if_contains("sub"); s && s->is_array())
    for (const json::value& sub : s->get_array())
      if (sub.is_object()) e.subproblems.push_back(ErrorFromJson(sub.get_object()));
  return e;
}

}  // namespace

Result<std::string> FirstCertDerOfPem(std::string_view pem) {
  constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  size_t begin = pem.find(kBegin);
  size_t end = begin == std::string_view::npos ? begin : pem.find(kEnd, begin);
  if (end == std::string_view::npos)
    return Error(ErrorCode::kServerInternal, "corrupt stored certificate: no PEM block");
  std::string body;
  for (char c : pem.substr(begin + kBegin.size(), end - begin - kBegin.size()))
    if (c != '\n' && c != '\r') body.push_back(c);
  auto der = Base64Decode(body);
  if (!der.ok()) return Error(ErrorCode::kServerInternal, "corrupt stored certificate: bad base64");
  return std::move(*der);
}

int64_t ToUnix(acme::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

acme::TimePoint FromUnix(int64_t s) { return acme::TimePoint(std::chrono::seconds(s)); }

std::string EncodeStrings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return json::serialize(a);
}

Result<std::vector<std::string>> DecodeStrings(const std::string& text) {
  SIGNET_ASSIGN_OR_RETURN(json::value v, ParseJson(text));
  std::vector<std::string> out;
  if (!v.is_array()) return out;
  for (const auto& e : v.get_array())
    if (e.is_string()) out.emplace_back(e.get_string());
  return out;
}

std::string EncodeIdentifiers(const std::vector<acme::Identifier>& v) {
  json::array a;
  for (const auto& id : v) a.push_back(json::object{{"type", id.type}, {"value", id.value}});
  return json::serialize(a);
}

Result<std::vector<acme::Identifier>> DecodeIdentifiers(const std::string& text) {
  SIGNET_ASSIGN_OR_RETURN(json::value v, ParseJson(text));
  std::vector<acme::Identifier> out;
  if (!v.is_array()) return out;
  for (const auto& e : v.get_array())
    if (e.is_object()) out.push_back({Str(e.get_object(), "type"), Str(e.get_object(), "value")});
  return out;
}

std::string EncodeError(const Error& e) { return json::serialize(ErrorToJson(e)); }

Error DecodeError(const std::string& text) {
  Result<json::value> v = ParseJson(text);
  if (!v.ok() || !v->is_object()) return Error(ErrorCode::kServerInternal, "corrupt stored error");
  return ErrorFromJson(v->get_object());
}

std::string EncodeChallenges(const std::vector<acme::Challenge>& v) {
  json::array a;
  for (const auto& c : v) {
    json::object o{{"id", c.id}, {"type", c.type}, {"token", c.token},
                   {"status", std::string(acme::StatusName(c.status))}};
    if (c.validated_at) o["validated"] = ToUnix(*c.validated_at);
    if (c.caa_checked_at) o["caa_checked"] = ToUnix(*c.caa_checked_at);
    if (c.error) o["error"] = ErrorToJson(*c.error);
    json::array recs;
    for (const auto& r : c.records) {
      json::array addrs;
      for (const auto& a : r.addresses_resolved) addrs.emplace_back(a);
      recs.push_back(json::object{{"url", r.url}, {"hostname", r.hostname}, {"port", r.port},
                                  {"resolved", std::move(addrs)}, {"used", r.address_used}});
    }
    if (!recs.empty()) o["records"] = std::move(recs);
    a.push_back(std::move(o));
  }
  return json::serialize(a);
}

Result<std::vector<acme::Challenge>> DecodeChallenges(const std::string& text) {
  SIGNET_ASSIGN_OR_RETURN(json::value v, ParseJson(text));
  std::vector<acme::Challenge> out;
  if (!v.is_array()) return out;
  for (const auto& e : v.get_array()) {
    if (!e.is_object()) continue;
    const json::object& o = e.get_object();
    acme::Challenge c;
    c.id = Str(o, "id");
    c.type = Str(o, "type");
    c.token = Str(o, "token");
    c.status = acme::ParseStatus(Str(o, "status")).value_or(acme::ObjStatus::kInvalid);
    if (const json::value* t = o.if_contains("validated"); t && t->is_int64())
      c.validated_at = FromUnix(t->get_int64());
    if (const json::value* t = o.if_contains("caa_checked"); t && t->is_int64())
      c.caa_checked_at = FromUnix(t->get_int64());
    if (const json::value* err = o.if_contains("error"); err && err->is_object())
      c.error = ErrorFromJson(err->get_object());
    if (const json::value* recs = o.if_contains("records"); recs && recs->is_array()) {
      for (const auto& r : recs->get_array()) {
        if (!r.is_object()) continue;
        const json::object& ro = r.get_object();
        acme::ValidationRecord rec{Str(ro, "url"), Str(ro, "hostname"), Str(ro, "port"), {},
                                   Str(ro, "used")};
        if (const json::value* a = ro.if_contains("resolved"); a && a->is_array())
          for (const auto& s : a->get_array())
            if (s.is_string()) rec.addresses_resolved.emplace_back(s.get_string());
        c.records.push_back(std::move(rec));
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace signet::storage
