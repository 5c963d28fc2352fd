// signetd's operator listener: a plain-HTTP listener apart from ACME that
// serves /metrics (Prometheus text format), the health checks /health/live
// and /health/ready and the read-only operator view at / (ca/operator_view),
// and the seams that feed them (the ACME handler's wrapper, the RA's events,
// the rate limiter's refusals, the CRL publisher).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "ca/operator_view/metric_history.h"
#include "ca/operator_view/recent_activity.h"
#include "ca/publisher/crl_publisher.h"
#include "ca/ra/ra.h"
#include "ca/ratelimit/rate_limiter.h"
#include "config.h"
#include "dns/resolver.h"
#include "http/message.h"
#include "http/server.h"
#include "metrics/metrics.h"
#include "storage/store.h"

namespace signet::app {

// Without --operator-listen, the operator listener takes the --listen port
// plus this (the test contract's 14000 -> 14090).
inline constexpr uint16_t kOperatorPortOffset = 90;

// What /health/ready asks, each with a short timeout where it can block.
struct ReadinessChecks {
  storage::ReadOnlyStore* store = nullptr;  // answers a trivial read
  dns::Resolver* resolver = nullptr;        // answers a query
  std::function<bool()> signer_loaded;
};

class OperatorListener {
 public:
  explicit OperatorListener(std::string version) : metrics_(version), version_(version) {}

  // The ACME handler, counted and timed per route and status code.
  http::Handler Instrument(http::Handler acme);
  // Counts the RA's validations, issuances and revocations, the limiter's
  // refusals (may be null) and reads the gauges from `acme` and `ra`.
  void Observe(ca::RegistrationAuthority& ra, ca::ratelimit::RateLimiter* limiter,
               const http::Server& acme);
  // Feeds CT submissions into signetd_ct_submission_* (ca/ct/submitter.h).
  ca::ct::CtObserver CtObserver() {
    return [this](const std::string& log, const std::string& kind, bool ok, double seconds) {
      metrics_.ObserveCtSubmission(log, kind, ok, seconds);
    };
  }
  // The view's CRL shards are `crls`' (which must outlive this listener).
  void ShowCrls(const ca::CrlPublisher& crls) { crls_ = &crls; }
  // Graceful shutdown has begun: /health/ready answers 503 from now on, so
  // a load balancer stops sending new clients while in-flight work finishes.
  void MarkStopping() { stopping_.store(true); }
  // Binds --operator-listen (default: the --listen host, port + 90).
  Status Start(const CaConfig& config, ReadinessChecks checks);
  void Stop() {
    if (server_) server_->Stop();
    sampler_.reset();
  }

  // The operator's requests: /metrics, /health/live, /health/ready and the
  // view at /.
  http::Response Handle(const http::Request& req);

 private:
  // "" when ready, else one line naming what failed.
  std::string NotReady();
  // The operator view's page (GET /).
  http::Response View();

  metrics::SignetdMetrics metrics_;
  const std::string version_;
  ReadinessChecks checks_;
  ca::operator_view::RecentActivity activity_;
  ca::operator_view::MetricHistory history_;
  const ca::CrlPublisher* crls_ = nullptr;
  std::atomic<bool> stopping_{false};
  std::unique_ptr<ca::operator_view::PeriodicSampler> sampler_;  // feeds history_
  std::unique_ptr<http::Server> server_;
};

}  // namespace signet::app
