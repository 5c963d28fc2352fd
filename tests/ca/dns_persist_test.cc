// dns-persist-01 (draft-ietf-acme-dns-persist) through the front end: the
// challenge object (issuer-domain-names, accounturi, no token), issuance by a
// standing _validation-persist record for a name and a wildcard, the problem
// of each refusal, and that such authorizations are not reused.
#include "acme_fixture.h"
#include "base/base64url.h"
#include "pki/certificate.h"

namespace signet::testing {
namespace {
namespace json = boost::json;

class DnsPersistTest : public AcmeTest {
 protected:
  void SetUp() override {
    AcmeTest::SetUp();
    Register();
  }
  // The order's only authorization URL, and its dns-persist-01 challenge.
  json::object PersistChallenge(const json::object& order, std::string* authz_url) {
    *authz_url = std::string(order.at("authorizations").as_array()[0].as_string());
    const Reply authz = PostAsGet(*authz_url);
    for (const auto& c : authz.json.at("challenges").as_array())
      if (Str(c.as_object(), "type") == "dns-persist-01") return c.as_object();
    ADD_FAILURE() << "no dns-persist-01 challenge";
    return {};
  }
  // Answers the order's dns-persist-01 challenge; returns the settled authz.
  json::object Answer(const std::vector<std::string>& names, std::string* location = nullptr) {
    Reply order = NewOrder(names, location);
    EXPECT_EQ(order.status, 201) << order.body;
    std::string authz_url;
    json::object chall = PersistChallenge(order.json, &authz_url);
    EXPECT_EQ(PostJson(Str(chall, "url"), json::object{}).status, 200);
    return WaitForAuthz(authz_url).json;
  }
  json::object ErrorOf(const json::object& authz) {
    for (const auto& c : authz.at("challenges").as_array())
      if (Str(c.as_object(), "type") == "dns-persist-01" && c.as_object().contains("error"))
        return c.as_object().at("error").as_object();
    ADD_FAILURE() << "no error on dns-persist-01: " << json::serialize(authz);
    return {};
  }
  void Publish(const std::string& name, const std::string& params) {
    ca_->resolver.AddTxt("_validation-persist." + name,
                         {"signet.test; accounturi=" + kid_ + params});
  }
  std::vector<std::string> Issue(const std::string& location,
                                 const std::vector<std::string>& names) {
    auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    Reply done = PostJson(Str(PostAsGet(location).json, "finalize"),
                          json::object{{"csr", Base64UrlEncode(MakeCsr(*key, names))}});
    EXPECT_EQ(Str(done.json, "status"), "valid") << done.body;
    auto chain = pki::CertChainFromPem(PostAsGet(Str(done.json, "certificate")).body);
    if (!chain.ok()) return {};
    return pki::DnsSans((*chain)[0].get());
  }
};

TEST_F(DnsPersistTest, ChallengeListsIssuerDomainNamesAndAccountWithoutToken) {
  for (const char* name : {"offer.example.test", "*.offer.example.test"}) {
    std::string authz_url;
    json::object chall = PersistChallenge(NewOrder({name}).json, &authz_url);
    EXPECT_EQ(chall.at("issuer-domain-names"), (json::array{"signet.test"})) << name;
    EXPECT_EQ(Str(chall, "accounturi"), kid_) << name;
    EXPECT_FALSE(chall.contains("token")) << name;
    EXPECT_EQ(Str(chall, "status"), "pending");
  }
}

TEST_F(DnsPersistTest, StandingRecordValidatesAndIssues) {
  Publish("persist.example.test", "");
  std::string location;
  json::object authz = Answer({"persist.example.test"}, &location);
  ASSERT_EQ(Str(authz, "status"), "valid") << json::serialize(authz);
  EXPECT_EQ(Issue(location, {"persist.example.test"}),
            std::vector<std::string>{"persist.example.test"});
}

TEST_F(DnsPersistTest, WildcardIssuesWithPolicyWildcard) {
  Publish("wild.example.test", "; Policy=Wildcard");
  std::string location;
  json::object authz = Answer({"*.wild.example.test"}, &location);
  ASSERT_EQ(Str(authz, "status"), "valid") << json::serialize(authz);
  EXPECT_TRUE(authz.at("wildcard").as_bool());
  EXPECT_EQ(Issue(location, {"*.wild.example.test"}),
            std::vector<std::string>{"*.wild.example.test"});
}

TEST_F(DnsPersistTest, WildcardWithoutPolicyIsUnauthorized) {
  Publish("nopolicy.example.test", "");
  json::object authz = Answer({"*.nopolicy.example.test"});
  EXPECT_EQ(Str(authz, "status"), "invalid");
  json::object err = ErrorOf(authz);
  EXPECT_EQ(Str(err, "type"), "urn:ietf:params:acme:error:unauthorized");
  EXPECT_NE(Str(err, "detail").find("lacks policy=wildcard"), std::string::npos)
      << Str(err, "detail");
}

TEST_F(DnsPersistTest, NoRecordIsUnauthorized) {
  json::object authz = Answer({"none.example.test"});
  EXPECT_EQ(Str(authz, "status"), "invalid");
  json::object err = ErrorOf(authz);
  EXPECT_EQ(Str(err, "type"), "urn:ietf:params:acme:error:unauthorized");
  EXPECT_EQ(Str(err, "detail"), "No TXT record found at _validation-persist.none.example.test");
}

TEST_F(DnsPersistTest, AnotherAccountsRecordIsUnauthorized) {
  ca_->resolver.AddTxt("_validation-persist.theirs.example.test",
                       {"signet.test; accounturi=" + kBase + "/acme/acct/someone-else"});
  json::object err = ErrorOf(Answer({"theirs.example.test"}));
  EXPECT_EQ(Str(err, "type"), "urn:ietf:params:acme:error:unauthorized");
  EXPECT_NE(Str(err, "detail").find("not this account (" + kid_ + ")"), std::string::npos)
      << Str(err, "detail");
}

TEST_F(DnsPersistTest, ExpiredRecordIsUnauthorized) {
  Publish("expired.example.test", "; persistUntil=1700000000");
  json::object err = ErrorOf(Answer({"expired.example.test"}));
  EXPECT_EQ(Str(err, "type"), "urn:ietf:params:acme:error:unauthorized");
  EXPECT_NE(Str(err, "detail").find("expired: persistUntil=1700000000"), std::string::npos)
      << Str(err, "detail");
}

TEST_F(DnsPersistTest, MalformedRecordForThisCaIsMalformed) {
  Publish("broken.example.test", "; persistUntil=tomorrow");
  json::object err = ErrorOf(Answer({"broken.example.test"}));
  EXPECT_EQ(Str(err, "type"), "urn:ietf:params:acme:error:malformed");
  EXPECT_NE(Str(err, "detail").find("is malformed: persistUntil=\"tomorrow\""), std::string::npos)
      << Str(err, "detail");
}

TEST_F(DnsPersistTest, RecordForAnotherCaIsUnauthorized) {
  ca_->resolver.AddTxt("_validation-persist.elsewhere.example.test",
                       {"other-ca.example; accounturi=" + kid_});
  json::object err = ErrorOf(Answer({"elsewhere.example.test"}));
  EXPECT_EQ(Str(err, "type"), "urn:ietf:params:acme:error:unauthorized");
  EXPECT_NE(Str(err, "detail").find("names this CA (signet.test)"), std::string::npos)
      << Str(err, "detail");
}

// As Boulder: the record is looked at again for every order (the draft caps
// reuse at its TTL), while other methods' authorizations are reused.
TEST_F(DnsPersistTest, AuthorizationsAreNotReused) {
  Publish("again.example.test", "");
  Reply first = NewOrder({"again.example.test"});
  std::string authz_url;
  json::object chall = PersistChallenge(first.json, &authz_url);
  ASSERT_EQ(PostJson(Str(chall, "url"), json::object{}).status, 200);
  ASSERT_EQ(Str(WaitForAuthz(authz_url).json, "status"), "valid");
  Reply second = NewOrder({"again.example.test"});
  ASSERT_EQ(second.status, 201);
  EXPECT_NE(second.json.at("authorizations"), first.json.at("authorizations"));
  EXPECT_EQ(Str(second.json, "status"), "pending");
}

}  // namespace
}  // namespace signet::testing
