// RFC 8555 7.3: accounts.
#include "acme_fixture.h"
#include "pki/weak_key_test_support.h"

namespace signet::testing {
namespace {
namespace json = boost::json;

class AccountTest : public AcmeTest {
 protected:
  Reply NewAccount(const json::object& payload) {
    json::value v = payload;
    return Post(kBase + "/acme/new-acct", &v, key_, "");
  }
};

TEST_F(AccountTest, CreateThenFindTheSameAccount) {
  Reply created = NewAccount({{"termsOfServiceAgreed", true},
                              {"contact", json::array{"mailto:ops@example.com"}}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string location = created.Header("Location");
  EXPECT_EQ(location.rfind(kBase + "/acme/acct/", 0), 0u);
  EXPECT_EQ(Str(created.json, "status"), "valid");
  EXPECT_TRUE(created.json.contains("key"));
  Reply again = NewAccount({{"termsOfServiceAgreed", true}});
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.Header("Location"), location);
  Reply existing = NewAccount({{"onlyReturnExisting", true}});
  EXPECT_EQ(existing.status, 200);
  EXPECT_EQ(existing.Header("Location"), location);
}

TEST_F(AccountTest, OnlyReturnExistingWithoutAnAccount) {
  Reply r = NewAccount({{"onlyReturnExisting", true}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Type(), "accountDoesNotExist");
}

TEST_F(AccountTest, TermsMustBeAgreed) {
  Reply r = NewAccount({{"contact", json::array{"mailto:ops@example.com"}}});
  EXPECT_EQ(r.Type(), "malformed");
  EXPECT_NE(r.json.at("detail").as_string().find("terms of service"), json::string::npos);
}

TEST_F(AccountTest, ContactsAreCheckedAndUpdatable) {
  EXPECT_EQ(NewAccount({{"termsOfServiceAgreed", true},
                        {"contact", json::array{"tel:+123"}}}).Type(),
            "unsupportedContact");
  EXPECT_EQ(NewAccount({{"termsOfServiceAgreed", true},
                        {"contact", json::array{"mailto:not-an-address"}}}).Type(),
            "invalidContact");
  EXPECT_EQ(NewAccount({{"termsOfServiceAgreed", true}, {"contact", "mailto:a@b.c"}}).Type(),
            "malformed");
  Register();
  Reply updated = PostJson(kid_, json::object{{"contact", json::array{"mailto:new@example.com"}}});
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(json::serialize(updated.json.at("contact")), R"(["mailto:new@example.com"])");
  Reply fetched = PostAsGet(kid_);
  EXPECT_EQ(json::serialize(fetched.json.at("contact")), R"(["mailto:new@example.com"])");
}

TEST_F(AccountTest, AnotherAccountsUrlIsUnauthorized) {
  Register();
  std::string mine = kid_;
  auto other = crypto::Key::Generate(crypto::KeyType::kEcP384);
  ASSERT_TRUE(other.ok());
  key_ = *other;
  Register();
  EXPECT_EQ(PostAsGet(mine).Type(), "unauthorized");
}

TEST_F(AccountTest, DeactivatedAccountCanDoNothingMore) {
  Register();
  EXPECT_EQ(PostJson(kid_, json::object{{"status", "valid"}}).Type(), "malformed");
  Reply r = PostJson(kid_, json::object{{"status", "deactivated"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(r.json, "status"), "deactivated");
  Reply order = NewOrder({"a.example.test"});
  EXPECT_EQ(order.status, 403);
  EXPECT_EQ(order.Type(), "unauthorized");
  EXPECT_EQ(NewAccount({{"termsOfServiceAgreed", true}}).Type(), "unauthorized");
}

TEST_F(AccountTest, RsaAndEd25519AccountKeysWork) {
  for (auto type : {crypto::KeyType::kRsa, crypto::KeyType::kEd25519}) {
    auto k = crypto::Key::Generate(type);
    ASSERT_TRUE(k.ok());
    key_ = *k;
    Register();
    EXPECT_EQ(PostAsGet(kid_).status, 200);
  }
}

// The key policy (pki/key_policy.h) applies to account keys: a weak key is
// badPublicKey naming the reason, and no account is made for it.
TEST_F(AccountTest, WeakRsaAccountKeysAreBadPublicKey) {
  struct Case {
    crypto::Key key;
    std::string detail;
  };
  std::vector<Case> cases;
  cases.push_back({*crypto::Key::Generate(crypto::KeyType::kRsa, 1024),
                   "RSA modulus of 1024 bits is too small (2048-4096 accepted)"});
  cases.push_back({pki::testing_support::RsaWithExponent(2048, 3),
                   "public exponent 3 is not 65537"});
  auto [p, q] = pki::testing_support::ClosePrimes(2048);
  cases.push_back({pki::testing_support::RsaKeyFromPrimes(p.get(), q.get()),
                   "modulus is Fermat-factorable (its prime factors are too close together); "
                   "generate a new key"});
  for (const Case& c : cases) {
    key_ = c.key;
    Reply r = NewAccount({{"termsOfServiceAgreed", true}});
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.Type(), "badPublicKey") << r.body;
    EXPECT_EQ(Str(r.json, "detail"), c.detail);
    EXPECT_EQ(NewAccount({{"onlyReturnExisting", true}}).Type(), "accountDoesNotExist");
  }
}

TEST_F(AccountTest, P521AccountKeysAreBadPublicKey) {
  key_ = *crypto::Key::Generate(crypto::KeyType::kEcP521);
  Reply r = NewAccount({{"termsOfServiceAgreed", true}});
  EXPECT_EQ(r.Type(), "badPublicKey") << r.body;
  EXPECT_EQ(Str(r.json, "detail"), "ECDSA curve P-521 is not supported (use P-256 or P-384)");
}

}  // namespace
}  // namespace signet::testing
