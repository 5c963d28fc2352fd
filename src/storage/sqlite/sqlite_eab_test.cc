// External account binding keys in the SQLite store (migration 0007): a key
// binds exactly one account, in the transaction that creates it.
#include <unistd.h>

#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/store_test_fixture.h"

namespace signet::storage {
namespace {

class SqliteEabTest : public SqliteStoreFixture {
 protected:
  static acme::Account Account(const std::string& id) {
    acme::Account a;
    a.id = id;
    a.thumbprint = "tp-" + id;
    a.jwk_json = "{}";
    a.created_at = acme::Clock::now();
    return a;
  }
  void AddKey(const std::string& kid) {
    EabKey k{kid, std::string("\x00\x01secret", 8), acme::Clock::now(), "", std::nullopt};
    Status s = store_->AddEabKey(k);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
  }
  bool AccountExists(const std::string& id) {
    auto a = store_->GetAccount(id);
    return a.ok() && a->has_value();
  }
};

TEST_P(SqliteEabTest, KeysRoundTripAndSurviveReopen) {
  AddKey("kid-1");
  AddKey("kid-2");
  EXPECT_FALSE(store_->AddEabKey({"kid-1", "x", acme::Clock::now(), "", std::nullopt}).ok());
  Reopen();
  auto k = store_->GetEabKey("kid-1");
  ASSERT_TRUE(k.ok() && k->has_value());
  EXPECT_EQ((*k)->hmac_key, std::string("\x00\x01secret", 8));  // binary-safe
  EXPECT_TRUE((*k)->account_id.empty());
  EXPECT_FALSE((*k)->bound_at.has_value());
  auto missing = store_->GetEabKey("nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  auto all = store_->ListEabKeys();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
}

TEST_P(SqliteEabTest, AKeyBindsOneAccountAndARefusalWritesNothing) {
  AddKey("kid-1");
  ASSERT_TRUE(store_->CreateAccountWithEab(Account("a1"), "kid-1").ok());
  auto k = store_->GetEabKey("kid-1");
  ASSERT_TRUE(k.ok() && k->has_value());
  EXPECT_EQ((*k)->account_id, "a1");
  EXPECT_TRUE((*k)->bound_at.has_value());

  Status again = store_->CreateAccountWithEab(Account("a2"), "kid-1");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kUnauthorized);
  EXPECT_NE(again.error().detail.find("EAB key already used"), std::string::npos);
  EXPECT_FALSE(AccountExists("a2"));  // rolled back with the refused binding

  Status unknown = store_->CreateAccountWithEab(Account("a3"), "kid-unknown");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kUnauthorized);
  EXPECT_NE(unknown.error().detail.find("not known"), std::string::npos);
  EXPECT_FALSE(AccountExists("a3"));
}

TEST_P(SqliteEabTest, ConcurrentBindingsWithOneKeyCreateOneAccount) {
  AddKey("kid-race");
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::vector<char> ok(kThreads);  // not vector<bool>: one byte per thread
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      ok[i] = store_->CreateAccountWithEab(Account("racer" + std::to_string(i)), "kid-race").ok();
    });
  for (auto& t : threads) t.join();
  int created = 0;
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_EQ(ok[i] != 0, AccountExists("racer" + std::to_string(i))) << i;
    created += ok[i];
  }
  EXPECT_EQ(created, 1);
}

SIGNET_STORE_BACKENDS(SqliteEabTest);

}  // namespace
}  // namespace signet::storage
