#include "bench/profiles.h"

#include <gtest/gtest.h>

#include <set>

namespace signet::bench {
namespace {

using std::chrono::milliseconds;

BenchConfig With(std::string_view profile) {
  BenchConfig c;
  c.directory_url = "https://127.0.0.1:14000/directory";
  c.concurrency = 77;
  Status s = ApplyProfile(profile, c);
  EXPECT_TRUE(s.ok()) << profile;
  return c;
}

TEST(Profiles, EachBundlesItsClientBehaviour) {
  BenchConfig keepalive = With("keepalive");
  EXPECT_TRUE(keepalive.keep_alive);
  EXPECT_EQ(keepalive.challenge, ChallengeKind::kHttp01);
  EXPECT_FALSE(keepalive.caa);
  EXPECT_FALSE(keepalive.account_per_order);
  EXPECT_EQ(keepalive.poll_initial, BenchConfig{}.poll_initial);
  EXPECT_EQ(keepalive.profile, "keepalive");

  BenchConfig poll1s = With("keepalive-poll1s");
  EXPECT_TRUE(poll1s.keep_alive);
  EXPECT_EQ(poll1s.poll_initial, milliseconds(1000));
  EXPECT_EQ(poll1s.poll_max, milliseconds(1000));
  EXPECT_GE(poll1s.retry_after_max, milliseconds(10000));  // Retry-After honoured

  EXPECT_FALSE(With("per-request").keep_alive);

  BenchConfig dns = With("dns01");
  EXPECT_EQ(dns.challenge, ChallengeKind::kDns01);
  EXPECT_FALSE(dns.caa);
  BenchConfig caa = With("dns01-caa");
  EXPECT_EQ(caa.challenge, ChallengeKind::kDns01);
  EXPECT_TRUE(caa.caa);
  EXPECT_TRUE(caa.keep_alive);

  BenchConfig fresh = With("fresh-account");
  EXPECT_TRUE(fresh.account_per_order);
  EXPECT_EQ(fresh.challenge, ChallengeKind::kHttp01);
}

TEST(Profiles, LeaveTheRestOfTheWorkloadAlone) {
  BenchConfig c = With("per-request");
  EXPECT_EQ(c.directory_url, "https://127.0.0.1:14000/directory");
  EXPECT_EQ(c.concurrency, 77);
}

TEST(Profiles, AProfileSetsTheWholeBundleNotADelta) {
  // Applied over another profile's settings, a profile still means itself.
  BenchConfig c = With("dns01-caa");
  c.keep_alive = false;
  c.account_per_order = true;
  ASSERT_TRUE(ApplyProfile("keepalive", c).ok());
  EXPECT_TRUE(c.keep_alive);
  EXPECT_FALSE(c.account_per_order);
  EXPECT_EQ(c.challenge, ChallengeKind::kHttp01);
  EXPECT_FALSE(c.caa);
}

TEST(Profiles, UnknownNameIsMalformedAndListsTheKnownOnes) {
  BenchConfig c;
  Status s = ApplyProfile("lego", c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kMalformed);
  EXPECT_NE(s.error().detail.find("unknown profile 'lego'"), std::string::npos);
  EXPECT_NE(s.error().detail.find("dns01-caa"), std::string::npos);
  EXPECT_EQ(c.profile, "");
}

TEST(Profiles, NamesAreUnique) {
  std::set<std::string_view> names;
  for (const ProfileInfo& p : Profiles()) EXPECT_TRUE(names.insert(p.name).second) << p.name;
  EXPECT_EQ(names.size(), 6u);
}

}  // namespace
}  // namespace signet::bench
