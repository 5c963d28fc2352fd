// Issue 19: external account binding (RFC 8555 7.3.4) through the front end:
// the directory's meta, externalAccountRequired, each refusal by problem
// type, a valid binding recorded on its key, and one account per key (also
// when two newAccounts race with one key).
#include <atomic>
#include <thread>

#include "acme_fixture.h"
#include "base/base64url.h"
#include "ca/ra/eab.h"
#include "jose/jwk.h"
#include "jose/jws.h"
#include "jose/jws_hmac.h"

namespace signet::testing {
namespace {
namespace json = boost::json;

const std::string kNewAccountUrl = kBase + "/acme/new-acct";

// How a test binding differs from a correct one.
struct Binding {
  std::string kid;
  std::string hmac_key;
  const crypto::Key* payload_key = nullptr;  // the account key when nullptr
  std::string url = kNewAccountUrl;
  jose::MacAlg alg = jose::MacAlg::kHS256;
  bool with_nonce = false;
};

// The externalAccountBinding member for `account_key`.
json::value MakeBinding(const crypto::Key& account_key, const Binding& b) {
  json::object header{{"kid", b.kid}, {"url", b.url}};
  if (b.with_nonce) header["nonce"] = "bm9uY2U";
  const crypto::Key& payload_key = b.payload_key ? *b.payload_key : account_key;
  auto text =
      jose::SignMac(b.alg, b.hmac_key, header, json::serialize(jose::PublicJwk(payload_key)));
  EXPECT_TRUE(text.ok());
  return json::parse(*text);
}

class EabTest : public AcmeTest {
 protected:
  CaOptions Options() const override {
    CaOptions o;
    o.eab_required = required_;
    return o;
  }

  storage::EabKey AddKey() {
    auto k = ca::AdminCreateEabKey(*ca_->store);
    EXPECT_TRUE(k.ok()) << k.error().ToString();
    return k.ok() ? *k : storage::EabKey{};
  }

  static crypto::Key NewKey() {
    auto k = crypto::Key::Generate(crypto::KeyType::kEcP256);
    EXPECT_TRUE(k.ok());
    return *k;
  }

  // newAccount signed by `key`, with `binding` as externalAccountBinding
  // unless it is null.
  Reply NewAccount(const crypto::Key& key, const json::value& binding,
                   bool only_return_existing = false) {
    json::object payload{{"termsOfServiceAgreed", true}};
    if (!binding.is_null()) payload["externalAccountBinding"] = binding;
    if (only_return_existing) payload["onlyReturnExisting"] = true;
    json::value v = payload;
    return Post(kNewAccountUrl, &v, key, "");
  }

  Reply NewAccount(const crypto::Key& key, const Binding& b) {
    return NewAccount(key, MakeBinding(key, b));
  }

  // The account id the key `kid` is bound to ("" when unbound).
  std::string BoundAccount(const std::string& kid) {
    auto k = ca_->store->GetEabKey(kid);
    EXPECT_TRUE(k.ok() && k->has_value());
    return k.ok() && k->has_value() ? (*k)->account_id : "";
  }

  bool AccountExistsFor(const crypto::Key& key) {
    auto a = ca_->store->GetAccountByThumbprint(jose::Thumbprint(key));
    return a.ok() && a->has_value();
  }

  static std::string AccountId(const Reply& r) {
    std::string location = r.Header("Location");
    return location.substr(location.rfind('/') + 1);
  }

  bool required_ = true;
};

class EabOptionalTest : public EabTest {
 protected:
  EabOptionalTest() { required_ = false; }
};

TEST_F(EabTest, DirectorySaysExternalAccountRequired) {
  Reply dir = Send({"GET", "/directory", "", true, {}, ""});
  ASSERT_EQ(dir.status, 200);
  EXPECT_TRUE(dir.json.at("meta").as_object().at("externalAccountRequired").as_bool());
}

TEST_F(EabOptionalTest, DirectorySaysNotRequiredByDefault) {
  Reply dir = Send({"GET", "/directory", "", true, {}, ""});
  ASSERT_EQ(dir.status, 200);
  EXPECT_FALSE(dir.json.at("meta").as_object().at("externalAccountRequired").as_bool());
}

TEST_F(EabTest, NewAccountWithoutBindingIsExternalAccountRequired) {
  Reply r = NewAccount(key_, json::value(nullptr));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.Type(), "externalAccountRequired") << r.body;
  EXPECT_NE(Str(r.json, "detail").find("externalAccountBinding"), std::string::npos);
  EXPECT_FALSE(AccountExistsFor(key_));
}

TEST_F(EabTest, ValidBindingCreatesTheAccountAndBindsTheKey) {
  storage::EabKey key = AddKey();
  EXPECT_EQ(BoundAccount(key.kid), "");
  Reply r = NewAccount(key_, Binding{key.kid, key.hmac_key});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Str(r.json, "status"), "valid");
  EXPECT_EQ(BoundAccount(key.kid), AccountId(r));

  // The account then works without a binding: the same key finds it, also
  // with onlyReturnExisting, and it can order.
  Reply again = NewAccount(key_, json::value(nullptr));
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Header("Location"), r.Header("Location"));
  Reply existing = NewAccount(key_, json::value(nullptr), /*only_return_existing=*/true);
  EXPECT_EQ(existing.status, 200) << existing.body;
  EXPECT_EQ(existing.Header("Location"), r.Header("Location"));
  kid_ = r.Header("Location");
  EXPECT_EQ(NewOrder({"eab.example.test"}).status, 201);
}

TEST_F(EabTest, EveryMacAlgorithmIsAccepted) {
  for (jose::MacAlg alg : {jose::MacAlg::kHS384, jose::MacAlg::kHS512}) {
    storage::EabKey key = AddKey();
    crypto::Key account = NewKey();
    Binding b{key.kid, key.hmac_key};
    b.alg = alg;
    Reply r = NewAccount(account, b);
    EXPECT_EQ(r.status, 201) << jose::MacAlgName(alg) << ": " << r.body;
  }
}

TEST_F(EabTest, OnlyReturnExistingWithoutAccountIsAccountDoesNotExist) {
  // onlyReturnExisting never creates, so it needs no binding either.
  Reply r = NewAccount(key_, json::value(nullptr), /*only_return_existing=*/true);
  EXPECT_EQ(r.Type(), "accountDoesNotExist") << r.body;
}

TEST_F(EabTest, ASecondAccountWithTheSameKidIsRefused) {
  storage::EabKey key = AddKey();
  ASSERT_EQ(NewAccount(key_, Binding{key.kid, key.hmac_key}).status, 201);
  std::string first = BoundAccount(key.kid);
  crypto::Key other = NewKey();
  Reply r = NewAccount(other, Binding{key.kid, key.hmac_key});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.Type(), "unauthorized") << r.body;
  EXPECT_NE(Str(r.json, "detail").find("EAB key already used"), std::string::npos) << r.body;
  EXPECT_FALSE(AccountExistsFor(other));
  EXPECT_EQ(BoundAccount(key.kid), first);
}

TEST_F(EabTest, ConcurrentNewAccountsWithOneKidCreateOneAccount) {
  storage::EabKey key = AddKey();
  constexpr int kClients = 6;
  std::vector<crypto::Key> keys;
  std::vector<json::value> bindings;
  for (int i = 0; i < kClients; ++i) {
    keys.push_back(NewKey());
    bindings.push_back(MakeBinding(keys.back(), Binding{key.kid, key.hmac_key}));
  }
  std::atomic<int> created{0}, already_used{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i)
    threads.emplace_back([&, i] {
      Reply r = NewAccount(keys[i], bindings[i]);
      if (r.status == 201) ++created;
      if (r.Type() == "unauthorized" &&
          Str(r.json, "detail").find("EAB key already used") != std::string::npos)
        ++already_used;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(already_used.load(), kClients - 1);
  int accounts = 0;
  for (const auto& k : keys) accounts += AccountExistsFor(k);
  EXPECT_EQ(accounts, 1);
}

// Each refusal: its problem type, a detail naming what to fix, and nothing
// written (no account, the key still unbound).
struct Refusal {
  const char* name;
  std::function<json::value(const crypto::Key&, const storage::EabKey&)> binding;
  int status;
  const char* type;
  const char* detail;
};

class EabRefusalTest : public EabTest, public ::testing::WithParamInterface<Refusal> {};

TEST_P(EabRefusalTest, IsRefusedAndWritesNothing) {
  const Refusal& refusal = GetParam();
  storage::EabKey key = AddKey();
  Reply r = NewAccount(key_, refusal.binding(key_, key));
  EXPECT_EQ(r.status, refusal.status) << r.body;
  EXPECT_EQ(r.Type(), refusal.type) << r.body;
  EXPECT_NE(Str(r.json, "detail").find(refusal.detail), std::string::npos) << r.body;
  EXPECT_FALSE(AccountExistsFor(key_));
  EXPECT_EQ(BoundAccount(key.kid), "");
}

crypto::Key& OtherKey() {
  static crypto::Key key = *crypto::Key::Generate(crypto::KeyType::kEcP256);
  return key;
}

INSTANTIATE_TEST_SUITE_P(
    Refusals, EabRefusalTest,
    ::testing::Values(
        Refusal{"UnknownKid",
                [](const crypto::Key& k, const storage::EabKey& key) {
                  return MakeBinding(k, Binding{"no-such-kid", key.hmac_key});
                },
                403, "unauthorized", "not known to this CA"},
        Refusal{"BadMac",
                [](const crypto::Key& k, const storage::EabKey& key) {
                  return MakeBinding(k, Binding{key.kid, "the wrong key"});
                },
                403, "unauthorized", "MAC does not verify"},
        Refusal{"SignedNotMaced",
                [](const crypto::Key& k, const storage::EabKey& key) {
                  // An ES256 signature by the account key itself.
                  auto text = jose::Sign(k, json::object{{"kid", key.kid}, {"url", kNewAccountUrl}},
                                         json::serialize(jose::PublicJwk(k)));
                  return json::parse(*text);
                },
                400, "malformed", "HS256, HS384 or HS512"},
        Refusal{"UrlMismatch",
                [](const crypto::Key& k, const storage::EabKey& key) {
                  Binding b{key.kid, key.hmac_key};
                  b.url = kBase + "/acme/new-order";
                  return MakeBinding(k, b);
                },
                400, "malformed", "must be the newAccount URL"},
        Refusal{"NoncePresent",
                [](const crypto::Key& k, const storage::EabKey& key) {
                  Binding b{key.kid, key.hmac_key};
                  b.with_nonce = true;
                  return MakeBinding(k, b);
                },
                400, "malformed", "must not carry a \"nonce\""},
        Refusal{"MissingKid",
                [](const crypto::Key& k, const storage::EabKey& key) {
                  return MakeBinding(k, Binding{"", key.hmac_key});
                },
                400, "malformed", "needs the \"kid\""},
        Refusal{"PayloadIsAnotherKey",
                [](const crypto::Key& k, const storage::EabKey& key) {
                  Binding b{key.kid, key.hmac_key};
                  b.payload_key = &OtherKey();
                  return MakeBinding(k, b);
                },
                400, "badPublicKey", "not the key that signed this newAccount"},
        Refusal{"PayloadNotAJwk",
                [](const crypto::Key&, const storage::EabKey& key) {
                  auto text = jose::SignMac(jose::MacAlg::kHS256, key.hmac_key,
                                            json::object{{"kid", key.kid}, {"url", kNewAccountUrl}},
                                            "not json");
                  return json::parse(*text);
                },
                400, "malformed", "payload must be the account's public JWK"},
        Refusal{"NotAJws",
                [](const crypto::Key&, const storage::EabKey&) {
                  return json::value("a string");
                },
                400, "malformed", "is not a flattened JWS"}),
    [](const ::testing::TestParamInfo<Refusal>& info) { return std::string(info.param.name); });

TEST_F(EabOptionalTest, WithoutTheFlagABindingIsStillVerifiedAndRecorded) {
  Reply plain = NewAccount(NewKey(), json::value(nullptr));
  EXPECT_EQ(plain.status, 201) << plain.body;

  storage::EabKey key = AddKey();
  crypto::Key bad = NewKey();
  Reply refused = NewAccount(bad, Binding{key.kid, "the wrong key"});
  EXPECT_EQ(refused.Type(), "unauthorized") << refused.body;
  EXPECT_FALSE(AccountExistsFor(bad));

  Reply bound = NewAccount(key_, Binding{key.kid, key.hmac_key});
  ASSERT_EQ(bound.status, 201) << bound.body;
  EXPECT_EQ(BoundAccount(key.kid), AccountId(bound));
  Reply reused = NewAccount(NewKey(), Binding{key.kid, key.hmac_key});
  EXPECT_EQ(reused.Type(), "unauthorized") << reused.body;
}

}  // namespace
}  // namespace signet::testing
