// The metrics over the last hour, for the operator view's plots: a sample
// of every family's total (metrics::SignetdMetrics::Totals) every interval,
// the oldest dropping out past the window; and the thread that takes them.
//
// Thread-safe: Record and Series may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "acme/objects.h"
#include "metrics/metrics.h"

namespace signet::ca::operator_view {

// One plot: a gauge's values, or a counter's increase per minute between
// consecutive samples (at the later sample's time).
struct Series {
  std::string name;
  bool counter = true;
  std::vector<std::pair<acme::TimePoint, double>> points;  // oldest first
};

class MetricHistory {
 public:
  explicit MetricHistory(std::chrono::seconds window = std::chrono::hours(1)) : window_(window) {}

  // One sample taken at `at`; samples older than the window before `at` drop.
  void Record(acme::TimePoint at, std::vector<metrics::SignetdMetrics::Total> totals);
  struct Sample {
    acme::TimePoint at;
    std::vector<metrics::SignetdMetrics::Total> totals;
  };
  // A series per family, in the order of the latest sample, with `latest`
  // (a reading taken now, not kept) as the last one when given. A counter
  // needs two samples for a point; one that went down (a restart) starts
  // afresh; one missing from earlier samples counted 0 in them.
  std::vector<Series> AllSeries(std::optional<Sample> latest = std::nullopt) const;

 private:
  const std::chrono::seconds window_;
  mutable std::mutex mu_;
  std::deque<Sample> samples_;  // GUARDED_BY(mu_), oldest first
};

// Calls `take` at once and then every `interval` on a thread of its own,
// until destroyed.
class PeriodicSampler {
 public:
  PeriodicSampler(std::chrono::milliseconds interval, std::function<void()> take);
  ~PeriodicSampler();
  PeriodicSampler(const PeriodicSampler&) = delete;
  PeriodicSampler& operator=(const PeriodicSampler&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace signet::ca::operator_view
