#include "client/store/account_store.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <regex>

#include "client/store/store_test_util.h"
#include "jose/jwk.h"

namespace signet::client {
namespace {

using namespace store_testing;  // NOLINT: test helpers

constexpr char kGoldenId[] = "6e76c2a552ff39fc78ddbf2585513b8b";
constexpr char kGoldenServer[] = "https://127.0.0.1:14917/dir";

fs::path GoldenAccountDir() { return GoldenCertbot() / "accounts/127.0.0.1:14917/dir" / kGoldenId; }

TEST(AccountStoreTest, ServerPathIsCertbots) {
  EXPECT_EQ(ServerPath("https://acme-v02.api.letsencrypt.org/directory").value(),
            "acme-v02.api.letsencrypt.org/directory");
  EXPECT_EQ(ServerPath("https://127.0.0.1:14000/dir").value(), "127.0.0.1:14000/dir");
  EXPECT_EQ(ServerPath("https://ca.test/acme/dir?x=1#f").value(), "ca.test/acme/dir");
  EXPECT_EQ(ServerPath("https://ca.test").value(), "ca.test");
  EXPECT_FALSE(ServerPath("ca.test/dir").ok());
  EXPECT_FALSE(ServerPath("https:///dir").ok());
  EXPECT_FALSE(ServerPath("https://ca.test/../../etc").ok());
}

TEST(AccountStoreTest, ReadsCertbotAccount) {
  TempDir tmp;
  CopyGoldenStore(tmp.path());
  AccountStore store = AccountStore::ForServer(StoreLayout(tmp.path()), kGoldenServer).value();
  EXPECT_EQ(store.dir(), tmp.path() / "accounts/127.0.0.1:14917/dir");
  Result<StoredAccount> account = store.Load(kGoldenId);
  ASSERT_TRUE(account.ok()) << account.error().ToString();
  EXPECT_EQ(account->key.Family(), "RSA");
  EXPECT_EQ(account->key.Bits(), 2048);
  EXPECT_EQ(account->uri, "https://127.0.0.1:14917/my-account/36de9c3bf09fe164");
  EXPECT_EQ(account->meta.creation_dt, "2026-11-22T11:13:41Z");
  EXPECT_EQ(account->meta.creation_host, "localhost");
  // The id is certbot's: the directory name is the MD5 of the public key.
  EXPECT_EQ(account->id(), kGoldenId);

  std::vector<StoredAccount> all = store.LoadAll();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id(), kGoldenId);
  EXPECT_EQ(store.Load("0123").error().code, ErrorCode::kNotFound);
}

TEST(AccountStoreTest, WritesCertbotBytes) {
  crypto::Key key =
      jose::PrivateKeyFromJwk(
          boost::json::parse(ReadOrDie(GoldenAccountDir() / "private_key.json")).as_object())
          .value();
  EXPECT_EQ(AccountKeyJson(key), ReadOrDie(GoldenAccountDir() / "private_key.json"));
  EXPECT_EQ(RegrJson("https://127.0.0.1:14917/my-account/36de9c3bf09fe164"),
            ReadOrDie(GoldenAccountDir() / "regr.json"));
  EXPECT_EQ(MetaJson(AccountMeta{"2026-11-22T11:13:41Z", "localhost", std::nullopt}),
            ReadOrDie(GoldenAccountDir() / "meta.json"));
  EXPECT_EQ(MetaJson(AccountMeta{"2026-11-22T11:13:41Z", "h\xc3\xa9", "me@x.test"}),
            "{\"creation_dt\": \"2026-11-22T11:13:41Z\", \"creation_host\": \"h\\u00e9\", "
            "\"register_to_eff\": \"me@x.test\"}");
}

TEST(AccountStoreTest, EcKeyJsonHasJosepyOrder) {
  crypto::Key key = crypto::Key::Generate(crypto::KeyType::kEcP256).value();
  boost::json::object jwk = boost::json::parse(AccountKeyJson(key)).as_object();
  std::vector<std::string> names;
  for (const auto& kv : jwk) names.emplace_back(kv.key());
  EXPECT_EQ(names, (std::vector<std::string>{"d", "x", "y", "crv", "kty"}));
  EXPECT_TRUE(jose::PrivateKeyFromJwk(jwk).value().SamePublicKey(key));
}

TEST(AccountStoreTest, SavesAndLoadsWithCertbotModes) {
  TempDir tmp;
  StoreLayout layout(tmp.path() / "cfg");
  AccountStore store = AccountStore::ForServer(layout, "https://127.0.0.1:14000/dir").value();
  for (crypto::KeyType type :
       {crypto::KeyType::kRsa, crypto::KeyType::kEcP256, crypto::KeyType::kEcP384}) {
    StoredAccount account;
    account.key = crypto::Key::Generate(type).value();
    account.uri = "https://127.0.0.1:14000/acct/1";
    account.meta = AccountMeta::Now();
    ASSERT_TRUE(store.Save(account).ok());
    const fs::path dir = layout.config_dir() / "accounts/127.0.0.1:14000/dir" / account.id();
    EXPECT_EQ(ModeOf(dir), 0700u);
    EXPECT_EQ(ModeOf(dir / "private_key.json"), 0400u);
    EXPECT_EQ(ModeOf(dir / "regr.json"), 0644u);
    EXPECT_EQ(ModeOf(dir / "meta.json"), 0644u);
    EXPECT_EQ(ReadOrDie(dir / "regr.json"),
              "{\"body\": {}, \"uri\": \"https://127.0.0.1:14000/acct/1\"}");

    StoredAccount loaded = store.Load(account.id()).value();
    EXPECT_TRUE(loaded.key.SamePublicKey(account.key));
    EXPECT_EQ(loaded.uri, account.uri);
    EXPECT_EQ(loaded.meta.creation_dt, account.meta.creation_dt);
    // Saving again (an updated regr) keeps the key file.
    account.uri = "https://127.0.0.1:14000/acct/2";
    ASSERT_TRUE(store.Save(account).ok());
    EXPECT_EQ(store.Load(account.id()).value().uri, "https://127.0.0.1:14000/acct/2");
  }
  EXPECT_EQ(ModeOf(layout.config_dir() / "accounts"), 0700u);
  EXPECT_EQ(ModeOf(layout.config_dir() / "accounts/127.0.0.1:14000"), 0700u);
  EXPECT_EQ(store.LoadAll().size(), 3u);
  EXPECT_TRUE(std::regex_match(AccountMeta::Now().creation_dt,
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
}

TEST(AccountStoreTest, DeleteRemovesAccountThenEmptyServerDir) {
  TempDir tmp;
  StoreLayout layout(tmp.path());
  AccountStore store = AccountStore::ForServer(layout, "https://ca.test/dir").value();
  StoredAccount a{
      crypto::Key::Generate(crypto::KeyType::kEcP256).value(), "u1", AccountMeta::Now(), {}};
  StoredAccount b{
      crypto::Key::Generate(crypto::KeyType::kEcP256).value(), "u2", AccountMeta::Now(), {}};
  ASSERT_TRUE(store.Save(a).ok());
  ASSERT_TRUE(store.Save(b).ok());
  ASSERT_TRUE(store.Delete(a.id()).ok());
  EXPECT_FALSE(fs::exists(store.AccountDir(a.id())));
  EXPECT_TRUE(fs::exists(store.AccountDir(b.id())));
  ASSERT_TRUE(store.Delete(b.id()).ok());
  EXPECT_FALSE(fs::exists(store.dir()));
  EXPECT_EQ(store.Delete(b.id()).error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(store.Delete("../x").ok());
}

TEST(AccountStoreTest, LetsEncryptV02FallsBackToV01Accounts) {
  TempDir tmp;
  StoreLayout layout(tmp.path());
  AccountStore v01 =
      AccountStore::ForServer(layout, "https://acme-v01.api.letsencrypt.org/directory").value();
  StoredAccount a{
      crypto::Key::Generate(crypto::KeyType::kEcP256).value(), "u1", AccountMeta::Now(), {}};
  ASSERT_TRUE(v01.Save(a).ok());
  AccountStore v02 =
      AccountStore::ForServer(layout, "https://acme-v02.api.letsencrypt.org/directory").value();
  ASSERT_EQ(v02.LoadAll().size(), 1u);
  EXPECT_TRUE(v02.Load(a.id()).ok());
}

}  // namespace
}  // namespace signet::client
