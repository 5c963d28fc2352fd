#include "client/acme/polling.h"

#include <gtest/gtest.h>

namespace signet::client {
namespace {

using std::chrono::milliseconds;

TEST(PollingTest, BackoffStartsShortAndGrowsToTheCap) {
  PollPolicy p;
  EXPECT_EQ(BackoffDelay(p, 0), milliseconds(50));
  EXPECT_EQ(BackoffDelay(p, 1), milliseconds(75));
  EXPECT_EQ(BackoffDelay(p, 2), milliseconds(112));
  milliseconds total(0);
  for (int i = 0; i < 5; ++i) total += BackoffDelay(p, i);
  EXPECT_LT(total, milliseconds(700));  // five polls within the first 0.7 s
  EXPECT_EQ(BackoffDelay(p, 40), milliseconds(2000));
  EXPECT_EQ(BackoffDelay(p, 100000), milliseconds(2000));
}

TEST(PollingTest, ParsesRetryAfter) {
  auto now = std::chrono::system_clock::from_time_t(1445412480);  // 2015-10-21 07:28:00 UTC
  EXPECT_EQ(ParseRetryAfter("120", now), milliseconds(120000));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), milliseconds(0));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now), milliseconds(30000));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now), milliseconds(0));
  for (const char* bad : {"", "soon", "-1", "1.5", "99999999999", "Wed, 21 Oct 2015 07:28:30"})
    EXPECT_FALSE(ParseRetryAfter(bad, now)) << bad;
}

TEST(PollingTest, RetryAfterWinsButNeverPastTheDeadline) {
  PollPolicy p;
  EXPECT_EQ(NextPollDelay(p, 0, std::nullopt, milliseconds(10000)), milliseconds(50));
  EXPECT_EQ(NextPollDelay(p, 0, milliseconds(3000), milliseconds(10000)), milliseconds(3000));
  EXPECT_EQ(NextPollDelay(p, 0, milliseconds(3000), milliseconds(400)), milliseconds(400));
  EXPECT_EQ(NextPollDelay(p, 9, std::nullopt, milliseconds(10)), milliseconds(10));
  EXPECT_EQ(NextPollDelay(p, 0, std::chrono::hours(5), std::chrono::hours(9)), p.max_retry_after);
}

}  // namespace
}  // namespace signet::client
