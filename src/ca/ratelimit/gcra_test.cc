// The GCRA's arithmetic: bursts, the steady rate, retry_after, the reset
// time, rescaling on a changed limit, forced spends and refunds.
#include "ca/ratelimit/gcra.h"

#include <gtest/gtest.h>

namespace signet::ca::ratelimit {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const Nanos kNow = hours(24 * 365 * 50);  // any instant
const Limit kTenPer3h{10, hours(3)};       // one each 18 minutes

TEST(Gcra, AFullBucketAllowsTheWholeBurstThenRefuses) {
  std::optional<BucketState> b;
  for (int i = 0; i < 10; ++i) {
    Decision d = Decide(kTenPer3h, b, kNow, 1);
    ASSERT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, 9 - i);
    EXPECT_EQ(d.retry_after, Nanos(0));
    EXPECT_EQ(d.reset_at, kNow + minutes(18) * (i + 1));
    b = d.next;
  }
  Decision refused = Decide(kTenPer3h, b, kNow, 1);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.retry_after, minutes(18));  // one emission interval
  EXPECT_EQ(refused.reset_at, kNow + hours(3));  // full again after the period
  EXPECT_EQ(refused.next.tat, b->tat);           // a refusal spends nothing
}

TEST(Gcra, TheSteadyRateIsOneEachIntervalAndRetryAfterShrinks) {
  std::optional<BucketState> b;
  for (int i = 0; i < 10; ++i) b = Decide(kTenPer3h, b, kNow, 1).next;
  Decision early = Decide(kTenPer3h, b, kNow + minutes(10), 1);
  EXPECT_FALSE(early.allowed);
  EXPECT_EQ(early.retry_after, minutes(8));
  Decision on_time = Decide(kTenPer3h, b, kNow + minutes(18), 1);
  ASSERT_TRUE(on_time.allowed);
  EXPECT_EQ(on_time.remaining, 0);
  // At the steady rate every request passes, and the next one waits.
  b = on_time.next;
  for (int i = 2; i < 6; ++i) {
    Decision d = Decide(kTenPer3h, b, kNow + minutes(18) * i, 1);
    ASSERT_TRUE(d.allowed) << i;
    b = d.next;
    EXPECT_FALSE(Decide(kTenPer3h, b, kNow + minutes(18) * i + minutes(1), 1).allowed);
  }
}

TEST(Gcra, AnIdleBucketRefillsToFullAndNoFurther) {
  std::optional<BucketState> b = Decide(kTenPer3h, std::nullopt, kNow, 10).next;
  EXPECT_FALSE(Decide(kTenPer3h, b, kNow, 1).allowed);
  Decision later = Decide(kTenPer3h, b, kNow + hours(30), 1);
  ASSERT_TRUE(later.allowed);
  EXPECT_EQ(later.remaining, 9);  // full (10), not 100: idle time does not bank
}

TEST(Gcra, CostsAboveOneAndAboveTheCount) {
  Decision three = Decide(kTenPer3h, std::nullopt, kNow, 3);
  ASSERT_TRUE(three.allowed);
  EXPECT_EQ(three.remaining, 7);
  Decision eight = Decide(kTenPer3h, three.next, kNow, 8);
  EXPECT_FALSE(eight.allowed);
  EXPECT_EQ(eight.remaining, 7);
  EXPECT_EQ(eight.retry_after, minutes(18));
  Decision eleven = Decide(kTenPer3h, std::nullopt, kNow, 11);
  EXPECT_FALSE(eleven.allowed);
  EXPECT_EQ(eleven.retry_after, hours(3));
}

// A changed limit keeps what was used: 1 of 1 used is 1 of 2 used after the
// count is raised to 2 (so one more passes), not "full for 7 days".
TEST(Gcra, ARaisedLimitRescalesWhatWasUsed) {
  const Limit one{1, hours(24 * 7)}, two{2, hours(24 * 7)};
  std::optional<BucketState> b = Decide(one, std::nullopt, kNow, 1).next;
  EXPECT_FALSE(Decide(one, b, kNow + hours(1), 1).allowed);
  Decision raised = Decide(two, b, kNow + hours(1), 1);
  ASSERT_TRUE(raised.allowed);
  EXPECT_EQ(raised.remaining, 0);
  EXPECT_FALSE(Decide(two, raised.next, kNow + hours(1), 1).allowed);
}

TEST(Gcra, ForceSpendGoesPastTheLimitAndRefundGivesBack) {
  std::optional<BucketState> b = Decide(kTenPer3h, std::nullopt, kNow, 10).next;
  BucketState over = ForceSpend(kTenPer3h, b, kNow, 2);
  EXPECT_EQ(over.tat, kNow + hours(3) + minutes(36));
  Decision d = Decide(kTenPer3h, over, kNow, 1);
  EXPECT_EQ(d.retry_after, minutes(54));  // the two extra, then one interval
  std::optional<BucketState> back = Refund(kTenPer3h, over, kNow, 3);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->tat, kNow + hours(3) - minutes(18));
  EXPECT_TRUE(Decide(kTenPer3h, back, kNow, 1).allowed);
  EXPECT_FALSE(Refund(kTenPer3h, back, kNow, 100).has_value());  // never beyond full
}

}  // namespace
}  // namespace signet::ca::ratelimit
