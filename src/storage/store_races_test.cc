// Races between writers of one store, on every backend: the guarantees of
// store.h that PostgreSQL must keep across connections (and instances) as
// SQLite keeps them behind its one writer. Each starts many threads at one
// instant on the same object.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "storage/sqlite/store_test_fixture.h"

namespace signet::storage {
namespace {

using acme::ObjStatus;
constexpr int kRacers = 16;

class StoreRacesTest : public SqliteStoreFixture {
 protected:
  void SetUp() override {
    SqliteStoreFixture::SetUp();
    acme::Account a;
    a.id = "acct1";
    a.thumbprint = "tp1";
    a.jwk_json = "{}";
    a.created_at = acme::Clock::now();
    ASSERT_TRUE(store_->CreateAccount(a).ok());
    order_.id = "order1";
    order_.account_id = "acct1";
    order_.identifiers = {{"dns", "example.com"}};
    order_.status = ObjStatus::kReady;
    order_.expires = order_.created_at = acme::Clock::now();
    ASSERT_TRUE(store_->CreateOrder(order_, {}).ok());
  }
  // Runs `f(i)` on kRacers threads released together; how many returned true.
  template <typename F>
  int Race(F f) {
    std::atomic<bool> go{false};
    std::atomic<int> won{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kRacers; ++i)
      threads.emplace_back([&, i] {
        while (!go.load()) std::this_thread::yield();
        if (f(i)) ++won;
      });
    go = true;
    for (auto& t : threads) t.join();
    return won.load();
  }
  acme::Order order_;
};

// Finalize: of many requests moving a ready order to processing, one wins.
TEST_P(StoreRacesTest, AnOrderIsFinalizedOnce) {
  int won = Race([&](int i) {
    acme::Order o = order_;
    o.status = ObjStatus::kProcessing;
    o.csr_der = "csr" + std::to_string(i);
    auto r = store_->UpdateOrderIf(o, ObjStatus::kReady);
    return r.ok() && *r;
  });
  EXPECT_EQ(won, 1);
  auto stored = store_->GetOrder("order1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->status, ObjStatus::kProcessing);
}

// One serial is recorded once: every other AddSerial of it fails, so it is
// never signed twice.
TEST_P(StoreRacesTest, OneSerialPerSignature) {
  int won = Race([&](int i) {
    return store_->AddSerial({"5e", "order1", "acct1", "tbs" + std::to_string(i),
                              acme::Clock::now()}).ok();
  });
  EXPECT_EQ(won, 1);
}

// The next CRL number of a shard is never handed out twice.
TEST_P(StoreRacesTest, CrlNumbersAreUniqueUnderConcurrency) {
  std::mutex mu;
  std::set<int64_t> seen;
  int won = Race([&](int) {
    auto n = store_->NextCrlNumber(0);
    if (!n.ok()) return false;
    std::lock_guard<std::mutex> lock(mu);
    return seen.insert(*n).second;
  });
  EXPECT_EQ(won, kRacers);
  EXPECT_EQ(*seen.rbegin(), kRacers);
}

// Of many orders replacing one certificate (RFC 9773), one is written.
TEST_P(StoreRacesTest, OneReplacementOrderPerCertificate) {
  int won = Race([&](int i) {
    acme::Order o = order_;
    o.id = "replacement" + std::to_string(i);
    o.status = ObjStatus::kPending;
    o.replaces_serial = "0a";
    return store_->CreateOrder(o, {}).ok();
  });
  EXPECT_EQ(won, 1);
}

// Of many validations starting on one pending challenge at once (each a
// compare-and-set: the challenge pending, none other processing), one starts.
TEST_P(StoreRacesTest, AChallengeStartsProcessingOnce) {
  acme::Authorization authz;
  authz.id = "authz1";
  authz.account_id = "acct1";
  authz.identifier = {"dns", "example.com"};
  authz.expires = acme::Clock::now() + std::chrono::hours(1);
  authz.challenges = {{"ch1", "http-01", "tok1", ObjStatus::kPending, {}, {}, {}},
                      {"ch2", "dns-01", "tok2", ObjStatus::kPending, {}, {}, {}}};
  acme::Order o = order_;
  o.id = "order2";
  ASSERT_TRUE(store_->CreateOrder(o, {authz}).ok());
  int won = Race([&](int i) {
    acme::Authorization a = authz;
    std::string id = i % 2 ? "ch1" : "ch2";
    for (auto& c : a.challenges)
      if (c.id == id) c.status = ObjStatus::kProcessing;
    AuthorizationExpectation e;
    e.challenge_id = id;
    e.no_other_processing = true;
    auto r = store_->UpdateAuthorizationIf(a, e);
    return r.ok() && *r;
  });
  EXPECT_EQ(won, 1);
  auto stored = store_->GetAuthorization("authz1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  int processing = 0;
  for (const auto& c : (*stored)->challenges) processing += c.status == ObjStatus::kProcessing;
  EXPECT_EQ(processing, 1);
}

// A replay nonce redeemed at once through many connections (instances) is
// accepted once; its record goes when it has expired, not before.
TEST_P(StoreRacesTest, ANonceIsRedeemedOnce) {
  auto expires = acme::Clock::now() + std::chrono::minutes(10);
  int won = Race([&](int) {
    auto r = store_->RedeemNonce("nonce-1", expires);
    return r.ok() && *r;
  });
  EXPECT_EQ(won, 1);
  auto pruned = store_->PruneRedeemedNonces(acme::Clock::now());
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 0);
  EXPECT_FALSE(*store_->RedeemNonce("nonce-1", expires));
  pruned = store_->PruneRedeemedNonces(expires + std::chrono::seconds(2));
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
}

// Instances starting at once each offer a nonce MAC key: one is kept, and
// every instance (then and later) gets that one.
TEST_P(StoreRacesTest, OneSharedNonceKey) {
  std::mutex mu;
  std::set<std::string> got;
  int ok = Race([&](int i) {
    auto key = store_->SharedNonceKey("candidate-" + std::to_string(i));
    if (!key.ok()) return false;
    std::lock_guard<std::mutex> lock(mu);
    got.insert(*key);
    return true;
  });
  EXPECT_EQ(ok, kRacers);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got.begin()->starts_with("candidate-")) << *got.begin();
  auto later = store_->SharedNonceKey("latecomer");
  ASSERT_TRUE(later.ok()) << later.error().ToString();
  EXPECT_EQ(*later, *got.begin());
}

SIGNET_STORE_BACKENDS(StoreRacesTest);

}  // namespace
}  // namespace signet::storage
