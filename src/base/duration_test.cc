#include "base/duration.h"

#include <gtest/gtest.h>

namespace signet {
namespace {

TEST(Duration, ParsesUnitsAndBareSeconds) {
  EXPECT_EQ(*ParseDuration("3h"), std::chrono::hours(3));
  EXPECT_EQ(*ParseDuration("7d"), std::chrono::hours(168));
  EXPECT_EQ(*ParseDuration("30m"), std::chrono::minutes(30));
  EXPECT_EQ(*ParseDuration("45s"), std::chrono::seconds(45));
  EXPECT_EQ(*ParseDuration("90"), std::chrono::seconds(90));
}

TEST(Duration, RefusesMalformedNamingTheText) {
  for (const char* bad : {"", "h", "3x", "-3h", "1.5h", "3 h", "9999999999s"}) {
    auto r = ParseDuration(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
    EXPECT_NE(r.error().detail.find("bad duration"), std::string::npos);
  }
}

TEST(Duration, FormatsAsGoDoes) {
  EXPECT_EQ(FormatDuration(std::chrono::hours(3)), "3h0m0s");
  EXPECT_EQ(FormatDuration(std::chrono::hours(168)), "168h0m0s");
  EXPECT_EQ(FormatDuration(std::chrono::seconds(90)), "1m30s");
  EXPECT_EQ(FormatDuration(std::chrono::seconds(45)), "45s");
  EXPECT_EQ(FormatDuration(std::chrono::seconds(0)), "0s");
}

}  // namespace
}  // namespace signet
