// Latency recording for the load generator (signet-bench): a log-linear
// histogram of microsecond samples in HdrHistogram's layout. Values below 128
// us are kept exactly; above, each power of two is split into 64 buckets, so
// a reported percentile is within 1/64 (1.6%) of the true sample, never
// below it. Memory is fixed (a few KB) however long the run.
//
// Not thread-safe: one recorder per thread, Merge() to combine.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace signet::bench {

class LatencyHistogram {
 public:
  LatencyHistogram();

  // Records one sample; negative durations count as 0.
  void Record(std::chrono::microseconds sample);
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  int64_t min_us() const { return count_ ? min_us_ : 0; }
  int64_t max_us() const { return max_us_; }
  double mean_us() const { return count_ ? double(sum_us_) / double(count_) : 0.0; }

  // The value at quantile q (0 < q <= 1): the upper bound of the bucket that
  // holds the ceil(q * count)-th smallest sample, clipped to max_us(). 0 when
  // empty.
  int64_t PercentileUs(double q) const;

  // Bucket arithmetic, exposed for tests.
  static size_t BucketIndex(uint64_t value_us);
  static uint64_t BucketUpperBound(size_t index);

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  int64_t min_us_ = 0;
  int64_t max_us_ = 0;
  int64_t sum_us_ = 0;
};

// A histogram reduced to what reports show, in milliseconds.
struct LatencySummary {
  uint64_t count = 0;
  double mean_ms = 0;
  double p50_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

LatencySummary Summarize(const LatencyHistogram& histogram);

}  // namespace signet::bench
