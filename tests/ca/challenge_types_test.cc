// Issue 4 through the front end: which challenges each identifier gets,
// DNS-01 for wildcards, IP identifiers (RFC 8738), authorization reuse and
// CAA refusals (RFC 8659), with the fixture's DNS table standing in for DNS.
#include "acme_fixture.h"
#include "base/base64url.h"
#include "ca/va/dns01.h"
#include "pki/certificate.h"

namespace signet::testing {
namespace {
namespace json = boost::json;

class ChallengeTypesTest : public AcmeTest {
 protected:
  void SetUp() override {
    AcmeTest::SetUp();
    Register();
  }
  std::vector<std::string> TypesOf(const json::object& authz) {
    std::vector<std::string> out;
    for (const auto& c : authz.at("challenges").as_array()) out.push_back(Str(c.as_object(), "type"));
    return out;
  }
  json::object Challenge(const json::object& authz, const std::string& type) {
    for (const auto& c : authz.at("challenges").as_array())
      if (Str(c.as_object(), "type") == type) return c.as_object();
    ADD_FAILURE() << "no " << type;
    return {};
  }
  Reply OrderFor(const json::array& identifiers, std::string* location = nullptr,
                 const std::string& profile = "") {
    json::object payload{{"identifiers", identifiers}};
    if (!profile.empty()) payload["profile"] = profile;
    Reply r = PostJson(kBase + "/acme/new-order", payload);
    if (location) *location = r.Header("Location");
    return r;
  }
};

TEST_F(ChallengeTypesTest, DnsNamesGetEveryChallengeTypeWildcardsOnlyDnsOnes) {
  Reply order = NewOrder({"types.example.test", "*.types.example.test"});
  ASSERT_EQ(order.status, 201) << order.body;
  std::map<bool, std::vector<std::string>> by_wildcard;
  for (const auto& url : order.json.at("authorizations").as_array()) {
    Reply authz = PostAsGet(std::string(url.as_string()));
    bool wildcard = authz.json.contains("wildcard") && authz.json.at("wildcard").as_bool();
    EXPECT_EQ(Str(authz.json.at("identifier").as_object(), "value"), "types.example.test");
    by_wildcard[wildcard] = TypesOf(authz.json);
  }
  EXPECT_EQ(by_wildcard[false],
            (std::vector<std::string>{"http-01", "dns-01", "tls-alpn-01", "dns-account-01",
                                      "dns-persist-01"}));
  EXPECT_EQ(by_wildcard[true],
            (std::vector<std::string>{"dns-01", "dns-account-01", "dns-persist-01"}));
}

TEST_F(ChallengeTypesTest, WildcardIssuedThroughDns01) {
  std::string location;
  Reply order = NewOrder({"*.wild.example.test"}, &location);
  ASSERT_EQ(order.status, 201) << order.body;
  std::string authz_url(order.json.at("authorizations").as_array()[0].as_string());
  json::object chall = Challenge(PostAsGet(authz_url).json, "dns-01");
  ca_->resolver.AddTxt("_acme-challenge.wild.example.test",
                       {va::Dns01TxtValue(KeyAuthorization(Str(chall, "token")))});
  ASSERT_EQ(PostJson(Str(chall, "url"), json::object{}).status, 200);
  EXPECT_EQ(Str(WaitForAuthz(authz_url).json, "status"), "valid");
  auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  Reply done = PostJson(Str(PostAsGet(location).json, "finalize"),
                        json::object{{"csr", Base64UrlEncode(MakeCsr(*key, {"*.wild.example.test"}))}});
  ASSERT_EQ(Str(done.json, "status"), "valid") << done.body;
  auto chain = pki::CertChainFromPem(PostAsGet(Str(done.json, "certificate")).body);
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(pki::DnsSans((*chain)[0].get()), std::vector<std::string>{"*.wild.example.test"});
}

TEST_F(ChallengeTypesTest, WrongTxtRecordIsIncorrectResponse) {
  Reply order = NewOrder({"txt.example.test"});
  std::string authz_url(order.json.at("authorizations").as_array()[0].as_string());
  json::object chall = Challenge(PostAsGet(authz_url).json, "dns-01");
  ca_->resolver.AddTxt("_acme-challenge.txt.example.test", {"not-the-right-value"});
  PostJson(Str(chall, "url"), json::object{});
  Reply authz = WaitForAuthz(authz_url);
  EXPECT_EQ(Str(authz.json, "status"), "invalid");
  json::object c = Challenge(authz.json, "dns-01");
  EXPECT_EQ(Str(c.at("error").as_object(), "type"), "urn:ietf:params:acme:error:incorrectResponse");
}

TEST_F(ChallengeTypesTest, IpIdentifierGetsHttpAndTlsAlpnAndAnIpSan) {
  std::string location;
  // IP identifiers are issued under the shortlived profile only (issue 5).
  Reply order = OrderFor(json::array{json::object{{"type", "ip"}, {"value", "127.0.0.1"}}},
                         &location, "shortlived");
  ASSERT_EQ(order.status, 201) << order.body;
  std::string authz_url(order.json.at("authorizations").as_array()[0].as_string());
  Reply authz = PostAsGet(authz_url);
  EXPECT_EQ(TypesOf(authz.json), (std::vector<std::string>{"http-01", "tls-alpn-01"}));
  Authorize(order.json);
  auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  crypto::X509ReqPtr unused;
  // A CSR with only the IP SAN.
  std::string csr;
  {
    crypto::X509ReqPtr req(X509_REQ_new());
    X509_REQ_set_pubkey(req.get(), key->get());
    crypto::ExtStackPtr exts(sk_X509_EXTENSION_new_null());
    sk_X509_EXTENSION_push(exts.get(),
                           X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, "IP:127.0.0.1"));
    X509_REQ_add_extensions(req.get(), exts.get());
    X509_REQ_sign(req.get(), key->get(), EVP_sha256());
    unsigned char* der = nullptr;
    int len = i2d_X509_REQ(req.get(), &der);
    csr.assign(reinterpret_cast<char*>(der), size_t(len));
    OPENSSL_free(der);
  }
  Reply done = PostJson(Str(PostAsGet(location).json, "finalize"),
                        json::object{{"csr", Base64UrlEncode(csr)}});
  ASSERT_EQ(Str(done.json, "status"), "valid") << done.body;
  std::string pem = PostAsGet(Str(done.json, "certificate")).body;
  auto chain = pki::CertChainFromPem(pem);
  ASSERT_TRUE(chain.ok());
  crypto::GeneralNamesPtr sans(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i((*chain)[0].get(), NID_subject_alt_name, nullptr, nullptr)));
  ASSERT_EQ(sk_GENERAL_NAME_num(sans.get()), 1);
  EXPECT_EQ(sk_GENERAL_NAME_value(sans.get(), 0)->type, GEN_IPADD);
}

TEST_F(ChallengeTypesTest, ValidAuthorizationIsReusedByTheNextOrder) {
  Reply first = NewOrder({"reuse.example.test"});
  Authorize(first.json);
  std::string location;
  Reply second = NewOrder({"reuse.example.test"}, &location);
  ASSERT_EQ(second.status, 201);
  EXPECT_EQ(second.json.at("authorizations"), first.json.at("authorizations"));
  EXPECT_EQ(Str(PostAsGet(location).json, "status"), "ready");
  // Another account does not get it.
  auto other = crypto::Key::Generate(crypto::KeyType::kEcP256);
  key_ = *other;
  Register();
  Reply third = NewOrder({"reuse.example.test"});
  EXPECT_NE(third.json.at("authorizations"), first.json.at("authorizations"));
}

TEST_F(ChallengeTypesTest, CaaForOtherCaRefusesWithTheCaaProblem) {
  ca_->resolver.AddCaa("caa.example.test", {{0, "issue", "other-ca.example"}});
  Reply order = NewOrder({"www.caa.example.test"});
  auto authzs = Authorize(order.json);
  ASSERT_EQ(authzs.size(), 1u);
  EXPECT_EQ(Str(authzs[0], "status"), "invalid");
  json::object c = Challenge(authzs[0], "http-01");
  const json::object& err = c.at("error").as_object();
  EXPECT_EQ(Str(err, "type"), "urn:ietf:params:acme:error:caa");
  EXPECT_NE(Str(err, "detail").find("caa.example.test"), std::string::npos) << Str(err, "detail");
}

TEST_F(ChallengeTypesTest, CaaNamingThisCaPermits) {
  ca_->resolver.AddCaa("ok.example.test", {{0, "issue", "signet.test"}});
  Reply order = NewOrder({"ok.example.test"});
  EXPECT_EQ(Str(Authorize(order.json)[0], "status"), "valid");
}

}  // namespace
}  // namespace signet::testing
