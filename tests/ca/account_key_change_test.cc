// RFC 8555 7.3.5 (account key rollover), 7.1.2.1 (the account's orders list)
// and 7.3.6 (deactivation takes the pending authorizations with it).
#include <algorithm>
#include <thread>

#include "acme_fixture.h"
#include "jose/jwk.h"
#include "jose/jws.h"

namespace signet::testing {
namespace {
namespace json = boost::json;

const std::string kKeyChangeUrl = kBase + "/acme/key-change";

crypto::Key NewKey(crypto::KeyType type = crypto::KeyType::kEcP256, int bits = 0) {
  auto k = bits ? crypto::Key::Generate(type, bits) : crypto::Key::Generate(type);
  EXPECT_TRUE(k.ok());
  return *k;
}

// What a key change may get wrong, one field at a time.
struct Inner {
  std::string url = kKeyChangeUrl;
  std::string account{};                // "" = the account's URL
  std::optional<json::object> old_key{};  // unset = the account's key
  bool with_nonce = false;
  const crypto::Key* signer = nullptr;  // unset = the new key (the one in "jwk")
};

class KeyChangeTest : public AcmeTest {
 protected:
  // keyChange from key_ (the account's key, kid_) to `new_key`.
  Reply ChangeKey(const crypto::Key& new_key, Inner in = {}) {
    json::object header{{"jwk", jose::PublicJwk(new_key)}, {"url", in.url}};
    if (in.with_nonce) header["nonce"] = Nonce();
    json::object change{{"account", in.account.empty() ? kid_ : in.account},
                        {"oldKey", in.old_key ? *in.old_key : jose::PublicJwk(key_)}};
    auto inner = jose::Sign(in.signer ? *in.signer : new_key, header, json::serialize(change));
    EXPECT_TRUE(inner.ok());
    return PostJson(kKeyChangeUrl, json::parse(*inner));
  }
  Reply FindAccount(const crypto::Key& key) {
    json::value v = json::object{{"onlyReturnExisting", true}};
    return Post(kBase + "/acme/new-acct", &v, key, "");
  }
  std::string Detail(const Reply& r) { return Str(r.json, "detail"); }
  // The front end again, with a small page for the orders list.
  void UseOrdersPageOf(size_t n) {
    ca::WfeConfig wc;
    wc.orders_per_page = n;
    ca_->wfe = std::make_unique<ca::WebFrontEnd>(*ca_->ra, ca_->nonces, wc);
  }
  static std::string NextLink(const Reply& r) {
    for (const auto& [name, value] : r.raw.headers) {
      if (!http::EqualsIgnoreCase(name, "Link") || value.find("rel=\"next\"") == std::string::npos)
        continue;
      return value.substr(1, value.find('>') - 1);
    }
    return "";
  }
};

TEST_F(KeyChangeTest, RolloverKeepsTheAccountAndRetiresTheOldKey) {
  Register();
  crypto::Key old_key = key_;
  crypto::Key new_key = NewKey();
  ASSERT_EQ(PostAsGet(kid_).status, 200);  // the old key is in the front end's cache
  Reply r = ChangeKey(new_key);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Location"), kid_);
  EXPECT_EQ(json::serialize(r.json.at("key")), json::serialize(jose::PublicJwk(new_key)));

  // The old key no longer signs for the account, at once.
  Reply stale = PostAsGet(kid_);
  EXPECT_EQ(stale.status, 400) << stale.body;
  EXPECT_EQ(stale.Type(), "malformed");
  EXPECT_EQ(Detail(stale), "JWS signature is invalid (a request naming an account by \"kid\" "
                           "must be signed with the account's current key)");
  EXPECT_EQ(FindAccount(old_key).Type(), "accountDoesNotExist");

  // The new key does, for the same account URL.
  key_ = new_key;
  Reply fetched = PostAsGet(kid_);
  EXPECT_EQ(fetched.status, 200) << fetched.body;
  EXPECT_EQ(Str(fetched.json, "status"), "valid");
  EXPECT_EQ(FindAccount(new_key).Header("Location"), kid_);
  EXPECT_EQ(NewOrder({"rolled.example.test"}).status, 201);
}

TEST_F(KeyChangeTest, InnerUrlMustBeTheOuterUrl) {
  Register();
  Reply r = ChangeKey(NewKey(), {.url = kBase + "/acme/new-order"});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Type(), "malformed");
  EXPECT_EQ(Detail(r), "the inner JWS \"url\" \"" + kBase + "/acme/new-order\" differs from "
                       "the outer JWS's \"" + kKeyChangeUrl + "\"");
  EXPECT_EQ(PostAsGet(kid_).status, 200) << "the account keeps its key";
}

TEST_F(KeyChangeTest, OldKeyMustBeTheAccountsKey) {
  Register();
  Reply r = ChangeKey(NewKey(), {.old_key = jose::PublicJwk(NewKey())});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.Type(), "unauthorized");
  EXPECT_EQ(Detail(r), "the keyChange \"oldKey\" is not the account's current key");
  EXPECT_EQ(PostAsGet(kid_).status, 200);
}

TEST_F(KeyChangeTest, InnerJwsWithANonceIsMalformed) {
  Register();
  Reply r = ChangeKey(NewKey(), {.with_nonce = true});
  EXPECT_EQ(r.Type(), "malformed") << r.body;
  EXPECT_EQ(Detail(r),
            "the inner JWS must not contain a \"nonce\"; only the outer JWS carries one");
}

TEST_F(KeyChangeTest, InnerJwsMustBeSignedByTheNewKey) {
  Register();
  crypto::Key other = NewKey();
  Reply r = ChangeKey(NewKey(), {.signer = &other});
  EXPECT_EQ(r.Type(), "malformed") << r.body;
  EXPECT_EQ(Detail(r), "the inner JWS, signed by the new key: JWS signature is invalid");
  // Nor may the payload be anything but a JWS.
  Reply plain = PostJson(kKeyChangeUrl, json::object{{"account", kid_}});
  EXPECT_EQ(plain.Type(), "malformed");
  EXPECT_EQ(Detail(plain).rfind("the keyChange payload must be a JWS signed by the new key: ", 0),
            0u) << plain.body;
}

TEST_F(KeyChangeTest, WeakNewKeyIsBadPublicKey) {
  Register();
  Reply r = ChangeKey(NewKey(crypto::KeyType::kRsa, 1024));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Type(), "badPublicKey");
  EXPECT_EQ(Detail(r), "RSA modulus of 1024 bits is too small (2048-4096 accepted)");
  EXPECT_EQ(PostAsGet(kid_).status, 200);
}

TEST_F(KeyChangeTest, KeyOfAnotherAccountIsAConflictNamingThatAccount) {
  Register();
  std::string first = kid_;
  crypto::Key first_key = key_;
  key_ = NewKey();
  Register();
  std::string second = kid_;
  crypto::Key second_key = key_;
  key_ = first_key;
  kid_ = first;
  Reply r = ChangeKey(second_key);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.Type(), "malformed");
  EXPECT_EQ(r.Header("Location"), second);
  EXPECT_EQ(Detail(r), "the new key is already the key of another account (in the Location "
                       "header); choose a key no account has");
  EXPECT_EQ(PostAsGet(first).status, 200) << "nothing changed";
  EXPECT_EQ(FindAccount(second_key).Header("Location"), second);
  // Its own key again is no change at all.
  Reply same = ChangeKey(first_key);
  EXPECT_EQ(same.Type(), "malformed") << same.body;
  EXPECT_EQ(Detail(same),
            "the new key is the account's current key; sign the inner JWS with a new key");
}

// A key change and a newAccount for the same key at the same time: exactly
// one account ends up with the key, and each answer says which.
TEST_F(KeyChangeTest, KeyChangeRacingNewAccountForTheSameKey) {
  Register();
  for (int round = 0; round < 20; ++round) {
    crypto::Key contested = NewKey();
    Reply changed, created;
    std::thread change([&] { changed = ChangeKey(contested); });
    std::thread create([&] {
      json::value v = json::object{{"termsOfServiceAgreed", true}};
      created = Post(kBase + "/acme/new-acct", &v, contested, "");
    });
    change.join();
    create.join();
    std::string holder = FindAccount(contested).Header("Location");
    ASSERT_FALSE(holder.empty()) << "round " << round;
    if (changed.status == 200) {
      EXPECT_EQ(holder, kid_);
      // newAccount either found the rolled-over account or lost the race.
      if (created.status == 200) EXPECT_EQ(created.Header("Location"), kid_);
      else EXPECT_EQ(created.Type(), "malformed") << created.body;
      key_ = contested;  // the account's key now
    } else {
      ASSERT_EQ(changed.status, 409) << changed.body;
      ASSERT_EQ(created.status, 201) << created.body;
      EXPECT_EQ(changed.Header("Location"), created.Header("Location"));
      EXPECT_EQ(holder, created.Header("Location"));
    }
    ASSERT_EQ(PostAsGet(kid_).status, 200) << "round " << round;
  }
}

TEST_F(KeyChangeTest, AccountFieldMustBeTheSigningAccount) {
  Register();
  std::string mine = kid_;
  Reply r = ChangeKey(NewKey(), {.account = kBase + "/acme/acct/someone-else"});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.Type(), "unauthorized");
  EXPECT_EQ(Detail(r), "the keyChange \"account\" \"" + kBase + "/acme/acct/someone-else\" is "
                       "not the account that signed the request (\"" + mine + "\")");
}

TEST_F(KeyChangeTest, OrdersListPagesWithANextLink) {
  UseOrdersPageOf(2);
  Register();
  std::vector<std::string> created;
  for (const char* name : {"one.example.test", "two.example.test", "three.example.test"}) {
    std::string location;
    ASSERT_EQ(NewOrder({name}, &location).status, 201);
    created.push_back(location);
  }
  std::string orders_url = Str(PostAsGet(kid_).json, "orders");
  EXPECT_EQ(orders_url, kid_ + "/orders");

  Reply first = PostAsGet(orders_url);
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(first.json.at("orders").as_array().size(), 2u);
  std::string next = NextLink(first);
  ASSERT_EQ(next.rfind(orders_url + "?cursor=", 0), 0u) << next;
  Reply second = PostAsGet(next);
  ASSERT_EQ(second.status, 200) << second.body;
  ASSERT_EQ(second.json.at("orders").as_array().size(), 1u);
  EXPECT_EQ(NextLink(second), "") << "the last page has no next link";

  std::vector<std::string> listed;
  for (const Reply* page : {&first, &second})
    for (const auto& u : page->json.at("orders").as_array()) listed.emplace_back(u.as_string());
  std::sort(listed.begin(), listed.end());
  std::sort(created.begin(), created.end());
  EXPECT_EQ(listed, created);

  Reply bad = PostAsGet(orders_url + "?cursor=nonsense");
  EXPECT_EQ(bad.Type(), "malformed") << bad.body;
  // The JWS url is the URL requested, cursor included (RFC 8555 6.4).
  auto signed_body = jose::Sign(key_, json::object{{"nonce", Nonce()}, {"url", orders_url},
                                                   {"kid", kid_}}, "");
  ASSERT_TRUE(signed_body.ok());
  http::Request req{"POST", next.substr(kBase.size()), "", true,
                    {{"Content-Type", "application/jose+json"}}, *signed_body};
  Reply wrong_url = Send(std::move(req));
  EXPECT_EQ(wrong_url.Type(), "unauthorized") << wrong_url.body;
}

TEST_F(KeyChangeTest, OnlyTheAccountReadsItsOrdersList) {
  Register();
  ASSERT_EQ(NewOrder({"mine.example.test"}).status, 201);
  std::string orders_url = kid_ + "/orders";
  key_ = NewKey();
  Register();
  Reply r = PostAsGet(orders_url);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.Type(), "unauthorized");
  EXPECT_EQ(Detail(r), "only the account itself may list its orders");
}

TEST_F(KeyChangeTest, DeactivationDeactivatesPendingAuthorizations) {
  Register();
  Reply valid_order = NewOrder({"done.example.test"});
  ASSERT_EQ(valid_order.status, 201);
  std::vector<json::object> authorized = Authorize(valid_order.json);
  ASSERT_EQ(Str(authorized[0], "status"), "valid");
  Reply pending_order = NewOrder({"a.example.test", "b.example.test"});
  ASSERT_EQ(pending_order.status, 201);

  Reply r = PostJson(kid_, json::object{{"status", "deactivated"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto status_of = [&](const json::value& url) {
    std::string id(url.as_string());
    id = id.substr(id.rfind('/') + 1);
    auto authz = ca_->store->GetAuthorization(id);
    EXPECT_TRUE(authz.ok() && authz->has_value());
    return std::string(acme::StatusName((*authz)->status));
  };
  for (const auto& url : pending_order.json.at("authorizations").as_array())
    EXPECT_EQ(status_of(url), "deactivated");
  EXPECT_EQ(status_of(valid_order.json.at("authorizations").as_array()[0]), "valid");
}

}  // namespace
}  // namespace signet::testing
