// Rate-limit buckets and issued name sets in the SQLite store (migration
// 0009): the read-decide-write of UpdateRateLimitBuckets is one transaction,
// so concurrent spenders count exactly.
#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "storage/sqlite/store_test_fixture.h"

namespace signet::storage {
namespace {

using acme::ObjStatus;

class SqliteRateLimitsTest : public SqliteStoreFixture {
 protected:
  // The stored bucket of `key`, read through a no-op update.
  std::optional<RateLimitBucket> Read(const std::string& key) {
    std::optional<RateLimitBucket> out;
    Status s = store_->UpdateRateLimitBuckets({key}, [&](const RateLimitBuckets& b) {
      if (auto it = b.find(key); it != b.end()) out = it->second;
      return RateLimitBuckets{};
    });
    EXPECT_TRUE(s.ok());
    return out;
  }
  // Adds one to the bucket's tat_ns if it is below `cap`; true if it did.
  bool SpendOne(const std::string& key, int64_t cap) {
    bool spent = false;
    Status s = store_->UpdateRateLimitBuckets({key}, [&](const RateLimitBuckets& b) {
      int64_t tat = b.count(key) ? b.at(key).tat_ns : 0;
      if (tat >= cap) return RateLimitBuckets{};
      spent = true;
      return RateLimitBuckets{{key, {tat + 1, 7}}};
    });
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return spent && s.ok();
  }
  // Account acct1, its order order1 for `ids` and certificate 0a, valid 24 hours.
  void IssueFor(const std::vector<acme::Identifier>& ids) {
    acme::Account a;
    a.id = "acct1";
    a.thumbprint = "tp";
    a.jwk_json = "{}";
    a.created_at = acme::Clock::now();
    ASSERT_TRUE(store_->CreateAccount(a).ok());
    acme::Order o;
    o.id = "order1";
    o.account_id = "acct1";
    o.identifiers = ids;
    o.expires = o.created_at = acme::Clock::now();
    ASSERT_TRUE(store_->CreateOrder(o, {}).ok());
    acme::CertificateRecord c;
    c.serial = "0a";
    c.account_id = "acct1";
    c.order_id = "order1";
    c.der = "der";
    c.not_before = c.issued_at = acme::Clock::now();
    c.not_after = c.issued_at + std::chrono::hours(24);
    o.status = ObjStatus::kValid;
    ASSERT_TRUE(store_->FinishIssuance(c, o).ok());
  }
};

TEST_P(SqliteRateLimitsTest, BucketsAreWrittenReadBackAndDeleted) {
  EXPECT_FALSE(Read("new_orders_per_account:a1").has_value());
  ASSERT_TRUE(store_->UpdateRateLimitBuckets({"k1", "k2"}, [](const RateLimitBuckets& b) {
    EXPECT_TRUE(b.empty());
    return RateLimitBuckets{{"k1", {100, 10}}, {"k2", {200, 20}}};
  }).ok());
  Reopen();
  ASSERT_TRUE(Read("k1").has_value());
  EXPECT_EQ(Read("k1")->tat_ns, 100);
  EXPECT_EQ(Read("k2")->interval_ns, 20);
  ASSERT_TRUE(store_->UpdateRateLimitBuckets({"k1"}, [](const RateLimitBuckets& b) {
    EXPECT_EQ(b.size(), 1u);  // only the keys asked for
    return RateLimitBuckets{{"k1", {0, 0}}};  // tat 0: delete
  }).ok());
  EXPECT_FALSE(Read("k1").has_value());
  EXPECT_TRUE(Read("k2").has_value());
}

// 8 threads race to spend a bucket capped at 100, 400 attempts in all:
// exactly 100 succeed and the bucket holds exactly 100 (no lost update, no
// overshoot), as read-then-write in separate transactions would not ensure.
TEST_P(SqliteRateLimitsTest, ConcurrentSpendsCountExactly) {
  constexpr int kThreads = 8, kEach = 50, kCap = 100;
  std::atomic<int> spent{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i)
        if (SpendOne("bucket", kCap)) ++spent;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(spent.load(), kCap);
  ASSERT_TRUE(Read("bucket").has_value());
  EXPECT_EQ(Read("bucket")->tat_ns, kCap);
}

TEST_P(SqliteRateLimitsTest, PruneDeletesOnlyBucketsBeforeTheTime) {
  ASSERT_TRUE(store_->UpdateRateLimitBuckets({"old", "new"}, [](const RateLimitBuckets&) {
    return RateLimitBuckets{{"old", {100, 1}}, {"new", {300, 1}}};
  }).ok());
  auto pruned = store_->PruneRateLimitBuckets(200);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
  EXPECT_FALSE(Read("old").has_value());
  EXPECT_TRUE(Read("new").has_value());
}

TEST_P(SqliteRateLimitsTest, IssuedNameSetsMakeRenewalsPerAccountUntilExpiry) {
  IssueFor({{"dns", "www.example.com"}, {"dns", "Example.com"}});

  const std::string set = IdentifierSetKey({{"dns", "example.com"}, {"dns", "WWW.example.com"}});
  EXPECT_EQ(set, "example.com,www.example.com");
  auto now = acme::Clock::now();
  EXPECT_TRUE(*store_->HasCertificateForNames("acct1", set, now));
  EXPECT_FALSE(*store_->HasCertificateForNames("acct2", set, now));
  EXPECT_FALSE(*store_->HasCertificateForNames("acct1", "example.com", now));
  EXPECT_FALSE(*store_->HasCertificateForNames("acct1", set, now + std::chrono::hours(25)));
}

// A store at version 8 with issued certificates: migration 0009 records
// their name sets, so their renewals are recognised after the upgrade.
TEST_P(SqliteRateLimitsTest, MigrationRecordsTheNameSetsOfEarlierCertificates) {
  if (!sqlite()) GTEST_SKIP() << "postgres_store_test.cc has PostgreSQL's";
  IssueFor({{"dns", "b.example.com"}, {"dns", "a.example.com"}});
  // Back to version 8, as a store written before this version (and 0010-0015).
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "ca.db").string().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TABLE rate_limits; DROP TABLE rate_limit_overrides; "
                         "DROP TABLE issued_name_sets; DROP TABLE paused; DROP TABLE redeemed_nonces; DROP TABLE work_items; "
                         "DROP TABLE nonce_key; DROP TABLE published_crls; "
                         "ALTER TABLE serials DROP COLUMN precertificate_der; "
                         "PRAGMA user_version = 8;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  Reopen();
  EXPECT_TRUE(*store_->HasCertificateForNames("acct1", "a.example.com,b.example.com",
                                              acme::Clock::now()));
}

SIGNET_STORE_BACKENDS(SqliteRateLimitsTest);

}  // namespace
}  // namespace signet::storage
