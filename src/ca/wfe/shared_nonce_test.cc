// SharedNonceService: two instances on one store (two connections, or two
// pools on PostgreSQL) accept each other's nonces, each nonce once.
#include "ca/wfe/shared_nonce.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>

#include "base/base64url.h"
#include "storage/sqlite/store_test_fixture.h"

namespace signet::ca {
namespace {

using storage::Backend;
const std::string kKey(32, 'k');

class SharedNonceTest : public storage::SqliteStoreFixture {
 protected:
  void SetUp() override {
    storage::SqliteStoreFixture::SetUp();
    // The second instance: its own store on the same database.
    if (GetParam() == Backend::kPostgres) {
      auto s = storage::PostgresStore::Open(uri_);
      ASSERT_TRUE(s.ok()) << s.error().ToString();
      other_store_ = std::move(*s);
    } else {
      auto s = storage::SqliteStore::Open((dir_ / "ca.db").string());
      ASSERT_TRUE(s.ok()) << s.error().ToString();
      other_store_ = std::move(*s);
    }
    a_ = std::make_unique<SharedNonceService>(*store_, kKey, std::chrono::minutes(10),
                                              [this] { return now_.load(); });
    b_ = std::make_unique<SharedNonceService>(*other_store_, kKey, std::chrono::minutes(10),
                                              [this] { return now_.load(); });
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    other_store_.reset();
    storage::SqliteStoreFixture::TearDown();
  }
  bool Redeem(SharedNonceService& s, const std::string& nonce) {
    auto r = s.Redeem(nonce);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() && *r;
  }

  std::atomic<acme::TimePoint> now_{acme::Clock::now()};
  std::unique_ptr<storage::Store> other_store_;
  std::unique_ptr<SharedNonceService> a_, b_;
};

TEST_P(SharedNonceTest, AnotherInstanceAcceptsANonceOnceAndNoInstanceAgain) {
  std::string nonce = a_->Issue();
  EXPECT_TRUE(Redeem(*b_, nonce));
  EXPECT_FALSE(Redeem(*a_, nonce)) << "replayed to the instance that issued it";
  EXPECT_FALSE(Redeem(*b_, nonce)) << "replayed to the one that accepted it";
  EXPECT_NE(a_->Issue(), a_->Issue());
}

TEST_P(SharedNonceTest, ForgedExpiredAndMalformedNoncesAreRefused) {
  std::string nonce = a_->Issue();
  auto raw = Base64UrlDecode(nonce);
  ASSERT_TRUE(raw.ok());
  std::string later_expiry = *raw;
  later_expiry[8] ^= 1;  // the expiry moved: the MAC no longer matches
  EXPECT_FALSE(Redeem(*b_, Base64UrlEncode(later_expiry)));
  SharedNonceService other_key(*store_, std::string(32, 'x'));
  EXPECT_FALSE(Redeem(other_key, nonce)) << "a CA with another key";
  EXPECT_FALSE(Redeem(*b_, "not-a-nonce"));
  EXPECT_FALSE(Redeem(*b_, ""));
  now_ = now_.load() + std::chrono::minutes(11);
  EXPECT_FALSE(Redeem(*b_, nonce)) << "expired";
  now_ = now_.load() - std::chrono::minutes(11);
  EXPECT_TRUE(Redeem(*b_, nonce)) << "the refusals above used nothing up";
}

// Sixteen requests replaying one nonce to two instances at once: one wins.
TEST_P(SharedNonceTest, ConcurrentRedemptionsOnTwoInstancesAcceptOne) {
  std::string nonce = a_->Issue();
  std::atomic<bool> go{false};
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i)
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      auto r = (i % 2 ? *a_ : *b_).Redeem(nonce);
      if (r.ok() && *r) ++accepted;
    });
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 1);
}

// The cost of a redemption (one INSERT): printed, for docs/performance.md.
TEST_P(SharedNonceTest, CostPerRedemption) {
  constexpr int kN = 300;
  std::vector<std::string> nonces;
  for (int i = 0; i < kN; ++i) nonces.push_back(a_->Issue());
  auto start = std::chrono::steady_clock::now();
  for (const auto& n : nonces) ASSERT_TRUE(Redeem(*b_, n));
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::steady_clock::now() - start).count() / kN;
  std::cout << (GetParam() == Backend::kPostgres ? "PostgreSQL" : "SQLite")
            << ": one nonce redemption costs " << us << " us (one round trip)\n";
}

SIGNET_STORE_BACKENDS(SharedNonceTest);

}  // namespace
}  // namespace signet::ca
