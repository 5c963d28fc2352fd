// Each class of malformed request (RFC 8555 6.2-6.5) gets its problem type
// and HTTP status, and every response carries a fresh Replay-Nonce.
#include "acme_fixture.h"
#include "base/base64url.h"
#include "jose/jwk.h"
#include "jose/jws.h"

namespace signet::testing {
namespace {
namespace json = boost::json;

class JwsRequestTest : public AcmeTest {
 protected:
  // Sends `body` as a POST to `path` with the given content type.
  Reply Raw(const std::string& path, const std::string& body,
            const std::string& content_type = "application/jose+json") {
    return Send({"POST", path, "", true, {{"Content-Type", content_type}}, body});
  }
  std::string Signed(json::object header, const std::string& payload) {
    auto body = jose::Sign(key_, std::move(header), payload);
    EXPECT_TRUE(body.ok());
    return *body;
  }
  json::object JwkHeader(const std::string& url) {
    return {{"nonce", Nonce()}, {"url", url}, {"jwk", jose::PublicJwk(key_)}};
  }
};

const char* kTos = R"({"termsOfServiceAgreed":true})";

TEST_F(JwsRequestTest, DirectoryListsResourcesAndMeta) {
  Reply r = Send({"GET", "/directory", "", true, {}, ""});
  ASSERT_EQ(r.status, 200);
  for (const char* k : {"newNonce", "newAccount", "newOrder", "revokeCert", "keyChange"})
    EXPECT_EQ(Str(r.json, k).rfind(kBase + "/acme/", 0), 0u) << k;
  const json::object& meta = r.json.at("meta").as_object();
  EXPECT_FALSE(Str(meta, "termsOfService").empty());
  EXPECT_FALSE(Str(meta, "website").empty());
  EXPECT_TRUE(meta.at("caaIdentities").is_array());
  EXPECT_EQ(meta.at("externalAccountRequired"), json::value(false));
  // Nonces only where the protocol needs them (POST responses, newNonce).
  EXPECT_TRUE(r.Header("Replay-Nonce").empty());
}

TEST_F(JwsRequestTest, NewNonceHeadIs200GetIs204NeverCached) {
  Reply head = Send({"HEAD", "/acme/new-nonce", "", true, {}, ""});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("Cache-Control"), "no-store");
  Reply get = Send({"GET", "/acme/new-nonce", "", true, {}, ""});
  EXPECT_EQ(get.status, 204);
  EXPECT_NE(head.Header("Replay-Nonce"), get.Header("Replay-Nonce"));
  EXPECT_NE(get.Header("Link").find("rel=\"index\""), std::string::npos);
}

TEST_F(JwsRequestTest, WrongContentTypeIs415) {
  std::string url = kBase + "/acme/new-acct";
  Reply r = Raw("/acme/new-acct", Signed(JwkHeader(url), kTos), "application/json");
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(r.Type(), "malformed");
  EXPECT_EQ(r.Header("Content-Type"), "application/problem+json");
}

TEST_F(JwsRequestTest, NonJsonAndNonFlattenedBodiesAreMalformed) {
  EXPECT_EQ(Raw("/acme/new-acct", "not json").Type(), "malformed");
  std::string url = kBase + "/acme/new-acct";
  json::value v = json::parse(Signed(JwkHeader(url), kTos));
  json::object general{{"payload", v.at("payload")},
                       {"signatures", json::array{json::object{
                                          {"protected", v.at("protected")},
                                          {"signature", v.at("signature")}}}}};
  Reply r = Raw("/acme/new-acct", json::serialize(general));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Type(), "malformed");
  std::string compact = std::string(v.at("protected").as_string()) + "." +
                        std::string(v.at("payload").as_string()) + "." +
                        std::string(v.at("signature").as_string());
  EXPECT_EQ(Raw("/acme/new-acct", compact).Type(), "malformed");
}

TEST_F(JwsRequestTest, NoneAndHmacAreBadSignatureAlgorithmWithTheList) {
  std::string url = kBase + "/acme/new-acct";
  for (const char* alg : {"none", "HS256"}) {
    json::object header = JwkHeader(url);
    header["alg"] = alg;
    std::string body = json::serialize(json::object{
        {"protected", Base64UrlEncode(json::serialize(header))},
        {"payload", Base64UrlEncode(std::string_view(kTos))},
        {"signature", alg == std::string("none") ? "" : "c2lnbmF0dXJl"}});
    Reply r = Raw("/acme/new-acct", body);
    EXPECT_EQ(r.status, 400) << alg;
    EXPECT_EQ(r.Type(), "badSignatureAlgorithm") << alg;
    ASSERT_TRUE(r.json.contains("algorithms")) << r.body;
    EXPECT_NE(json::serialize(r.json.at("algorithms")).find("ES256"), std::string::npos);
  }
}

TEST_F(JwsRequestTest, MissingForeignAndReusedNoncesAreBadNonceWithAFreshOne) {
  std::string url = kBase + "/acme/new-acct";
  json::object no_nonce{{"url", url}, {"jwk", jose::PublicJwk(key_)}};
  Reply r = Raw("/acme/new-acct", Signed(no_nonce, kTos));
  EXPECT_EQ(r.Type(), "badNonce");
  EXPECT_FALSE(r.Header("Replay-Nonce").empty());
  json::object foreign = JwkHeader(url);
  foreign["nonce"] = "bm90LW91cnM";
  EXPECT_EQ(Raw("/acme/new-acct", Signed(foreign, kTos)).Type(), "badNonce");
  std::string once = Signed(JwkHeader(url), kTos);
  EXPECT_EQ(Raw("/acme/new-acct", once).status, 201);
  Reply replay = Raw("/acme/new-acct", once);
  EXPECT_EQ(replay.status, 400);
  EXPECT_EQ(replay.Type(), "badNonce");
}

TEST_F(JwsRequestTest, UrlMustEqualTheRequestUrl) {
  Reply r = Raw("/acme/new-acct", Signed(JwkHeader(kBase + "/acme/new-order"), kTos));
  EXPECT_EQ(r.Type(), "unauthorized");
  json::object header = JwkHeader("");
  header.erase("url");
  EXPECT_EQ(Raw("/acme/new-acct", Signed(header, kTos)).Type(), "malformed");
}

TEST_F(JwsRequestTest, ExactlyOneOfJwkAndKidInTheRightPlace) {
  Register();
  std::string url = kBase + "/acme/new-acct";
  json::object both = JwkHeader(url);
  both["kid"] = kid_;
  EXPECT_EQ(Raw("/acme/new-acct", Signed(both, kTos)).Type(), "malformed");
  json::object kid_on_new_account{{"nonce", Nonce()}, {"url", url}, {"kid", kid_}};
  EXPECT_EQ(Raw("/acme/new-acct", Signed(kid_on_new_account, kTos)).Type(), "malformed");
  std::string order_url = kBase + "/acme/new-order";
  Reply jwk_on_order = Raw("/acme/new-order", Signed(JwkHeader(order_url), "{}"));
  EXPECT_EQ(jwk_on_order.Type(), "malformed");
}

TEST_F(JwsRequestTest, UnknownKidIsAccountDoesNotExist) {
  kid_ = kBase + "/acme/acct/does-not-exist";
  Reply r = NewOrder({"a.example.test"});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Type(), "accountDoesNotExist");
  kid_ = "https://elsewhere.test/acct/1";
  EXPECT_EQ(NewOrder({"a.example.test"}).Type(), "accountDoesNotExist");
}

TEST_F(JwsRequestTest, BadSignatureIsMalformed) {
  std::string url = kBase + "/acme/new-acct";
  json::value v = json::parse(Signed(JwkHeader(url), kTos));
  v.as_object()["payload"] = Base64UrlEncode(std::string_view(R"({"termsOfServiceAgreed":false})"));
  Reply r = Raw("/acme/new-acct", json::serialize(v));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Type(), "malformed");
}

TEST_F(JwsRequestTest, PostAsGetMustHaveAnEmptyPayload) {
  Register();
  std::string location;
  ASSERT_EQ(NewOrder({"a.example.test"}, &location).status, 201);
  EXPECT_EQ(PostAsGet(location).status, 200);
  Reply r = PostJson(location, json::object{});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Type(), "malformed");
}

TEST_F(JwsRequestTest, UnknownResourcesAndWrongMethods) {
  Reply missing = Send({"GET", "/nope", "", true, {}, ""});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Type(), "malformed");
  Reply get_order = Send({"GET", "/acme/new-order", "", true, {}, ""});
  EXPECT_EQ(get_order.status, 405);
  Register();
  EXPECT_EQ(PostAsGet(kBase + "/acme/order/nope").status, 404);
}

}  // namespace
}  // namespace signet::testing

namespace signet::testing {
namespace {

// A front end keeping only 8 outstanding nonces: unauthenticated GETs must
// not consume them, or a flood of GETs evicts real clients' nonces.
class SmallNonceStoreTest : public AcmeTest {
 protected:
  CaOptions Options() const override {
    CaOptions o;
    o.nonce_capacity = 8;
    return o;
  }
};

TEST_F(SmallNonceStoreTest, FloodOfUnauthenticatedGetsDoesNotEvictAClientsNonce) {
  std::string nonce = Nonce();
  ASSERT_FALSE(nonce.empty());
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(Send({"GET", "/directory", "", true, {}, ""}).Header("Replay-Nonce").empty());
    EXPECT_TRUE(Send({"GET", "/acme/renewal-info/x.y", "", true, {}, ""}).Header("Replay-Nonce").empty());
    EXPECT_TRUE(Send({"GET", "/no/such/thing", "", true, {}, ""}).Header("Replay-Nonce").empty());
  }
  std::string url = kBase + "/acme/new-acct";
  json::object header{{"nonce", nonce}, {"url", url}, {"jwk", jose::PublicJwk(key_)}};
  auto body = jose::Sign(key_, header, R"({"termsOfServiceAgreed":true})");
  ASSERT_TRUE(body.ok());
  Reply r = Send({"POST", "/acme/new-acct", "", true, {{"Content-Type", "application/jose+json"}}, *body});
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_FALSE(r.Header("Replay-Nonce").empty());  // every POST response carries the next one
}

}  // namespace
}  // namespace signet::testing
