// The operator's queries on the SQLite store: accounts by id, contact and
// thumbprint; certificates by serial, name and account; paging with a limit
// and an "after" cursor; the counts.
#include <gtest/gtest.h>

#include "storage/admin_query_builders.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/store_test_fixture.h"

namespace signet::storage {
namespace {

using acme::ObjStatus;
using std::chrono::hours;

class SqliteAdminQueriesTest : public SqliteStoreFixture {
 protected:
  void SetUp() override {
    SqliteStoreFixture::SetUp();
    Account("a1", {"mailto:Ops@Example.com"}, 1);
    Account("a2", {"mailto:someone@other.test", "mailto:50%_off@x.test"}, 2);
    Account("a3", {}, 3);
    Issue("a1", "o1", "01", {"one.example", "www.one.example"}, 10, hours(100));
    Issue("a2", "o2", "02", {"two.example"}, 11, hours(100));
    Issue("a1", "o3", "03", {"one.example"}, 12, -hours(1));  // expired
    auto revoked = store_->RevokeCertificate("02", 4, now_);
    ASSERT_TRUE(revoked.ok() && *revoked);
  }
  void Account(const std::string& id, std::vector<std::string> contacts, int t) {
    acme::Account a;
    a.id = id;
    a.thumbprint = "tp-" + id;
    a.jwk_json = "{}";
    a.contacts = std::move(contacts);
    a.created_at = now_ - hours(100 - t);
    ASSERT_TRUE(store_->CreateAccount(a).ok());
  }
  // An order of `names` for `account` and its certificate `serial`, issued
  // `t` hours after the accounts, expiring `life` after now.
  void Issue(const std::string& account, const std::string& order_id, const std::string& serial,
             const std::vector<std::string>& names, int t, hours life) {
    acme::Order o;
    o.id = order_id;
    o.account_id = account;
    for (const auto& n : names) o.identifiers.push_back({"dns", n});
    o.expires = now_ + hours(1);
    o.created_at = now_ - hours(100 - t);
    ASSERT_TRUE(store_->CreateOrder(o, {}).ok());
    acme::CertificateRecord c;
    c.serial = serial;
    c.account_id = account;
    c.order_id = order_id;
    c.der = "der";
    c.not_before = c.issued_at = o.created_at;
    c.not_after = now_ + life;
    o.status = ObjStatus::kValid;
    o.certificate_serial = serial;
    ASSERT_TRUE(store_->FinishIssuance(c, o).ok());
  }
  std::vector<std::string> AccountIds(const AccountQuery& q) {
    auto r = store_->FindAccounts(q);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    std::vector<std::string> ids;
    if (r.ok())
      for (const auto& a : *r) ids.push_back(a.id);
    return ids;
  }
  std::vector<std::string> Serials(const CertificateQuery& q) {
    auto r = store_->FindCertificates(q);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    std::vector<std::string> out;
    if (r.ok())
      for (const auto& c : *r) out.push_back(c.serial);
    return out;
  }

  acme::TimePoint now_ = acme::Clock::from_time_t(1800000000);
  using V = std::vector<std::string>;
};

TEST_P(SqliteAdminQueriesTest, AccountsByIdContactThumbprintAndPage) {
  EXPECT_EQ(AccountIds({}), (V{"a1", "a2", "a3"}));
  EXPECT_EQ(AccountIds(Accounts().Id("a2")), V{"a2"});
  EXPECT_EQ(AccountIds(Accounts().Contact("ops@example")), V{"a1"}) << "case-insensitive";
  EXPECT_EQ(AccountIds(Accounts().Contact("mailto:")), (V{"a1", "a2"}));
  EXPECT_EQ(AccountIds(Accounts().Contact("50%_")), V{"a2"});
  EXPECT_EQ(AccountIds(Accounts().Contact("5%")), V{}) << "% is literal, not a wildcard";
  EXPECT_EQ(AccountIds(Accounts().Thumbprint("tp-a3")), V{"a3"});
  EXPECT_EQ(AccountIds(Accounts().Id("a1").Thumbprint("tp-a3")), V{}) << "filters combine";
  EXPECT_EQ(AccountIds(Accounts().Limit(2)), (V{"a1", "a2"}));
  EXPECT_EQ(AccountIds(Accounts().After("a2").Limit(2)), V{"a3"});
  auto a2 = store_->FindAccounts(Accounts().Id("a2"));
  ASSERT_TRUE(a2.ok() && a2->size() == 1);
  EXPECT_EQ((*a2)[0].contacts.size(), 2u);
}

TEST_P(SqliteAdminQueriesTest, CertificatesBySerialNameAccountAndPage) {
  EXPECT_EQ(Serials({}), (V{"01", "02", "03"}));
  EXPECT_EQ(Serials(Certificates().Serial("03")), V{"03"});
  EXPECT_EQ(Serials(Certificates().Name("one.example")), (V{"01", "03"}));
  EXPECT_EQ(Serials(Certificates().Name("www.one.example")), V{"01"});
  EXPECT_EQ(Serials(Certificates().Name("one")), V{}) << "names match exactly";
  EXPECT_EQ(Serials(Certificates().Account("a2")), V{"02"});
  EXPECT_EQ(Serials(Certificates().Name("one.example").Account("a2")), V{});
  EXPECT_EQ(Serials(Certificates().Limit(1)), V{"01"});
  EXPECT_EQ(Serials(Certificates().After("01").Limit(1)), V{"02"});
  auto c = store_->FindCertificates(Certificates().Serial("02"));
  ASSERT_TRUE(c.ok() && c->size() == 1);
  EXPECT_TRUE((*c)[0].revoked_at.has_value());
  EXPECT_EQ((*c)[0].revoked_reason, 4);
  EXPECT_EQ((*c)[0].identifiers, (std::vector<acme::Identifier>{{"dns", "two.example"}}));
}

TEST_P(SqliteAdminQueriesTest, RecentRevocationsLatestFirstWithTheirNames) {
  ASSERT_TRUE(store_->RevokeCertificate("01", 5, now_ + hours(1)).ok());
  auto all = store_->RecentRevocations(10);
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].serial, "01");
  EXPECT_EQ((*all)[0].revoked_reason, 5);
  EXPECT_EQ((*all)[0].revoked_at, now_ + hours(1));
  EXPECT_EQ((*all)[0].identifiers,
            (std::vector<acme::Identifier>{{"dns", "one.example"}, {"dns", "www.one.example"}}));
  EXPECT_EQ((*all)[1].serial, "02");
  auto one = store_->RecentRevocations(1);
  ASSERT_TRUE(one.ok() && one->size() == 1);
  EXPECT_EQ((*one)[0].serial, "01");
}

TEST_P(SqliteAdminQueriesTest, CountsEveryKind) {
  ASSERT_TRUE(store_->DeactivateAccount("a3").ok());
  ASSERT_TRUE(store_->AddEabKey({"k1", "mac", now_, "", std::nullopt}).ok());
  ASSERT_TRUE(store_->PauseIdentifier("a1", {"dns", "one.example"}, now_).ok());
  auto c = store_->Counts(now_);
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->accounts_valid, 2);
  EXPECT_EQ(c->accounts_deactivated, 1);
  EXPECT_EQ(c->orders_valid, 3);
  EXPECT_EQ(c->orders_pending, 0);
  EXPECT_EQ(c->certificates_valid, 1);
  EXPECT_EQ(c->certificates_revoked, 1);
  EXPECT_EQ(c->certificates_expired, 1);
  EXPECT_EQ(c->authorizations_pending, 0);
  EXPECT_EQ(c->eab_keys_unbound, 1);
  EXPECT_EQ(c->eab_keys_bound, 0);
  EXPECT_EQ(c->paused_pairs, 1);
}

SIGNET_STORE_BACKENDS(SqliteAdminQueriesTest);

}  // namespace
}  // namespace signet::storage
