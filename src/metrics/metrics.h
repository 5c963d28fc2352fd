// signetd's metrics: the families it exports and the one place that renders
// them in the Prometheus text exposition format 0.0.4. The registry, the
// families and their atomic counters are prometheus-cpp's (core only, no
// HTTP exposer: signetd serves /metrics on its own operator listener).
//
// Thread-safe: every method may be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace signet::metrics {

// The text exposition (format 0.0.4) of everything in `registry`.
std::string RenderText(const prometheus::Registry& registry);

// The WFE route of an ACME request path, for the `endpoint` label: the path
// itself for fixed resources, the prefix for per-object ones
// ("/acme/order/abc" -> "/acme/order/"), "other" for anything unknown, so a
// client cannot grow the label set with made-up paths.
std::string_view RouteOf(std::string_view path);

class SignetdMetrics {
 public:
  explicit SignetdMetrics(std::string version);

  // One ACME request answered: its route (RouteOf), status code and latency.
  void ObserveRequest(std::string_view path, int status, double seconds);
  // One challenge validation finished: "http-01"..., "valid" or "invalid".
  void ObserveValidation(const std::string& challenge_type, const std::string& outcome);
  void CountIssued();
  void CountRevoked();
  // A request refused by the named rate limit.
  void CountRateLimited(const std::string& limit);
  // One submission to a CT log (its description from the log list), kind
  // "precert" (add-pre-chain) or "final" (add-chain): its latency, and a
  // failure when no verified SCT came back (error, bad SCT, too late).
  void ObserveCtSubmission(const std::string& log, const std::string& kind, bool ok,
                           double seconds);

  // Gauges read at scrape time (e.g. the server's open connections).
  void SetOpenConnections(std::function<double()> read);
  void SetValidationQueueDepth(std::function<double()> read);

  // Every metric, as /metrics serves it.
  std::string Render();

  // Each counter and gauge family summed over its labels (a histogram as its
  // observation count), in registration order: what the operator's view
  // samples for its plots. `counter` is false for gauges.
  struct Total {
    std::string name;
    bool counter = true;
    double value = 0;
  };
  std::vector<Total> Totals();

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Family<prometheus::Counter>& validations_;
  prometheus::Counter& issued_;
  prometheus::Counter& revoked_;
  prometheus::Family<prometheus::Counter>& rate_limited_;
  prometheus::Family<prometheus::Histogram>& ct_latency_;
  prometheus::Family<prometheus::Counter>& ct_failures_;
  prometheus::Gauge& open_connections_;
  prometheus::Gauge& queue_depth_;
  // Sets the gauges read at scrape time.
  void ReadGauges();

  std::mutex read_mu_;
  std::function<double()> read_open_connections_;  // GUARDED_BY(read_mu_)
  std::function<double()> read_queue_depth_;       // GUARDED_BY(read_mu_)
};

}  // namespace signet::metrics
