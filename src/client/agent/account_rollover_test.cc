// update_account --new-key against the whole CA in-process: a refused change
// leaves every file as it was; a key staged by a run that died is finished
// when the CA has it and discarded when it does not; the new key's type
// follows the flags or the current key.
#include "client/agent/account_rollover.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>

#include "base/files.h"
#include "client/agent/commands.h"
#include "client/agent/session.h"
#include "crypto/digest.h"
#include "client/acme/test_ca.h"

namespace signet::client {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Every regular file under `dir`, path -> content.
std::map<std::string, std::string> Snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().filename() == ".certbot.lock") continue;
    auto text = ReadFile(e.path());
    out[fs::relative(e.path(), dir).string()] = text.ok() ? *text : "?";
  }
  return out;
}

class AccountRolloverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("signet-rollover-" + crypto::HexEncode(crypto::RandomBytes(6)));
    fs::create_directories(dir_);
    ::setenv("REQUESTS_CA_BUNDLE", ca_.RootFile().c_str(), 1);
    o_.server = ca_.DirectoryUrl();
    o_.config_dir = (dir_ / "cfg").string();
    o_.work_dir = (dir_ / "work").string();
    o_.logs_dir = (dir_ / "logs").string();
    o_.email = "ops@example.com";
    o_.agree_tos = true;
    o_.non_interactive = true;
    o_.quiet = true;
    ASSERT_EQ(Register(o_), 0);
    o_.email.clear();
    o_.new_account_key = true;
    store_.emplace(*AccountStore::ForServer(StoreLayout(o_.config_dir), o_.server));
    ASSERT_EQ(store_->LoadAll().size(), 1u);
    first_ = store_->LoadAll().front();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::vector<std::string> AccountIds() const {
    std::vector<std::string> ids;
    for (const auto& e : fs::directory_iterator(store_->dir())) ids.push_back(e.path().filename());
    return ids;
  }

  // Tells the CA about `new_key` as a run would that then died.
  void ChangeKeyAtTheCa(const crypto::Key& new_key) {
    http::ClientConfig config;
    config.ca_file = ca_.RootFile();
    http::Client http(config);
    KeySigner old_signer(first_.key), new_signer(new_key);
    AcmeClient acme(http, old_signer, o_.server);
    acme.SetAccountUrl(first_.uri);
    ASSERT_TRUE(acme.ChangeKey(new_signer).ok());
  }

  TestCa ca_;
  fs::path dir_;
  AgentOptions o_;
  Output out_{true, 0};
  std::optional<AccountStore> store_;
  StoredAccount first_;
};

TEST_F(AccountRolloverTest, MovesTheAccountToTheNewKeysId) {
  ASSERT_EQ(RollOverAccountKey(o_, out_), 0);
  auto all = store_->LoadAll();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_NE(all[0].id(), first_.id());
  EXPECT_EQ(AccountIds(), std::vector<std::string>{all[0].id()});
  EXPECT_EQ(all[0].uri, first_.uri);
  EXPECT_EQ(all[0].meta.creation_dt, first_.meta.creation_dt);
  EXPECT_EQ(all[0].key.CurveName(), "P-256");  // like the current key
}

TEST_F(AccountRolloverTest, ARefusedKeyLeavesEverythingAsItWas) {
  const auto before = Snapshot(o_.config_dir);
  ca_.SetMiddleware([this](const http::Request& req, const TestCa::Next& next) {
    if (req.method != "POST" || req.Path().find("key-change") == std::string_view::npos)
      return next(req);
    http::Response r;
    r.status = 409;
    r.Set("Content-Type", "application/problem+json");
    r.Set("Replay-Nonce", ca_.FreshNonce());
    r.body = R"({"type":"urn:ietf:params:acme:error:malformed",)"
             R"("detail":"the new key is already the key of another account","status":409})";
    return r;
  });
  EXPECT_EQ(RollOverAccountKey(o_, out_), 1);
  EXPECT_EQ(Snapshot(o_.config_dir), before);
  EXPECT_EQ(AccountIds(), std::vector<std::string>{first_.id()});
}

TEST_F(AccountRolloverTest, FinishesAChangeTheCaAcceptedBeforeARunDied) {
  auto staged = crypto::Key::Generate(crypto::KeyType::kEcP384);
  ASSERT_TRUE(staged.ok());
  ASSERT_TRUE(store_->StageNewKey(first_, *staged).ok());
  EXPECT_EQ(store_->LoadAll().size(), 1u);  // a staged key is no account yet
  ASSERT_EQ(store_->StagedAccounts().size(), 1u);
  ChangeKeyAtTheCa(*staged);

  ASSERT_EQ(RollOverAccountKey(o_, out_), 0);
  EXPECT_EQ(AccountIds(), std::vector<std::string>{CertbotAccountId(*staged)});
  auto moved = store_->Load(CertbotAccountId(*staged));
  ASSERT_TRUE(moved.ok()) << moved.error().detail;
  EXPECT_EQ(moved->uri, first_.uri);
  EXPECT_TRUE(store_->StagedAccounts().empty());
}

// Killed after the old account went and before regr.json: no account but a
// staged key. The next run that opens the account (here register, which
// then refuses a duplicate) finishes the change with the URL the CA gives,
// as it finishes a registration killed before regr.json: it no longer
// stops every command until update_account --new-key is run by hand.
TEST_F(AccountRolloverTest, FinishesAChangeKilledAfterTheOldAccountWent) {
  auto staged = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(staged.ok());
  ASSERT_TRUE(store_->StageNewKey(first_, *staged).ok());
  ChangeKeyAtTheCa(*staged);
  ASSERT_TRUE(store_->Delete(first_.id()).ok());
  AgentOptions again = o_;
  again.email = "ops@example.com";
  again.new_account_key = false;
  EXPECT_EQ(Register(again), 1);
  EXPECT_EQ(AccountIds(), std::vector<std::string>{CertbotAccountId(*staged)});
  EXPECT_TRUE(store_->StagedAccounts().empty());

  auto moved = store_->Load(CertbotAccountId(*staged));
  ASSERT_TRUE(moved.ok()) << moved.error().detail;
  EXPECT_EQ(moved->uri, first_.uri);
  EXPECT_EQ(moved->meta.creation_dt, first_.meta.creation_dt);
  EXPECT_EQ(ShowAccount(again), 0);
}

// A registration killed after the CA's answer and before regr.json (Save
// writes it last): the next run finishes the account with the URL the CA
// gives and uses it. It used to refuse every command, calling it an
// interrupted key change.
TEST_F(AccountRolloverTest, FinishesARegistrationKilledBeforeRegrJson) {
  ASSERT_TRUE(fs::remove(store_->dir() / first_.id() / "regr.json"));
  ASSERT_EQ(store_->LoadAll().size(), 0u);
  o_.new_account_key = false;
  ASSERT_EQ(ShowAccount(o_), 0);
  EXPECT_EQ(AccountIds(), std::vector<std::string>{first_.id()});
  auto account = store_->Load(first_.id());
  ASSERT_TRUE(account.ok()) << account.error().detail;
  EXPECT_EQ(account->uri, first_.uri);
  EXPECT_EQ(account->meta.creation_dt, first_.meta.creation_dt);
}

TEST_F(AccountRolloverTest, DiscardsAKeyTheCaNeverSaw) {
  auto staged = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(staged.ok());
  ASSERT_TRUE(store_->StageNewKey(first_, *staged).ok());
  o_.new_key_type = "rsa";
  ASSERT_EQ(RollOverAccountKey(o_, out_), 0);
  auto ids = AccountIds();
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_NE(ids[0], first_.id());
  EXPECT_NE(ids[0], CertbotAccountId(*staged));
  auto moved = store_->Load(ids[0]);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->key.Family(), "RSA");
  EXPECT_EQ(moved->key.Bits(), 2048);
}

TEST(NewAccountKeyTest, FollowsTheFlagsElseTheCurrentKey) {
  auto p384 = crypto::Key::Generate(crypto::KeyType::kEcP384);
  auto rsa3072 = crypto::Key::Generate(crypto::KeyType::kRsa, 3072);
  ASSERT_TRUE(p384.ok() && rsa3072.ok());
  AgentOptions o;
  EXPECT_EQ(NewAccountKey(o, *p384)->CurveName(), "P-384");
  EXPECT_EQ(NewAccountKey(o, *rsa3072)->Bits(), 3072);
  o.new_elliptic_curve = "secp256r1";
  EXPECT_EQ(NewAccountKey(o, *p384)->CurveName(), "P-256");
  o.new_key_type = "rsa";
  EXPECT_EQ(NewAccountKey(o, *p384)->Bits(), 2048);
  o.new_key_type = "ed25519";
  EXPECT_EQ(NewAccountKey(o, *p384)->Family(), "OKP");
}

}  // namespace
}  // namespace signet::client
