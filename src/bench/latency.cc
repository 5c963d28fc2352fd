#include "bench/latency.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace signet::bench {
namespace {

constexpr int kSubBits = 7;                     // 128 exact values, then 64 per octave
constexpr uint64_t kHalf = 1u << (kSubBits - 1);  // 64
constexpr size_t kBuckets = (64 - kSubBits + 2) * kHalf;

// Low bits dropped for `value`: 0 below 128, else bit_width - 7.
int Shift(uint64_t value) {
  int width = std::bit_width(value);
  return width > kSubBits ? width - kSubBits : 0;
}

}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(kBuckets, 0) {}

size_t LatencyHistogram::BucketIndex(uint64_t value_us) {
  int shift = Shift(value_us);
  return size_t(shift) * kHalf + size_t(value_us >> shift);
}

uint64_t LatencyHistogram::BucketUpperBound(size_t index) {
  if (index < 2 * kHalf) return index;
  uint64_t shift = index / kHalf - 1;
  uint64_t sub = index - shift * kHalf;
  return ((sub + 1) << shift) - 1;
}

void LatencyHistogram::Record(std::chrono::microseconds sample) {
  int64_t us = std::max<int64_t>(0, sample.count());
  ++counts_[BucketIndex(uint64_t(us))];
  min_us_ = count_ == 0 ? us : std::min(min_us_, us);
  max_us_ = std::max(max_us_, us);
  sum_us_ += us;
  ++count_;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  min_us_ = count_ == 0 ? other.min_us_ : std::min(min_us_, other.min_us_);
  max_us_ = std::max(max_us_, other.max_us_);
  sum_us_ += other.sum_us_;
  count_ += other.count_;
}

int64_t LatencyHistogram::PercentileUs(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  uint64_t rank = std::max<uint64_t>(1, uint64_t(std::ceil(q * double(count_))));
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min<int64_t>(int64_t(BucketUpperBound(i)), max_us_);
  }
  return max_us_;
}

LatencySummary Summarize(const LatencyHistogram& h) {
  auto ms = [](int64_t us) { return double(us) / 1000.0; };
  LatencySummary s;
  s.count = h.count();
  s.mean_ms = h.mean_us() / 1000.0;
  s.p50_ms = ms(h.PercentileUs(0.50));
  s.p95_ms = ms(h.PercentileUs(0.95));
  s.p99_ms = ms(h.PercentileUs(0.99));
  s.max_ms = ms(h.max_us());
  return s;
}

}  // namespace signet::bench
