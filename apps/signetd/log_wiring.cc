#include "log_wiring.h"

#include <chrono>

#include "ca/wfe/problem.h"
#include "crypto/digest.h"

namespace signet::app {

using logging::Decimal;
using logging::LogFields;
using logging::Str;
using Ra = ca::RegistrationAuthority;

Result<logging::LogOptions> LogOptionsFrom(const CaConfig& config) {
  logging::LogOptions options;
  SIGNET_ASSIGN_OR_RETURN(auto level, logging::ParseLevel(config.log_level));
  (void)level;
  options.level = config.log_level;
  if (!logging::ParseLogFormat(config.log_format, &options.format))
    return Error(ErrorCode::kMalformed,
                 "unknown log format \"" + config.log_format + "\": use json or logfmt");
  options.file = config.log_file;
  return options;
}

http::Handler AccessLog(http::Handler inner) {
  return [inner = std::move(inner)](const http::Request& req) {
    auto start = std::chrono::steady_clock::now();
    http::Response res = inner(req);
    std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    std::string id = crypto::HexEncode(crypto::RandomBytes(8));
    res.Set(kRequestIdHeader, id);
    auto level = res.status >= 500 ? spdlog::level::err : spdlog::level::info;
    if (!logging::Enabled(level)) return res;
    LogFields fields{Str("request_id", id), Str("method", req.method),
                     Str("path", std::string(req.Path())), logging::Num("status", res.status)};
    for (const char* key : {"problem", "account", "detail"})
      for (const auto& [k, v] : res.log_fields)
        if (k == key) fields.push_back(Str(k, v));
    fields.push_back(Decimal("latency_ms", took.count()));
    fields.push_back(Str("client", req.remote_address));
    logging::LogEvent(level, "acme request", fields);
    return res;
  };
}

namespace {

std::string Names(const std::vector<acme::Identifier>* ids) {
  std::string out;
  if (!ids) return out;
  for (const auto& id : *ids) out += (out.empty() ? "" : ",") + id.value;
  return out;
}

}  // namespace

Ra::Events LogEvents() {
  Ra::Events events;
  events.validation = [](const Ra::ValidationEvent& e) {
    LogFields f{Str("account", e.account_id),       Str("authz", e.authz_id),
                Str("challenge", e.challenge_id),   Str("challenge_type", e.challenge_type),
                Str("identifier_type", e.identifier.type), Str("identifier", e.identifier.value),
                Str("outcome", e.error ? "invalid" : "valid")};
    f.push_back(logging::Decimal("latency_ms", double(e.latency.count()) / 1000.0));
    if (e.error) {
      f.push_back(Str("problem", ca::ProblemType(e.error->code)));
      f.push_back(Str("detail", logging::MaskKeyAuthorizations(e.detail)));
    }
    logging::LogEvent(spdlog::level::info, "validation", f);
  };
  events.order_done = [](const Ra::OrderEvent& e) {
    LogFields f{Str("account", e.account_id), Str("order", e.order_id),
                Str("identifiers", Names(e.identifiers)), Str("profile", e.profile)};
    if (e.error) {
      f.push_back(Str("problem", ca::ProblemType(e.error->code)));
      f.push_back(Str("detail", logging::MaskKeyAuthorizations(e.error->detail)));
      logging::LogEvent(spdlog::level::info, "order invalid", f);
      return;
    }
    f.push_back(Str("serial", e.serial));
    logging::LogEvent(spdlog::level::info, "certificate issued", f);
  };
  events.revocation = [](const Ra::RevocationEvent& e) {
    logging::LogEvent(spdlog::level::info, "certificate revoked",
                      {Str("serial", e.serial), logging::Num("reason", e.reason),
                       Str("account", e.account_id),
                       Str("proof", e.account_id.empty() ? "certificate key" : "account")});
  };
  return events;
}

}  // namespace signet::app
