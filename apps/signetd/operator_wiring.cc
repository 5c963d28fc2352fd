#include "operator_wiring.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "ca/operator_view/page.h"
#include "wiring.h"

namespace signet::app {
namespace {

// How long /health/ready waits for the DNS resolver.
constexpr std::chrono::seconds kReadyDnsTimeout{2};
// How often the operator view samples the metrics for its plots.
constexpr std::chrono::seconds kViewSampleInterval{10};
// How many of the latest revocations the operator view lists.
constexpr size_t kViewRevocations = 50;

http::Response Text(int status, std::string body) {
  http::Response res;
  res.status = status;
  res.Set("Content-Type", "text/plain; charset=utf-8");
  res.body = std::move(body);
  return res;
}

}  // namespace

http::Handler OperatorListener::Instrument(http::Handler acme) {
  return [this, acme = std::move(acme)](const http::Request& req) {
    auto start = std::chrono::steady_clock::now();
    http::Response res = acme(req);
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    metrics_.ObserveRequest(req.Path(), res.status, took.count());
    return res;
  };
}

void OperatorListener::Observe(ca::RegistrationAuthority& ra,
                               ca::ratelimit::RateLimiter* limiter, const http::Server& acme) {
  ca::RegistrationAuthority::Events events;
  events.validated = [this](const std::string& type, bool valid) {
    metrics_.ObserveValidation(type, valid ? "valid" : "invalid");
  };
  events.issued = [this] { metrics_.CountIssued(); };
  events.revoked = [this] { metrics_.CountRevoked(); };
  events.refused = [this](const std::string& cause) {
    metrics_.CountRateLimited(cause);
    activity_.AddRefusal({acme::Clock::now(), cause});
  };
  // The view keeps its own copies; the detail is the masked one the log has.
  events.validation = [this](const ca::RegistrationAuthority::ValidationEvent& e) {
    std::optional<Error> problem;
    if (e.error) problem = Error(e.error->code, e.detail);
    activity_.AddValidation({acme::Clock::now(), e.account_id, e.identifier, e.wildcard,
                             e.challenge_type, std::move(problem)});
  };
  events.order_done = [this](const ca::RegistrationAuthority::OrderEvent& e) {
    if (e.error || !e.identifiers) return;  // the view lists issuances only
    activity_.AddIssuance({acme::Clock::now(), e.serial, e.account_id, e.profile, *e.identifiers,
                           e.not_after});
  };
  ra.SetEvents(std::move(events));
  if (limiter)
    limiter->SetRefusalObserver([this](ca::ratelimit::LimitName limit) {
      metrics_.CountRateLimited(std::string(ca::ratelimit::NameOf(limit)));
      activity_.AddRefusal({acme::Clock::now(), std::string(ca::ratelimit::NameOf(limit))});
    });
  metrics_.SetOpenConnections([&acme] { return double(acme.open_connections()); });
  metrics_.SetValidationQueueDepth([&ra] { return double(ra.validation_queue_depth()); });
}

Status OperatorListener::Start(const CaConfig& config, ReadinessChecks checks) {
  checks_ = std::move(checks);
  std::string host;
  uint16_t port = 0;
  if (config.operator_listen.empty()) {
    SIGNET_ASSIGN_OR_RETURN(auto listen, SplitHostPort(config.listen));
    host = listen.first;
    port = listen.second <= 65535 - kOperatorPortOffset ? listen.second + kOperatorPortOffset
                                                        : listen.second - kOperatorPortOffset;
  } else {
    SIGNET_ASSIGN_OR_RETURN(auto op, SplitHostPort(config.operator_listen));
    host = op.first;
    port = op.second;
  }
  http::ServerConfig server_config = ListenerConfig(config, host, port);
  // A scraper and a health checker or two: small pools, whatever ACME's are.
  server_config.threads = 1;
  server_config.handler_threads = 2;
  server_ = std::make_unique<http::Server>(
      server_config, [this](const http::Request& r) { return Handle(r); });
  SIGNET_RETURN_IF_ERROR(server_->Start());
  sampler_ = std::make_unique<ca::operator_view::PeriodicSampler>(
      kViewSampleInterval, [this] { history_.Record(acme::Clock::now(), metrics_.Totals()); });
  spdlog::info("signetd operator endpoints (/, /metrics, /health/live, /health/ready) on {}:{}",
               host, server_->port());
  return OkStatus();
}

std::string OperatorListener::NotReady() {
  if (stopping_.load()) return "shutting down";
  if (checks_.store) {
    auto read = checks_.store->GetAccount("signetd-health-check");
    if (!read.ok()) return "store: " + read.error().ToString();
  }
  if (checks_.signer_loaded && !checks_.signer_loaded()) return "signer: not loaded";
  if (checks_.resolver) {
    auto answer = checks_.resolver->LookupTxt(
        "signetd-health-check.example", std::chrono::steady_clock::now() + kReadyDnsTimeout);
    if (!answer.ok()) return "dns resolver: " + answer.error().ToString();
  }
  return "";
}

http::Response OperatorListener::View() {
  ca::operator_view::PageData data;
  data.version = version_;
  data.now = acme::Clock::now();
  data.activity = activity_.Snapshot();
  if (checks_.store) {  // the readiness check's store is signetd's
    auto revoked = checks_.store->RecentRevocations(kViewRevocations);
    if (revoked.ok())
      data.revocations = std::move(*revoked);
    else
      data.revocations_error = revoked.error().ToString();
  }
  data.series = history_.AllSeries(
      ca::operator_view::MetricHistory::Sample{data.now, metrics_.Totals()});
  if (crls_) {
    for (int shard = 0; shard < crls_->config().shards; ++shard) {
      ca::operator_view::CrlShardStatus row;
      row.shard = shard;
      if (auto crl = crls_->Get(shard)) {
        row = {shard, true, crl->number, crl->this_update, crl->next_update, crl->entries};
      }
      data.crl_shards.push_back(row);
    }
  }
  http::Response res = Text(200, ca::operator_view::RenderPage(data));
  res.Set("Content-Type", "text/html; charset=utf-8");
  res.Set("Content-Security-Policy", ca::operator_view::kContentSecurityPolicy);
  res.Set("X-Content-Type-Options", "nosniff");
  res.Set("Referrer-Policy", "no-referrer");
  res.Set("Cache-Control", "no-store");
  return res;
}

http::Response OperatorListener::Handle(const http::Request& req) {
  if (req.method != "GET" && req.method != "HEAD") {
    http::Response res = Text(405, "use GET\n");
    res.Set("Allow", "GET, HEAD");
    return res;
  }
  std::string_view path = req.Path();
  if (path == "/") return View();
  if (path == "/metrics") {
    http::Response res = Text(200, metrics_.Render());
    res.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    return res;
  }
  if (path == "/health/live") return Text(200, "ok\n");
  if (path == "/health/ready") {
    std::string failed = NotReady();
    return failed.empty() ? Text(200, "ready\n") : Text(503, "not ready: " + failed + "\n");
  }
  return Text(404, "no such operator endpoint: try /, /metrics, /health/live or /health/ready\n");
}

}  // namespace signet::app
