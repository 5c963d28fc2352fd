// RateLimiter over the SQLite store: refusals name the limit and when to
// retry, batches are all or nothing, overrides apply per key, concurrent
// spends count exactly, refunds and reloads.
#include "ca/ratelimit/rate_limiter.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "ca/ratelimit/store_overrides.h"
#include "storage/sqlite/store_test_fixture.h"

namespace signet::ca::ratelimit {
namespace {

using std::chrono::hours;

// 2026-12-05T00:00:00Z
const Nanos kNow = std::chrono::seconds(1796428800);

class RateLimiterTest : public storage::SqliteStoreFixture {
 protected:
  void SetUp() override {
    SqliteStoreFixture::SetUp();
    Limits l = Limits::LetsEncryptDefaults();
    l.Set(LimitName::kNewOrdersPerAccount, {3, hours(3)});
    l.Set(LimitName::kCertificatesPerExactSet, {1, hours(24 * 7)});
    ASSERT_TRUE(l.AddOverride(LimitName::kNewOrdersPerAccount, "big", {100, hours(3)}).ok());
    limiter_ = std::make_unique<RateLimiter>(*store_, l, [this] { return now_; });
  }
  Nanos now_ = kNow;
  std::unique_ptr<RateLimiter> limiter_;
};

TEST_P(RateLimiterTest, ARefusalNamesTheLimitTheSubjectAndWhenToRetry) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter_->Spend({NewOrder("acct1")}).ok());
  Status s = limiter_->Spend({NewOrder("acct1")});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kRateLimited);
  EXPECT_EQ(s.error().retry_after_seconds, 3600);  // 3 per 3h: one each hour
  EXPECT_EQ(s.error().detail,
            "too many new orders (3 per 3h0m0s) for account acct1: retry after "
            "2026-12-05T01:00:00Z (limit new_orders_per_account)");
  now_ += hours(1);
  EXPECT_TRUE(limiter_->Spend({NewOrder("acct1")}).ok());
}

// The operator's metrics hear of each refusal with the refusing limit, and
// of nothing else.
TEST_P(RateLimiterTest, TheRefusalObserverHearsTheRefusingLimit) {
  std::vector<LimitName> heard;
  limiter_->SetRefusalObserver([&](LimitName l) { heard.push_back(l); });
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter_->Spend({NewOrder("acct1")}).ok());
  EXPECT_TRUE(heard.empty());
  ASSERT_FALSE(limiter_->Spend({NewOrder("acct1")}).ok());
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(NameOf(heard[0]), "new_orders_per_account");
}

// Buckets full again are deleted (a spend prunes every kPruneEvery), those
// in use are kept.
TEST_P(RateLimiterTest, FullBucketsArePruned) {
  ASSERT_TRUE(limiter_->Spend({NewOrder("acct1")}).ok());
  now_ += hours(2);
  ASSERT_TRUE(limiter_->Spend({NewOrder("acct2")}).ok());  // acct1's bucket is full again
  std::vector<std::string> left;
  ASSERT_TRUE(store_->UpdateRateLimitBuckets(
      {"new_orders_per_account:acct1", "new_orders_per_account:acct2"},
      [&](const storage::RateLimitBuckets& b) {
        for (const auto& [k, v] : b) left.push_back(k);
        return storage::RateLimitBuckets{};
      }).ok());
  EXPECT_EQ(left, std::vector<std::string>{"new_orders_per_account:acct2"});
}

TEST_P(RateLimiterTest, OverridesApplyToTheirKeyOnly) {
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(limiter_->Spend({NewOrder("big")}).ok()) << i;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter_->Spend({NewOrder("small")}).ok());
  EXPECT_FALSE(limiter_->Spend({NewOrder("small")}).ok());
}

// When a later limit of a batch refuses, the earlier ones are not spent.
TEST_P(RateLimiterTest, ABatchIsAllOrNothing) {
  const std::vector<acme::Identifier> ids = {{"dns", "example.com"}};
  ASSERT_TRUE(limiter_->SpendRegardless({CertificatesPerExactSet(ids)}).ok());
  Transaction set = CertificatesPerExactSet(ids);
  set.check_only = true;
  Status s = limiter_->Spend({NewOrder("acct1"), set});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().detail.find("certificates_per_exact_set"), std::string::npos);
  EXPECT_NE(s.error().detail.find("[example.com]"), std::string::npos);
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(limiter_->Spend({NewOrder("acct1")}).ok()) << "the refused batch spent an order";
}

TEST_P(RateLimiterTest, RefundGivesBackAndReloadRescales) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter_->Spend({NewOrder("acct1")}).ok());
  ASSERT_TRUE(limiter_->Refund({NewOrder("acct1")}).ok());
  EXPECT_TRUE(limiter_->Spend({NewOrder("acct1")}).ok());
  EXPECT_FALSE(limiter_->Spend({NewOrder("acct1")}).ok());
  Limits raised = *limiter_->limits();
  raised.Set(LimitName::kNewOrdersPerAccount, {4, hours(3)});
  limiter_->Reload(raised);
  EXPECT_TRUE(limiter_->Spend({NewOrder("acct1")}).ok());  // 3 of 4 used
  EXPECT_FALSE(limiter_->Spend({NewOrder("acct1")}).ok());
}

// 8 threads, 25 attempts each, on a limit of 3 (and 100 for "big"): exactly
// that many pass.
TEST_P(RateLimiterTest, ConcurrentSpendsPassExactlyTheLimit) {
  for (const auto& [account, want] : {std::pair<std::string, int>{"acct1", 3}, {"big", 100}}) {
    std::atomic<int> passed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&, account = account] {
        for (int i = 0; i < 25; ++i)
          if (limiter_->Spend({NewOrder(account)}).ok()) ++passed;
      });
    for (auto& t : threads) t.join();
    EXPECT_EQ(passed.load(), want) << account;
  }
}

// The operator's overrides in the store win over the file's for the same
// key, reach a running limiter within kOverridesRefresh, and go on removal.
TEST_P(RateLimiterTest, StoredOverridesWinAndArriveWithinTheRefresh) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter_->Spend({NewOrder("acct1")}).ok());
  EXPECT_FALSE(limiter_->Spend({NewOrder("acct1")}).ok());
  ASSERT_TRUE(AddStoredOverride(*store_, "new_orders_per_account", "acct1", 6, "3h").ok());
  ASSERT_TRUE(AddStoredOverride(*store_, "new_orders_per_account", "big", 1, "3h").ok());
  EXPECT_FALSE(limiter_->Spend({NewOrder("acct1")}).ok());  // not yet read
  now_ += RateLimiter::kOverridesRefresh;
  EXPECT_TRUE(limiter_->Spend({NewOrder("acct1")}).ok());  // 3 of 6 used
  EXPECT_EQ(limiter_->limits()->For(LimitName::kNewOrdersPerAccount, "big"),
            (Limit{1, hours(3)}));  // over the file's 100
  ASSERT_TRUE(RemoveStoredOverride(*store_, "new_orders_per_account", "big").ok());
  now_ += RateLimiter::kOverridesRefresh;
  EXPECT_EQ(limiter_->limits()->For(LimitName::kNewOrdersPerAccount, "big"),
            (Limit{100, hours(3)}));
}

TEST_P(RateLimiterTest, StoredOverridesAreChecked) {
  auto code = [&](const std::string& limit, const std::string& key, int64_t count,
                  const std::string& period) {
    Status s = AddStoredOverride(*store_, limit, key, count, period);
    return s.ok() ? "OK" : s.error().detail;
  };
  EXPECT_EQ(code("new_orders", "a", 1, "1h"), "unknown limit \"new_orders\"");
  EXPECT_EQ(code("new_orders_per_account", "", 1, "1h"), "the override needs a key");
  EXPECT_EQ(code("new_orders_per_account", "a", 0, "1h"), "count must be a positive integer");
  EXPECT_EQ(code("new_orders_per_account", "a", 1, "1 h"), "bad duration \"1 h\"");
  EXPECT_EQ(code("new_orders_per_account", "a", 1, "0"), "period must be positive");
  EXPECT_TRUE(store_->ListRateLimitOverrides()->empty()) << "a refused override was written";
  Status missing = RemoveStoredOverride(*store_, "new_orders_per_account", "a");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().detail, "no override of new_orders_per_account for key \"a\"");
}

TEST(RateLimitKeys, BucketsAndOverrideKeys) {
  EXPECT_EQ(RegisteredDomain("www.example.co.uk"), "example.co.uk");
  EXPECT_EQ(RegisteredDomain("*.a.example.com"), "example.com");
  EXPECT_EQ(RegisteredDomain("example.com"), "example.com");
  auto domains = CertificatesPerDomain(
      {{"dns", "a.example.com"}, {"dns", "*.b.example.com"}, {"dns", "x.example.org"},
       {"ip", "192.0.2.1"}});
  ASSERT_EQ(domains.size(), 3u);
  EXPECT_EQ(domains[0].override_key, "192.0.2.1");
  EXPECT_EQ(domains[1].StoreKey(), "certificates_per_domain:example.com");
  EXPECT_EQ(domains[2].override_key, "example.org");
  auto range = NewRegistrationFromIpv6Range("2001:db8:1:2::5");
  ASSERT_TRUE(range.has_value());
  EXPECT_EQ(range->override_key, "2001:db8:1::/48");
  EXPECT_FALSE(NewRegistrationFromIpv6Range("192.0.2.1").has_value());
  Transaction set = CertificatesPerExactSet({{"dns", "B.example.com"}, {"dns", "a.example.com"}});
  EXPECT_EQ(set.override_key, "a.example.com,b.example.com");
  EXPECT_EQ(set.bucket.size(), 64u);  // SHA-256 hex: bounded store keys
  Transaction failed = FailedAuthorization("acct1", {"dns", "example.com"});
  EXPECT_EQ(failed.override_key, "acct1");
  EXPECT_EQ(failed.bucket, "acct1:dns:example.com");
}

SIGNET_STORE_BACKENDS(RateLimiterTest);

}  // namespace
}  // namespace signet::ca::ratelimit
