// AcmeClient's account features against the real CA (in-process, over
// HTTPS on loopback): external account binding (RFC 8555 7.3.4), key
// rollover (7.3.5) and the order "profile" (draft-ietf-acme-profiles).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/base64url.h"
#include "ca/ra/eab.h"
#include "client/acme/acme_client.h"
#include "test_ca.h"

namespace signet::client {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

crypto::Key NewKey(crypto::KeyType type = crypto::KeyType::kEcP256) {
  auto k = crypto::Key::Generate(type);
  EXPECT_TRUE(k.ok());
  return *k;
}

class AcmeClientAccountTest : public ::testing::Test {
 protected:
  void Start(const signet::testing::CaOptions& options = {}) {
    ca_ = std::make_unique<TestCa>(options);
    http::ClientConfig config;
    config.ca_file = ca_->RootFile();
    config.timeout = 10s;
    http_ = std::make_unique<http::Client>(config);
  }

  // A client for a new account key.
  std::unique_ptr<AcmeClient> Client(KeySigner& signer) {
    return std::make_unique<AcmeClient>(*http_, signer, ca_->DirectoryUrl());
  }

  ExternalAccountBinding NewEabKey() {
    auto k = ca::AdminCreateEabKey(*ca_->parts().store);
    EXPECT_TRUE(k.ok());
    auto b = ParseExternalAccountBinding(k->kid, Base64UrlEncode(k->hmac_key), "HS256");
    EXPECT_TRUE(b.ok()) << b.error().detail;
    return *b;
  }

  std::unique_ptr<TestCa> ca_;
  std::unique_ptr<http::Client> http_;
};

TEST_F(AcmeClientAccountTest, RegistersWithAnExternalAccountBinding) {
  signet::testing::CaOptions options;
  options.eab_required = true;
  Start(options);
  KeySigner first(NewKey());
  auto client = Client(first);
  auto dir = client->FetchDirectory();
  ASSERT_TRUE(dir.ok());
  EXPECT_TRUE(dir->external_account_required);

  auto refused = client->NewAccount({"mailto:ops@example.com"}, true);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kExternalAccountRequired) << refused.error().detail;

  ExternalAccountBinding eab = NewEabKey();
  auto account = client->NewAccount({"mailto:ops@example.com"}, true, false, &eab);
  ASSERT_TRUE(account.ok()) << account.error().ToString();
  EXPECT_TRUE(account->created);

  // The key binds one account: another account key with the same kid is
  // refused by the CA.
  KeySigner second(NewKey());
  auto again = Client(second)->NewAccount({}, true, false, &eab);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kUnauthorized);
  EXPECT_THAT(again.error().detail, HasSubstr("EAB key already used"));

  // A wrong MAC key for a fresh kid: unauthorized, nothing bound.
  ExternalAccountBinding wrong = NewEabKey();
  wrong.hmac_key[0] ^= 1;
  auto bad_mac = Client(second)->NewAccount({}, true, false, &wrong);
  ASSERT_FALSE(bad_mac.ok());
  EXPECT_EQ(bad_mac.error().code, ErrorCode::kUnauthorized) << bad_mac.error().detail;
}

TEST_F(AcmeClientAccountTest, BindsWithHs512Too) {
  signet::testing::CaOptions options;
  options.eab_required = true;
  Start(options);
  ExternalAccountBinding eab = NewEabKey();
  eab.alg = jose::MacAlg::kHS512;
  KeySigner signer(NewKey());
  auto account = Client(signer)->NewAccount({}, true, false, &eab);
  ASSERT_TRUE(account.ok()) << account.error().ToString();
}

TEST_F(AcmeClientAccountTest, RollsTheAccountKeyOver) {
  Start();
  KeySigner old_key(NewKey());
  auto client = Client(old_key);
  auto account = client->NewAccount({"mailto:ops@example.com"}, true);
  ASSERT_TRUE(account.ok()) << account.error().ToString();

  KeySigner new_key(NewKey(crypto::KeyType::kRsa));
  Status changed = client->ChangeKey(new_key);
  ASSERT_TRUE(changed.ok()) << changed.error().ToString();

  // The new key finds the account; the old one no longer does.
  auto with_new = Client(new_key);
  auto found = with_new->NewAccount({}, false, true);
  ASSERT_TRUE(found.ok()) << found.error().ToString();
  EXPECT_EQ(found->url, account->url);
  auto with_old = Client(old_key)->NewAccount({}, false, true);
  ASSERT_FALSE(with_old.ok());
  EXPECT_EQ(with_old.error().code, ErrorCode::kAccountDoesNotExist);

  // A key another account has: 409, the account keeps its key.
  KeySigner other(NewKey());
  ASSERT_TRUE(Client(other)->NewAccount({}, true).ok());
  Status in_use = with_new->ChangeKey(other);
  ASSERT_FALSE(in_use.ok());
  EXPECT_THAT(in_use.error().detail, HasSubstr("already the key of another account"));
  auto still = with_new->GetAccount();
  ASSERT_TRUE(still.ok()) << still.error().ToString();
  EXPECT_EQ(still->status, "valid");
}

// Pebble answers a key change with 200 and no body: that is success.
TEST_F(AcmeClientAccountTest, AKeyChangeAnswerNeedsNoBody) {
  Start();
  KeySigner old_key(NewKey());
  auto client = Client(old_key);
  ASSERT_TRUE(client->NewAccount({}, true).ok());
  auto dir = client->FetchDirectory();
  ASSERT_TRUE(dir.ok());
  const std::string key_change = dir->key_change;
  ca_->SetMiddleware([&](const http::Request& req, const TestCa::Next& next) {
    http::Response r = next(req);
    if (req.method == "POST" && key_change.ends_with(std::string(req.Path())) && r.status == 200) {
      r.body.clear();
      r.Set("Content-Type", "text/plain");
    }
    return r;
  });
  KeySigner new_key(NewKey());
  Status changed = client->ChangeKey(new_key);
  EXPECT_TRUE(changed.ok()) << changed.error().ToString();
}

TEST_F(AcmeClientAccountTest, OrdersWithAProfile) {
  Start();
  KeySigner signer(NewKey());
  auto client = Client(signer);
  auto dir = client->FetchDirectory();
  ASSERT_TRUE(dir.ok());
  EXPECT_TRUE(dir->profiles.count("classic"));
  EXPECT_TRUE(dir->profiles.count("tlsserver"));
  ASSERT_TRUE(client->NewAccount({}, true).ok());

  auto order = client->NewOrder({"profile.example.test"}, "tlsserver");
  ASSERT_TRUE(order.ok()) << order.error().ToString();
  ASSERT_TRUE(order->raw.contains("profile"));
  EXPECT_EQ(order->raw.at("profile").as_string(), "tlsserver");

  auto unknown = client->NewOrder({"profile.example.test"}, "nosuchprofile");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidProfile) << unknown.error().detail;
}

}  // namespace
}  // namespace signet::client
