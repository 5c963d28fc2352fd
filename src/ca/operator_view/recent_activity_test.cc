#include "ca/operator_view/recent_activity.h"

#include <gtest/gtest.h>

namespace signet::ca::operator_view {
namespace {

TEST(RecentActivity, KeepsTheLatestNewestFirst) {
  RecentActivity recent(3);
  for (int i = 0; i < 5; ++i) {
    recent.AddRefusal({acme::TimePoint(std::chrono::seconds(i)), "limit" + std::to_string(i)});
    IssuanceEvent issued;
    issued.serial = "serial" + std::to_string(i);
    recent.AddIssuance(issued);
  }
  Activity a = recent.Snapshot();
  ASSERT_EQ(a.refusals.size(), 3u);
  EXPECT_EQ(a.refusals[0].limit, "limit4");
  EXPECT_EQ(a.refusals[2].limit, "limit2");
  ASSERT_EQ(a.issuances.size(), 3u);
  EXPECT_EQ(a.issuances[0].serial, "serial4");
  EXPECT_TRUE(a.validations.empty());
}

}  // namespace
}  // namespace signet::ca::operator_view
