#include "ca/operator_view/metric_history.h"

#include <gtest/gtest.h>

#include <atomic>

#include "ca/operator_view/plot.h"

namespace signet::ca::operator_view {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using Total = metrics::SignetdMetrics::Total;

const acme::TimePoint kT0 = acme::TimePoint(seconds(1796436000));

TEST(MetricHistory, CountersBecomeRatesPerMinuteGaugesStayValues) {
  MetricHistory h;
  h.Record(kT0, {{"issued_total", true, 10}, {"queue", false, 3}});
  h.Record(kT0 + seconds(30), {{"issued_total", true, 16}, {"queue", false, 5}});
  h.Record(kT0 + seconds(60), {{"issued_total", true, 16}, {"queue", false, 0}});
  auto all = h.AllSeries();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "issued_total");
  ASSERT_EQ(all[0].points.size(), 2u);            // the first sample has no rate
  EXPECT_DOUBLE_EQ(all[0].points[0].second, 12);  // 6 in 30 s
  EXPECT_DOUBLE_EQ(all[0].points[1].second, 0);
  EXPECT_EQ(all[0].points[0].first, kT0 + seconds(30));
  ASSERT_EQ(all[1].points.size(), 3u);
  EXPECT_DOUBLE_EQ(all[1].points[1].second, 5);
}

TEST(MetricHistory, LatestReadingIsTheLastPointButNotKept) {
  MetricHistory h;
  h.Record(kT0, {{"c_total", true, 1}});
  auto with = h.AllSeries(MetricHistory::Sample{kT0 + seconds(6), {{"c_total", true, 2}}});
  ASSERT_EQ(with[0].points.size(), 1u);
  EXPECT_DOUBLE_EQ(with[0].points[0].second, 10);  // 1 in 6 s
  EXPECT_TRUE(h.AllSeries()[0].points.empty());
}

TEST(MetricHistory, CounterFamilyThatAppearsLaterStartsFromZero) {
  MetricHistory h;
  h.Record(kT0, {{"other_total", true, 1}});
  h.Record(kT0 + seconds(60), {{"other_total", true, 1}, {"refusals_total", true, 3}});
  auto all = h.AllSeries();
  ASSERT_EQ(all.size(), 2u);
  ASSERT_EQ(all[1].name, "refusals_total");
  ASSERT_EQ(all[1].points.size(), 1u);
  EXPECT_DOUBLE_EQ(all[1].points[0].second, 3);
}

TEST(MetricHistory, DropsSamplesOutsideTheWindow) {
  MetricHistory h(minutes(60));
  for (int i = 0; i <= 70; ++i) h.Record(kT0 + minutes(i), {{"g", false, double(i)}});
  auto all = h.AllSeries();
  ASSERT_EQ(all.size(), 1u);
  ASSERT_EQ(all[0].points.size(), 61u);  // minutes 10..70
  EXPECT_DOUBLE_EQ(all[0].points.front().second, 10);
}

TEST(MetricHistory, CounterThatWentDownStartsAfresh) {
  MetricHistory h;
  h.Record(kT0, {{"c_total", true, 100}});
  h.Record(kT0 + seconds(60), {{"c_total", true, 5}});
  h.Record(kT0 + seconds(120), {{"c_total", true, 8}});
  auto all = h.AllSeries();
  ASSERT_EQ(all[0].points.size(), 1u);
  EXPECT_DOUBLE_EQ(all[0].points[0].second, 3);
}

TEST(RenderPlot, PointsSpanTheWindow) {
  Series s{"g", false, {{kT0 - minutes(60), 0}, {kT0 - minutes(30), 5}, {kT0, 10}}};
  std::string svg = RenderPlot(s, kT0, minutes(60));
  // x from 0 (an hour ago) to 240 (now); y from 56 (0) to 4 (the maximum).
  EXPECT_NE(svg.find("points=\"0.0,56.0 120.0,30.0 240.0,4.0\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("<b>10</b>"), std::string::npos) << svg;
}

TEST(RenderPlot, NoPointsSaysNoData) {
  std::string svg = RenderPlot({"c_total", true, {}}, kT0, minutes(60));
  EXPECT_NE(svg.find("no data yet"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("<polyline"), std::string::npos) << svg;
}

TEST(PeriodicSampler, TakesAtOnceAndStopsWhenDestroyed) {
  std::atomic<int> taken{0};
  {
    PeriodicSampler sampler(std::chrono::hours(1), [&] { ++taken; });
    for (int i = 0; i < 200 && taken == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }  // the destructor does not wait the hour
  EXPECT_EQ(taken, 1);
}

}  // namespace
}  // namespace signet::ca::operator_view
