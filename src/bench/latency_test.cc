#include "bench/latency.h"

#include <gtest/gtest.h>

namespace signet::bench {
namespace {

using std::chrono::microseconds;

TEST(LatencyHistogram, EmptyIsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.PercentileUs(0.99), 0);
  EXPECT_EQ(h.max_us(), 0);
  EXPECT_EQ(Summarize(h).p50_ms, 0.0);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (int i = 1; i <= 100; ++i) h.Record(microseconds(i));
  EXPECT_EQ(h.PercentileUs(0.50), 50);
  EXPECT_EQ(h.PercentileUs(0.95), 95);
  EXPECT_EQ(h.PercentileUs(0.99), 99);
  EXPECT_EQ(h.PercentileUs(1.0), 100);
  EXPECT_EQ(h.min_us(), 1);
  EXPECT_DOUBLE_EQ(h.mean_us(), 50.5);
}

TEST(LatencyHistogram, BucketsAreContiguousAndTight) {
  size_t prev = 0;
  for (uint64_t v = 0; v < (1u << 20); v += 7) {
    size_t i = LatencyHistogram::BucketIndex(v);
    EXPECT_GE(i, prev);
    prev = i;
    uint64_t upper = LatencyHistogram::BucketUpperBound(i);
    ASSERT_GE(upper, v);
    EXPECT_LE(double(upper - v), double(v) / 64.0 + 1.0) << v;
  }
  // The largest values still have a bucket.
  EXPECT_GE(LatencyHistogram::BucketUpperBound(LatencyHistogram::BucketIndex(~0ull)), ~0ull - 1);
}

TEST(LatencyHistogram, PercentilesOfLargeValuesWithinPrecision) {
  LatencyHistogram h;
  // 990 fast requests (2 ms) and 10 slow ones (250 ms): p99 is fast, max slow.
  for (int i = 0; i < 990; ++i) h.Record(microseconds(2000));
  for (int i = 0; i < 10; ++i) h.Record(microseconds(250000));
  EXPECT_NEAR(double(h.PercentileUs(0.99)), 2000, 2000 / 64.0);
  EXPECT_NEAR(double(h.PercentileUs(0.995)), 250000, 250000 / 64.0);
  EXPECT_EQ(h.max_us(), 250000);
  LatencySummary s = Summarize(h);
  EXPECT_NEAR(s.p50_ms, 2.0, 0.05);
  EXPECT_DOUBLE_EQ(s.max_ms, 250.0);
}

TEST(LatencyHistogram, PercentileNeverExceedsMax) {
  LatencyHistogram h;
  h.Record(microseconds(1000001));
  EXPECT_EQ(h.PercentileUs(0.5), 1000001);
}

TEST(LatencyHistogram, MergeAddsCounts) {
  LatencyHistogram a, b;
  a.Record(microseconds(10));
  b.Record(microseconds(30));
  b.Record(microseconds(-5));  // clock skew: counts as 0
  a.Merge(b);
  EXPECT_EQ(a.count(), 3u);
  EXPECT_EQ(a.min_us(), 0);
  EXPECT_EQ(a.max_us(), 30);
  EXPECT_EQ(a.PercentileUs(0.5), 10);
}

}  // namespace
}  // namespace signet::bench
