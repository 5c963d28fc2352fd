// Work in flight (migration 0013), on every backend: leases, their expiry
// and renewal, claims racing on the same items, and the issuance that only
// one finisher records.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "storage/sqlite/store_test_fixture.h"

namespace signet::storage {
namespace {

using acme::ObjStatus;
using std::chrono::milliseconds;

class WorkItemsTest : public SqliteStoreFixture {};

// Instance A starts an item and "dies" (stops renewing): B claims nothing
// while A's lease runs, then claims it once it has run out; A, late, can
// neither renew it nor remove it; B finishes it.
TEST_P(WorkItemsTest, AnExpiredLeaseIsClaimedByAnotherInstance) {
  ASSERT_TRUE(store_->AddWorkItem(kIssuanceWork, "order1", "A", milliseconds(300)).ok());
  auto early = store_->ClaimWorkItems("B", milliseconds(10000), 10, WorkClaim::kExpired);
  ASSERT_TRUE(early.ok()) << early.error().ToString();
  EXPECT_TRUE(early->empty()) << "claimed while A's lease ran";
  std::this_thread::sleep_for(milliseconds(400));
  auto claimed = store_->ClaimWorkItems("B", milliseconds(10000), 10, WorkClaim::kExpired);
  ASSERT_TRUE(claimed.ok()) << claimed.error().ToString();
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].kind, kIssuanceWork);
  EXPECT_EQ((*claimed)[0].object_id, "order1");
  EXPECT_EQ((*claimed)[0].attempts, 2);
  auto renewed = store_->RenewWorkItem(kIssuanceWork, "order1", "A", milliseconds(10000));
  ASSERT_TRUE(renewed.ok());
  EXPECT_FALSE(*renewed) << "A renewed a lease B holds";
  ASSERT_TRUE(store_->FinishWorkItem(kIssuanceWork, "order1", "A").ok());
  EXPECT_TRUE(*store_->RenewWorkItem(kIssuanceWork, "order1", "B", milliseconds(10000)))
      << "A's late finish removed B's item";
  ASSERT_TRUE(store_->FinishWorkItem(kIssuanceWork, "order1", "B").ok());
  EXPECT_FALSE(*store_->RenewWorkItem(kIssuanceWork, "order1", "B", milliseconds(10000)));
}

// A renewed lease is not claimed; a released one is at once; kAll (a
// single instance's restart) takes leases that have not run out.
TEST_P(WorkItemsTest, RenewalKeepsReleaseAndClaimAllHandOver) {
  ASSERT_TRUE(store_->AddWorkItem(kValidationWork, "az/ch", "A", milliseconds(300)).ok());
  ASSERT_TRUE(store_->EnsureWorkItem(kValidationWork, "az/ch").ok());  // recorded: unchanged
  std::this_thread::sleep_for(milliseconds(150));
  auto n = store_->RenewWorkItems("A", milliseconds(10000));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  std::this_thread::sleep_for(milliseconds(250));
  EXPECT_TRUE(store_->ClaimWorkItems("B", milliseconds(1000), 10, WorkClaim::kExpired)->empty());
  auto all = store_->ClaimWorkItems("A2", milliseconds(1000), 10, WorkClaim::kAll);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);
  ASSERT_TRUE(store_->ReleaseWorkItems("A2").ok());
  EXPECT_EQ(store_->ClaimWorkItems("B", milliseconds(1000), 10, WorkClaim::kExpired)->size(), 1u);
  // An object left processing before this table existed: recorded unleased.
  ASSERT_TRUE(store_->EnsureWorkItem(kIssuanceWork, "old-order").ok());
  auto old = store_->ClaimWorkItems("B", milliseconds(1000), 10, WorkClaim::kExpired);
  ASSERT_EQ(old->size(), 1u);
  EXPECT_EQ((*old)[0].object_id, "old-order");
}

// Many instances claiming at once: each item goes to exactly one of them.
TEST_P(WorkItemsTest, RacingClaimsTakeEachItemOnce) {
  constexpr int kItems = 40, kClaimers = 8;
  for (int i = 0; i < kItems; ++i)
    ASSERT_TRUE(store_->EnsureWorkItem(kIssuanceWork, "o" + std::to_string(i)).ok());
  std::atomic<bool> go{false};
  std::mutex mu;
  std::map<std::string, int> taken;
  std::vector<std::thread> threads;
  for (int t = 0; t < kClaimers; ++t)
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      for (int round = 0; round < 10; ++round) {
        auto got = store_->ClaimWorkItems("i" + std::to_string(t), milliseconds(60000), 3,
                                          WorkClaim::kExpired);
        ASSERT_TRUE(got.ok()) << got.error().ToString();
        std::lock_guard lock(mu);
        for (const auto& w : *got) ++taken[w.object_id];
      }
    });
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(taken.size(), size_t(kItems));
  for (const auto& [id, times] : taken) EXPECT_EQ(times, 1) << id << " claimed twice";
}

// Two finishers of one processing order (the instance that died, late, and
// the one that took its work over): one records its certificate, the other
// is told it lost and writes nothing, so the order has one certificate.
TEST_P(WorkItemsTest, AnOrderIsFinishedOnceByRacingFinishers) {
  acme::Account a;
  a.id = "acct1";
  a.thumbprint = "tp1";
  a.jwk_json = "{}";
  a.created_at = acme::Clock::now();
  ASSERT_TRUE(store_->CreateAccount(a).ok());
  acme::Order o;
  o.id = "order1";
  o.account_id = "acct1";
  o.identifiers = {{"dns", "example.com"}};
  o.status = ObjStatus::kProcessing;
  o.expires = o.created_at = acme::Clock::now();
  ASSERT_TRUE(store_->CreateOrder(o, {}).ok());
  std::atomic<bool> go{false};
  std::atomic<int> won{0}, errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i)
    threads.emplace_back([&, i] {
      acme::CertificateRecord c;
      c.serial = i ? "0b" : "0a";
      c.account_id = "acct1";
      c.order_id = "order1";
      c.der = "der";
      c.not_before = c.issued_at = acme::Clock::now();
      c.not_after = c.not_before + std::chrono::hours(1);
      acme::Order done = o;
      done.status = ObjStatus::kValid;
      done.certificate_serial = c.serial;
      while (!go.load()) std::this_thread::yield();
      auto r = store_->FinishIssuanceIf(c, done, ObjStatus::kProcessing);
      if (!r.ok()) ++errors;
      else if (*r) ++won;
    });
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(won.load(), 1);
  auto stored = store_->GetOrder("order1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->status, ObjStatus::kValid);
  int certificates = 0;
  for (const char* serial : {"0a", "0b"})
    certificates += store_->GetCertificate(serial)->has_value();
  EXPECT_EQ(certificates, 1);
  EXPECT_TRUE(store_->GetCertificate((*stored)->certificate_serial)->has_value());
}

SIGNET_STORE_BACKENDS(WorkItemsTest);

}  // namespace
}  // namespace signet::storage
