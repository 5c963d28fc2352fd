// RFC 8555 7.4-7.5 and 8.3: orders, authorizations, HTTP-01, finalize,
// download; the status machines of 7.1.6; restart in the middle of a flow.
#include <openssl/x509.h>

#include "acme_fixture.h"
#include "base/base64url.h"
#include "pki/certificate.h"

namespace signet::testing {
namespace {
namespace json = boost::json;

class OrderFlowTest : public AcmeTest {
 protected:
  void SetUp() override {
    AcmeTest::SetUp();
    Register();
  }
  Reply Finalize(const json::object& order, const std::string& csr_der) {
    return PostJson(Str(order, "finalize"), json::object{{"csr", Base64UrlEncode(csr_der)}});
  }
  crypto::Key CertKey() {
    auto k = crypto::Key::Generate(crypto::KeyType::kEcP256);
    EXPECT_TRUE(k.ok());
    return *k;
  }
};

TEST_F(OrderFlowTest, FullFlowIssuesAChainToTheRoot) {
  std::string location;
  Reply order = NewOrder({"www.example.test", "example.test"}, &location);
  ASSERT_EQ(order.status, 201) << order.body;
  EXPECT_EQ(Str(order.json, "status"), "pending");
  EXPECT_EQ(order.json.at("authorizations").as_array().size(), 2u);
  EXPECT_EQ(Finalize(order.json, MakeCsr(CertKey(), {"example.test"})).Type(), "orderNotReady");

  for (const auto& authz : Authorize(order.json)) {
    EXPECT_EQ(Str(authz, "status"), "valid") << json::serialize(authz);
    const json::object& chall = authz.at("challenges").as_array()[0].as_object();
    EXPECT_EQ(Str(chall, "status"), "valid");
    EXPECT_FALSE(Str(chall, "validated").empty());
    EXPECT_TRUE(chall.contains("validationRecord"));
  }
  Reply ready = PostAsGet(location);
  EXPECT_EQ(Str(ready.json, "status"), "ready");

  Reply done = Finalize(ready.json, MakeCsr(CertKey(), {"example.test", "www.example.test"}));
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(Str(done.json, "status"), "valid");
  std::string cert_url = Str(done.json, "certificate");
  ASSERT_FALSE(cert_url.empty());

  Reply cert = PostAsGet(cert_url);
  ASSERT_EQ(cert.status, 200);
  EXPECT_EQ(cert.Header("Content-Type"), "application/pem-certificate-chain");
  auto chain = pki::CertChainFromPem(cert.body);
  ASSERT_TRUE(chain.ok());
  ASSERT_EQ(chain->size(), 2u);
  X509* leaf = (*chain)[0].get();
  std::vector<std::string> sans = pki::DnsSans(leaf);
  std::sort(sans.begin(), sans.end());
  EXPECT_EQ(sans, (std::vector<std::string>{"example.test", "www.example.test"}));
  EXPECT_GE(pki::SerialHex(leaf).size(), 16u) << "serial must carry at least 64 bits";
  auto lifetime = pki::NotAfter(leaf) - acme::Clock::now();
  EXPECT_GT(lifetime, std::chrono::hours(24 * 89));
  EXPECT_LT(lifetime, std::chrono::hours(24 * 91));
  // leaf -> intermediate -> root
  EXPECT_EQ(X509_verify(leaf, X509_get0_pubkey((*chain)[1].get())), 1);
  EXPECT_EQ(X509_verify((*chain)[1].get(), X509_get0_pubkey(ca_->hierarchy->root().cert.get())), 1);
  // A second finalize is refused; the order stays valid.
  EXPECT_EQ(Finalize(done.json, MakeCsr(CertKey(), {"example.test"})).Type(), "orderNotReady");
}

TEST_F(OrderFlowTest, WrongKeyAuthorizationInvalidatesChallengeAuthzAndOrder) {
  std::string location;
  Reply order = NewOrder({"wrong.example.test"}, &location);
  std::string url(order.json.at("authorizations").as_array()[0].as_string());
  Reply authz = PostAsGet(url);
  const json::object& chall = authz.json.at("challenges").as_array()[0].as_object();
  challenges_->Set(Str(chall, "token"), "something-else");
  ASSERT_EQ(PostJson(Str(chall, "url"), json::object{}).status, 200);
  Reply settled = WaitForAuthz(url);
  EXPECT_EQ(Str(settled.json, "status"), "invalid");
  const json::object& c = settled.json.at("challenges").as_array()[0].as_object();
  EXPECT_EQ(Str(c, "status"), "invalid");
  EXPECT_EQ(Str(c.at("error").as_object(), "type"),
            "urn:ietf:params:acme:error:incorrectResponse");
  Reply failed = PostAsGet(location);
  EXPECT_EQ(Str(failed.json, "status"), "invalid");
  EXPECT_TRUE(failed.json.contains("error"));
}

TEST_F(OrderFlowTest, UnreachableResponderIsAConnectionError) {
  Reply order = NewOrder({"gone.example.test"});
  auto authzs = Authorize(order.json, /*serve=*/false);
  const json::object& c = authzs[0].at("challenges").as_array()[0].as_object();
  EXPECT_EQ(Str(c.at("error").as_object(), "type"),
            "urn:ietf:params:acme:error:incorrectResponse")
      << "a 404 from the responder is an incorrect response";
}

TEST_F(OrderFlowTest, IdentifierRefusalsWithSubproblems) {
  Reply one = NewOrder({"bad_name.example.test"});
  EXPECT_EQ(one.Type(), "rejectedIdentifier");
  Reply two = NewOrder({"bad_name.example.test", "-x.example.test", "ok.example.test"});
  EXPECT_EQ(two.Type(), "rejectedIdentifier");
  ASSERT_TRUE(two.json.contains("subproblems")) << two.body;
  const json::array& subs = two.json.at("subproblems").as_array();
  ASSERT_EQ(subs.size(), 2u);
  EXPECT_EQ(Str(subs[0].as_object().at("identifier").as_object(), "value"), "-x.example.test");
  Reply email = PostJson(kBase + "/acme/new-order",
                         json::object{{"identifiers", json::array{json::object{
                                                          {"type", "email"}, {"value", "a@b.c"}}}}});
  EXPECT_EQ(email.Type(), "unsupportedIdentifier");
  EXPECT_EQ(PostJson(kBase + "/acme/new-order", json::object{}).Type(), "malformed");
}

TEST_F(OrderFlowTest, FinalizeChecksTheCsr) {
  Reply order = NewOrder({"csr.example.test"});
  Authorize(order.json);
  auto weak = crypto::Key::Generate(crypto::KeyType::kRsa, 1024);
  ASSERT_TRUE(weak.ok());
  EXPECT_EQ(Finalize(order.json, MakeCsr(*weak, {"csr.example.test"})).Type(), "badCSR");
  EXPECT_EQ(Finalize(order.json, MakeCsr(key_, {"csr.example.test"})).Type(), "badCSR")
      << "the account key must not be certified";
  EXPECT_EQ(Finalize(order.json, MakeCsr(CertKey(), {"other.example.test"})).Type(), "badCSR");
  EXPECT_EQ(Finalize(order.json, MakeCsr(CertKey(), {"csr.example.test", "x.example.test"})).Type(),
            "badCSR");
  EXPECT_EQ(Finalize(order.json, "garbage").Type(), "badCSR");
  std::string tampered = MakeCsr(CertKey(), {"csr.example.test"});
  tampered[tampered.size() - 3] ^= 0x01;
  EXPECT_EQ(Finalize(order.json, tampered).Type(), "badCSR");
  // After all those refusals the order is still ready and can be finalized.
  Reply ok = Finalize(order.json, MakeCsr(CertKey(), {"csr.example.test"}));
  EXPECT_EQ(Str(ok.json, "status"), "valid") << ok.body;
}

TEST_F(OrderFlowTest, ResourcesOfAnotherAccountAreUnauthorized) {
  std::string location;
  Reply order = NewOrder({"mine.example.test"}, &location);
  std::string authz_url(order.json.at("authorizations").as_array()[0].as_string());
  auto other = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(other.ok());
  key_ = *other;
  Register();
  EXPECT_EQ(PostAsGet(location).Type(), "unauthorized");
  EXPECT_EQ(PostAsGet(authz_url).Type(), "unauthorized");
}

TEST_F(OrderFlowTest, UnknownChallengeOfAKnownAuthorizationIsNotFound) {
  Reply order = NewOrder({"nochall.example.test"});
  std::string authz_url(order.json.at("authorizations").as_array()[0].as_string());
  std::string authz_id = authz_url.substr(authz_url.rfind('/') + 1);
  std::string url = kBase + "/acme/chall/" + authz_id + "/no-such-challenge";
  EXPECT_EQ(PostAsGet(url).status, 404);
  EXPECT_EQ(PostJson(url, json::object{}).status, 404);
}

TEST_F(OrderFlowTest, DeactivatedAuthorizationInvalidatesTheOrder) {
  std::string location;
  Reply order = NewOrder({"deact.example.test"}, &location);
  std::string authz_url(order.json.at("authorizations").as_array()[0].as_string());
  Reply r = PostJson(authz_url, json::object{{"status", "deactivated"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(r.json, "status"), "deactivated");
  EXPECT_EQ(Str(PostAsGet(location).json, "status"), "invalid");
}

TEST_F(OrderFlowTest, AClientMidOrderFinishesAfterARestart) {
  std::string location;
  Reply order = NewOrder({"restart.example.test"}, &location);
  Authorize(order.json);
  Restart();  // new store connection, RA, nonces: only the data directory survives
  Reply ready = PostAsGet(location);
  ASSERT_EQ(Str(ready.json, "status"), "ready") << ready.body;
  Reply done = Finalize(ready.json, MakeCsr(CertKey(), {"restart.example.test"}));
  EXPECT_EQ(Str(done.json, "status"), "valid") << done.body;
  Restart();
  EXPECT_EQ(PostAsGet(Str(done.json, "certificate")).status, 200);
}

TEST_F(OrderFlowTest, ValidationInterruptedByARestartIsResumed) {
  std::string location;
  Reply order = NewOrder({"resume.example.test"}, &location);
  std::string url(order.json.at("authorizations").as_array()[0].as_string());
  Reply authz = PostAsGet(url);
  const json::object& chall = authz.json.at("challenges").as_array()[0].as_object();
  std::string token = Str(chall, "token");
  challenges_->Set(token, KeyAuthorization(token));
  // Simulate a crash between "processing" being stored and the validation:
  // mark the challenge processing directly in the store, then restart.
  auto stored = ca_->store->GetAuthorization(url.substr(url.rfind('/') + 1));
  ASSERT_TRUE(stored.ok() && stored->has_value());
  acme::Authorization a = **stored;
  a.challenges[0].status = acme::ObjStatus::kProcessing;
  ASSERT_TRUE(ca_->store->UpdateAuthorization(a).ok());
  Restart();
  EXPECT_EQ(Str(WaitForAuthz(url).json, "status"), "valid");
}

}  // namespace
}  // namespace signet::testing
