// Issue 5, RFC 9773: renewalInfo windows (default, moved by the operator,
// revoked) and newOrder "replaces", refused the second time.
#include "acme_fixture.h"
#include "base/base64url.h"
#include "ca/ra/admin.h"
#include "ca/wfe/render.h"
#include "pki/ari_cert_id.h"
#include "pki/certificate.h"

namespace signet::testing {
namespace {
namespace json = boost::json;

struct Issued {
  std::string der;
  std::string serial;
  std::string cert_id;  // ARI CertID
};

class RenewalInfoTest : public AcmeTest {
 protected:
  void SetUp() override {
    AcmeTest::SetUp();
    Register();
  }
  Issued Issue(const std::vector<std::string>& names, const json::object& extra = {}) {
    auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    std::string pem;
    Reply done = IssueWithCsr(names, MakeCsr(*key, names), extra, &pem);
    EXPECT_EQ(Str(done.json, "status"), "valid") << done.body;
    auto chain = pki::CertChainFromPem(pem);
    if (!chain.ok() || chain->empty()) return {};
    X509* leaf = (*chain)[0].get();
    return {pki::CertToDer(leaf), pki::SerialHex(leaf), pki::AriCertIdOf(leaf)};
  }
  Reply RenewalInfo(const std::string& cert_id) {
    return Send({"GET", "/acme/renewal-info/" + cert_id, "", true, {}, ""});
  }
  static acme::TimePoint Time(const json::object& window, const char* key) {
    auto t = ca::ParseRfc3339(Str(window, key));
    EXPECT_TRUE(t.ok()) << Str(window, key);
    return t.ok() ? *t : acme::TimePoint();
  }
  Reply OrderReplacing(const std::vector<std::string>& names, const std::string& cert_id) {
    json::array ids;
    for (const auto& n : names) ids.push_back(json::object{{"type", "dns"}, {"value", n}});
    return PostJson(kBase + "/acme/new-order",
                    json::object{{"identifiers", ids}, {"replaces", cert_id}});
  }
};

TEST_F(RenewalInfoTest, DirectoryNamesRenewalInfo) {
  Reply dir = Send({"GET", "/directory", "", true, {}, ""});
  EXPECT_EQ(Str(dir.json, "renewalInfo"), kBase + "/acme/renewal-info");
}

TEST_F(RenewalInfoTest, DefaultWindowIsAroundTwoThirdsOfTheValidity) {
  Issued cert = Issue({"ari.example.test"});
  Reply r = RenewalInfo(cert.cert_id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Retry-After"), "21600");
  const json::object& window = r.json.at("suggestedWindow").as_object();
  auto x509 = pki::CertFromDer(cert.der);
  ASSERT_TRUE(x509.ok());
  acme::TimePoint nb = pki::NotBefore(x509->get()), na = pki::NotAfter(x509->get());
  acme::TimePoint start = Time(window, "start"), end = Time(window, "end");
  auto two_thirds = nb + (na - nb) * 2 / 3;
  EXPECT_LT(start, two_thirds);
  EXPECT_GT(end, two_thirds);
  EXPECT_LE(end - start, std::chrono::hours(24 * 4));
  EXPECT_GT(start, nb + (na - nb) / 2);
  EXPECT_FALSE(r.json.contains("explanationURL"));
}

TEST_F(RenewalInfoTest, OperatorMovesTheWindowAndClientsSeeIt) {
  Issued a = Issue({"a.move.example.test"});
  Issued b = Issue({"b.move.example.test"});
  Issued other = Issue({"c.move.example.test"});
  auto start = *ca::ParseRfc3339("2030-01-01T00:00:00Z");
  auto end = *ca::ParseRfc3339("2030-01-02T00:00:00Z");
  ASSERT_TRUE(ca::AdminSetRenewalWindow(*ca_->store, {a.serial, b.serial}, start, end,
                                        "https://ops.example.test/drill")
                  .ok());
  for (const Issued& moved : {a, b}) {
    Reply r = RenewalInfo(moved.cert_id);
    ASSERT_EQ(r.status, 200) << r.body;
    const json::object& window = r.json.at("suggestedWindow").as_object();
    EXPECT_EQ(Str(window, "start"), "2030-01-01T00:00:00Z");
    EXPECT_EQ(Str(window, "end"), "2030-01-02T00:00:00Z");
    EXPECT_EQ(Str(r.json, "explanationURL"), "https://ops.example.test/drill");
  }
  EXPECT_NE(Str(RenewalInfo(other.cert_id).json.at("suggestedWindow").as_object(), "start"),
            "2030-01-01T00:00:00Z");
}

TEST_F(RenewalInfoTest, RevokedCertificateShouldRenewNow) {
  Issued cert = Issue({"revoked.ari.example.test"});
  ASSERT_TRUE(
      ca::AdminRevoke(*ca_->store, cert.serial, 4, "https://ops.example.test/incident").ok());
  Reply r = RenewalInfo(cert.cert_id);
  ASSERT_EQ(r.status, 200);
  EXPECT_LT(Time(r.json.at("suggestedWindow").as_object(), "end"), acme::Clock::now());
  EXPECT_EQ(Str(r.json, "explanationURL"), "https://ops.example.test/incident");
}

TEST_F(RenewalInfoTest, UnknownOrMalformedCertIds) {
  Issued cert = Issue({"unknown.ari.example.test"});
  auto id = pki::ParseAriCertId(cert.cert_id);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(RenewalInfo(pki::FormatAriCertId(id->key_id, "7f00")).status, 404);
  EXPECT_EQ(RenewalInfo(pki::FormatAriCertId("other-issuer", id->serial_hex)).status, 404);
  Reply bad = RenewalInfo("not-a-cert-id");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Type(), "malformed");
}

TEST_F(RenewalInfoTest, ReplacesIsRecordedAndASecondReplacementIsRefused) {
  Issued old = Issue({"renew.example.test", "www.renew.example.test"});
  Reply first = OrderReplacing({"renew.example.test"}, old.cert_id);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(Str(first.json, "replaces"), old.cert_id);
  Reply second = OrderReplacing({"renew.example.test", "www.renew.example.test"}, old.cert_id);
  EXPECT_EQ(second.status, 409);
  EXPECT_EQ(second.Type(), "alreadyReplaced");
  // The link is kept with the order.
  Reply again = PostAsGet(first.Header("Location"));
  EXPECT_EQ(Str(again.json, "replaces"), old.cert_id);
}

TEST_F(RenewalInfoTest, ReplacementFlowIssuesAndKeepsTheLink) {
  Issued old = Issue({"flow.renew.example.test"});
  Issued renewed = Issue({"flow.renew.example.test"}, json::object{{"replaces", old.cert_id}});
  ASSERT_FALSE(renewed.serial.empty());
  EXPECT_EQ(OrderReplacing({"flow.renew.example.test"}, old.cert_id).Type(), "alreadyReplaced");
}

TEST_F(RenewalInfoTest, ReplacesMustNameOwnCertificateSharingAnIdentifier) {
  Issued old = Issue({"mine.renew.example.test"});
  EXPECT_EQ(OrderReplacing({"unrelated.example.test"}, old.cert_id).Type(), "malformed");
  EXPECT_EQ(OrderReplacing({"mine.renew.example.test"}, "garbage").Type(), "malformed");
  auto id = pki::ParseAriCertId(old.cert_id);
  EXPECT_EQ(
      OrderReplacing({"mine.renew.example.test"}, pki::FormatAriCertId(id->key_id, "7f01")).Type(),
      "malformed");
  auto other = crypto::Key::Generate(crypto::KeyType::kEcP256);
  key_ = *other;
  Register();
  Reply stranger = OrderReplacing({"mine.renew.example.test"}, old.cert_id);
  EXPECT_EQ(stranger.status, 403);
  EXPECT_EQ(stranger.Type(), "unauthorized");
}

TEST_F(RenewalInfoTest, CertIdMatchesRfc9773Example) {
  // RFC 9773 4.1: AKI keyIdentifier 69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:DE:01:C8:D4,
  // serial 00:87:65:43:21 -> "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE".
  std::string key_id(
      "\x69\x88\x5b\x6b\x87\x46\x40\x41\xe1\xb3\x7b\x84\x7b\xa0\xae\x2c\xde\x01\xc8\xd4", 20);
  EXPECT_EQ(pki::FormatAriCertId(key_id, "87654321"), "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE");
  auto parsed = pki::ParseAriCertId("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->key_id, key_id);
  EXPECT_EQ(parsed->serial_hex, "87654321");
}

}  // namespace
}  // namespace signet::testing
