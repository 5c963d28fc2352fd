#include "client/agent/renewal_policy.h"

#include <gtest/gtest.h>

namespace signet::client {
namespace {

using std::chrono::hours;

TEST(RenewalPolicy, ParsesCertbotIntervals) {
  EXPECT_EQ(ParseInterval("30 days"), std::chrono::seconds(30 * 86400));
  EXPECT_EQ(ParseInterval("2 weeks"), std::chrono::seconds(14 * 86400));
  EXPECT_EQ(ParseInterval("1 day 6 hours"), std::chrono::seconds(86400 + 6 * 3600));
  EXPECT_FALSE(ParseInterval("soon").has_value());
  EXPECT_FALSE(ParseInterval("").has_value());
}

TEST(RenewalPolicy, AThirdOfTheLifetimeByDefault) {
  TimePoint nb{};
  TimePoint na = nb + hours(90 * 24);
  EXPECT_FALSE(IsDue(nb, na, "", nb + hours(59 * 24)));
  EXPECT_TRUE(IsDue(nb, na, "", nb + hours(61 * 24)));
}

TEST(RenewalPolicy, TheConfWins) {
  TimePoint nb{};
  TimePoint na = nb + hours(90 * 24);
  EXPECT_FALSE(IsDue(nb, na, "10 days", nb + hours(70 * 24)));
  EXPECT_TRUE(IsDue(nb, na, "10 days", nb + hours(81 * 24)));
  EXPECT_TRUE(IsDue(nb, na, "100 days", nb));
}

}  // namespace
}  // namespace signet::client
