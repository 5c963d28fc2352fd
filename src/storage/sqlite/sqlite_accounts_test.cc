// SqliteStore: key changes, account deactivation and the orders list.
#include <filesystem>

#include <gtest/gtest.h>

#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/store_test_fixture.h"

namespace signet::storage {
namespace {

using acme::ObjStatus;

class SqliteAccountsTest : public SqliteStoreFixture {
 protected:
  acme::Account MakeAccount(const std::string& id) {
    acme::Account a;
    a.id = id;
    a.thumbprint = "tp-" + id;
    a.jwk_json = "{\"k\":\"" + id + "\"}";
    a.contacts = {"mailto:a@example.com"};
    a.created_at = acme::Clock::now();
    EXPECT_TRUE(store_->CreateAccount(a).ok());
    return a;
  }
  acme::Authorization MakeAuthz(const std::string& id, const std::string& account_id,
                                ObjStatus status) {
    acme::Authorization authz;
    authz.id = id;
    authz.account_id = account_id;
    authz.identifier = {"dns", id + ".example.com"};
    authz.status = status;
    authz.expires = acme::Clock::now() + std::chrono::hours(1);
    authz.challenges.push_back({"ch-" + id, "http-01", "tok", ObjStatus::kPending, {}, {}, {}});
    return authz;
  }
  // An order created `age` ago, with a new authorization in `status`.
  void MakeOrder(const std::string& id, const std::string& account_id, std::chrono::seconds age,
                 ObjStatus status = ObjStatus::kPending,
                 ObjStatus authz_status = ObjStatus::kPending) {
    acme::Authorization authz = MakeAuthz("authz-" + id, account_id, authz_status);
    acme::Order o;
    o.id = id;
    o.account_id = account_id;
    o.status = status;
    o.identifiers = {authz.identifier};
    o.authorization_ids = {authz.id};
    o.expires = authz.expires;
    o.created_at = acme::Clock::now() - age;
    ASSERT_TRUE(store_->CreateOrder(o, {authz}).ok());
  }
  ObjStatus AuthzStatus(const std::string& id) {
    auto a = store_->GetAuthorization(id);
    EXPECT_TRUE(a.ok() && a->has_value());
    return (*a)->status;
  }
  acme::Account Account(const std::string& id) {
    auto a = store_->GetAccount(id);
    EXPECT_TRUE(a.ok() && a->has_value());
    return **a;
  }
};

TEST_P(SqliteAccountsTest, KeyChangeIsACompareAndSetOnTheOldKey) {
  MakeAccount("acct1");
  auto r = store_->ChangeAccountKey("acct1", "tp-acct1", "{\"new\":1}", "tp-new");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(*r, KeyChangeOutcome::kChanged);
  EXPECT_EQ(Account("acct1").thumbprint, "tp-new");
  EXPECT_EQ(Account("acct1").jwk_json, "{\"new\":1}");
  auto by_old = store_->GetAccountByThumbprint("tp-acct1");
  ASSERT_TRUE(by_old.ok());
  EXPECT_FALSE(by_old->has_value());
  // A second change still naming the old key (a concurrent request) is stale.
  r = store_->ChangeAccountKey("acct1", "tp-acct1", "{\"other\":1}", "tp-other");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, KeyChangeOutcome::kAccountChanged);
  EXPECT_EQ(Account("acct1").thumbprint, "tp-new");
}

TEST_P(SqliteAccountsTest, KeyOfAnotherAccountIsRefusedAndNothingChanges) {
  MakeAccount("acct1");
  MakeAccount("acct2");
  auto r = store_->ChangeAccountKey("acct1", "tp-acct1", "{\"k\":\"acct2\"}", "tp-acct2");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(*r, KeyChangeOutcome::kKeyInUse);
  EXPECT_EQ(Account("acct1").thumbprint, "tp-acct1");
  EXPECT_EQ(Account("acct2").thumbprint, "tp-acct2");
  // And a newAccount for a key an account now has is malformed, not an
  // internal error (the store's contract).
  acme::Account dup = Account("acct2");
  dup.id = "acct3";
  Status s = store_->CreateAccount(dup);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kMalformed) << s.error().ToString();
}

TEST_P(SqliteAccountsTest, DeactivatedAccountKeepsItsKey) {
  MakeAccount("acct1");
  ASSERT_TRUE(store_->DeactivateAccount("acct1").ok());
  auto r = store_->ChangeAccountKey("acct1", "tp-acct1", "{}", "tp-new");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, KeyChangeOutcome::kAccountChanged);
  EXPECT_EQ(Account("acct1").thumbprint, "tp-acct1");
}

TEST_P(SqliteAccountsTest, DeactivationTakesThePendingAuthorizationsWithIt) {
  MakeAccount("acct1");
  MakeAccount("acct2");
  MakeOrder("o1", "acct1", std::chrono::seconds(3));
  MakeOrder("o2", "acct1", std::chrono::seconds(2), ObjStatus::kReady, ObjStatus::kValid);
  MakeOrder("o3", "acct2", std::chrono::seconds(1));
  ASSERT_TRUE(store_->DeactivateAccount("acct1").ok());
  EXPECT_EQ(Account("acct1").status, ObjStatus::kDeactivated);
  EXPECT_EQ(AuthzStatus("authz-o1"), ObjStatus::kDeactivated);
  EXPECT_EQ(AuthzStatus("authz-o2"), ObjStatus::kValid);    // not pending: left as it is
  EXPECT_EQ(AuthzStatus("authz-o3"), ObjStatus::kPending);  // another account's
  EXPECT_EQ(Account("acct2").status, ObjStatus::kValid);
}

// A contact update read before a deactivation and written after it must not
// make the account valid again.
TEST_P(SqliteAccountsTest, ContactUpdateCannotUndoADeactivation) {
  acme::Account read_before = MakeAccount("acct1");
  ASSERT_TRUE(store_->DeactivateAccount("acct1").ok());
  read_before.contacts = {"mailto:b@example.com"};
  ASSERT_TRUE(store_->UpdateAccount(read_before).ok());
  acme::Account now = Account("acct1");
  EXPECT_EQ(now.status, ObjStatus::kDeactivated);
  EXPECT_EQ(now.contacts, std::vector<std::string>{"mailto:b@example.com"});
}

TEST_P(SqliteAccountsTest, OrdersListPagesInCreationOrderWithoutInvalidOrders) {
  MakeAccount("acct1");
  MakeAccount("acct2");
  MakeOrder("c", "acct1", std::chrono::seconds(50));
  MakeOrder("a", "acct1", std::chrono::seconds(40), ObjStatus::kValid, ObjStatus::kValid);
  MakeOrder("x", "acct1", std::chrono::seconds(30), ObjStatus::kInvalid);
  MakeOrder("b", "acct1", std::chrono::seconds(20));
  MakeOrder("z", "acct2", std::chrono::seconds(10));
  MakeOrder("d", "acct1", std::chrono::seconds(5));
  std::vector<std::string> seen;
  std::optional<OrderCursor> cursor;
  int pages = 0;
  do {
    auto page = store_->ListAccountOrders("acct1", cursor, 2);
    ASSERT_TRUE(page.ok()) << page.error().ToString();
    EXPECT_LE(page->order_ids.size(), 2u);
    seen.insert(seen.end(), page->order_ids.begin(), page->order_ids.end());
    cursor = page->next;
    ASSERT_LT(++pages, 5);
  } while (cursor);
  EXPECT_EQ(seen, (std::vector<std::string>{"c", "a", "b", "d"}));
  EXPECT_EQ(pages, 2);  // two full pages, and the second says no more follow
  auto none = store_->ListAccountOrders("nobody", std::nullopt, 2);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->order_ids.empty());
  EXPECT_FALSE(none->next);
}

SIGNET_STORE_BACKENDS(SqliteAccountsTest);

}  // namespace
}  // namespace signet::storage
