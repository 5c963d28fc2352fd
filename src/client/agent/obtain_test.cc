// ObtainCertificate against the whole CA in-process (client/acme/test_ca.h)
// whose answers a middleware may rewrite: authorizations for names the
// operator did not request (or a wildcard they did not ask for) stop the
// flow before any solver or hook runs; a CA that changes a name's case is
// answered with the operator's spelling. Also MatchRequestedName's rules.
#include "client/agent/obtain.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "client/acme/test_ca.h"
#include "client/solvers/manual_solver.h"
#include "crypto/digest.h"
#include "pki/certificate.h"
#include "pki/csr_builder.h"

namespace signet::client {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace json = boost::json;

// Publishes http-01 answers on the test CA's responder and records calls.
class RecordingSolver : public Solver {
 public:
  explicit RecordingSolver(TestCa& ca) : ca_(ca) {}
  Status Perform(const std::vector<ChallengeSpec>& challenges) override {
    for (const ChallengeSpec& c : challenges) {
      performed.push_back(c.domain);
      types.push_back(c.type);
      ca_.challenges().Set(c.token, c.key_authorization);
    }
    return OkStatus();
  }
  void Cleanup(const std::vector<ChallengeSpec>& challenges) override {
    cleanups += int(challenges.size());
  }
  std::vector<std::string> performed;
  std::vector<std::string> types;
  int cleanups = 0;

 private:
  TestCa& ca_;
};

class ObtainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http::ClientConfig config;
    config.ca_file = ca_.RootFile();
    config.timeout = 10s;
    http_ = std::make_unique<http::Client>(config);
    auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    ASSERT_TRUE(key.ok());
    signer_ = std::make_unique<KeySigner>(*key);
    acme_ = std::make_unique<AcmeClient>(*http_, *signer_, ca_.DirectoryUrl());
    auto account = acme_->NewAccount({}, true);
    ASSERT_TRUE(account.ok()) << account.error().ToString();
  }

  // Lets `edit` change every authorization the CA returns.
  void RewriteAuthorizations(std::function<void(json::object&)> edit) {
    ca_.SetMiddleware([edit](const http::Request& req, const TestCa::Next& next) {
      http::Response r = next(req);
      if (req.target.find("/acme/authz/") == std::string::npos || r.status != 200) return r;
      json::value v = json::parse(r.body);
      edit(v.as_object());
      r.body = json::serialize(v);
      return r;
    });
  }

  Result<Obtained> Obtain(Solver& solver, const std::vector<std::string>& names,
                          const std::string& preferred_chain = "",
                          const std::vector<std::string>& challenge_types = {}) {
    auto cert_key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    EXPECT_TRUE(cert_key.ok());
    auto csr = pki::BuildCsr(*cert_key, names);
    EXPECT_TRUE(csr.ok());
    ObtainRequest request{names, *csr, "http-01", 20s};
    request.preferred_chain = preferred_chain;
    request.challenge_types = challenge_types;
    return ObtainCertificate(*acme_, solver, request, [this](const std::string& line) {
      log_.push_back(line);
    });
  }

  TestCa ca_;
  std::unique_ptr<http::Client> http_;
  std::unique_ptr<KeySigner> signer_;
  std::unique_ptr<AcmeClient> acme_;
  std::vector<std::string> log_;
};

TEST_F(ObtainTest, IssuesWhenTheAuthorizationsMatch) {
  RecordingSolver solver(ca_);
  auto got = Obtain(solver, {"a.example.test", "b.example.test"});
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  std::sort(solver.performed.begin(), solver.performed.end());
  EXPECT_EQ(solver.performed, (std::vector<std::string>{"a.example.test", "b.example.test"}));
}

// certbot's --preferred-challenges: each authorization gets the first
// preferred type the CA offers; none offered is one error naming them all.
TEST_F(ObtainTest, PreferredChallengesFallBackToWhatTheCaOffers) {
  RewriteAuthorizations([](json::object& authz) {
    json::array kept;
    for (auto& c : authz["challenges"].as_array())
      if (c.as_object()["type"].as_string() != "tls-alpn-01") kept.push_back(c);
    authz["challenges"] = kept;
  });
  RecordingSolver solver(ca_);
  auto got = Obtain(solver, {"a.example.test"}, "", {"tls-alpn-01", "http-01"});
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(solver.types, std::vector<std::string>{"http-01"});

  RecordingSolver none(ca_);
  auto refused = Obtain(none, {"b.example.test"}, "", {"tls-alpn-01"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kMalformed);
  EXPECT_NE(refused.error().detail.find("the CA offers no tls-alpn-01 challenge for b.example.test"),
            std::string::npos)
      << refused.error().detail;
  EXPECT_TRUE(none.performed.empty());
}

TEST_F(ObtainTest, AuthorizationForAnUnrequestedNameRunsNoHook) {
  // A hostile CA swaps one name for a shell payload; the manual hook would
  // see it as CERTBOT_DOMAIN.
  RewriteAuthorizations([](json::object& authz) {
    if (authz["identifier"].as_object()["value"].as_string() == "b.example.test")
      authz["identifier"].as_object()["value"] = "evil;rm -rf ~\nx";
  });
  fs::path marker = fs::temp_directory_path() /
                    ("obtain_test_hook_ran_" + crypto::HexEncode(crypto::RandomBytes(6)));
  ManualSolver solver("touch '" + marker.string() + "'", "touch '" + marker.string() + "'");
  auto got = Obtain(solver, {"a.example.test", "b.example.test"});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kServerInternal);
  EXPECT_EQ(got.error().detail,
            "the CA sent an authorization for \"dns\" identifier \"evil;rm -rf ~\\x0ax\", which "
            "was not requested (requested: a.example.test, b.example.test); refusing to answer "
            "any challenge of this order");
  EXPECT_FALSE(fs::exists(marker));
  std::error_code ec;
  fs::remove(marker, ec);
}

TEST_F(ObtainTest, AuthorizationForAnotherNameReachesNoSolver) {
  RewriteAuthorizations([](json::object& authz) {
    authz["identifier"].as_object()["value"] = "victim.example.test";
  });
  RecordingSolver solver(ca_);
  auto got = Obtain(solver, {"a.example.test"});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().detail,
            "the CA sent an authorization for \"dns\" identifier \"victim.example.test\", which "
            "was not requested (requested: a.example.test); refusing to answer any challenge of "
            "this order");
  EXPECT_TRUE(solver.performed.empty());
  EXPECT_EQ(solver.cleanups, 0);
}

TEST_F(ObtainTest, WildcardAuthorizationForANonWildcardRequestIsRefused) {
  RewriteAuthorizations([](json::object& authz) { authz["wildcard"] = true; });
  RecordingSolver solver(ca_);
  auto got = Obtain(solver, {"w.example.test"});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().detail,
            "the CA sent an authorization for \"dns\" identifier \"w.example.test\" (wildcard), "
            "which was not requested (requested: w.example.test); refusing to answer any "
            "challenge of this order");
  EXPECT_TRUE(solver.performed.empty());
}

TEST_F(ObtainTest, NamesDifferingOnlyInCaseMatchAndTheRequestedSpellingIsUsed) {
  RewriteAuthorizations([](json::object& authz) {
    authz["identifier"].as_object()["value"] = "CaSe.Example.TEST";
  });
  RecordingSolver solver(ca_);
  auto got = Obtain(solver, {"case.example.test"});
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(solver.performed, std::vector<std::string>{"case.example.test"});
}

std::string TopIssuerCn(const std::string& chain_pem) {
  auto chain = pki::CertChainFromPem(chain_pem);
  if (!chain.ok() || chain->empty()) return "unparsable";
  char buf[256] = {0};
  int len = X509_NAME_get_text_by_NID(X509_get_issuer_name(chain->back().get()), NID_commonName,
                                      buf, sizeof(buf));
  return len < 0 ? "" : std::string(buf, size_t(len));
}

// certbot's --preferred-chain: the CA's default chain leads to "Signet Root
// CA", its alternate (Link rel="alternate") to "Signet Alternate Root X2".
TEST_F(ObtainTest, PreferredChainPicksTheAlternateByItsTopmostIssuer) {
  RecordingSolver solver(ca_);
  auto got = Obtain(solver, {"chain.example.test"}, "Signet Alternate Root X2");
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(TopIssuerCn(got->fullchain_pem), "Signet Alternate Root X2");
  EXPECT_EQ(TopIssuerCn(got->chain_pem), "Signet Alternate Root X2");
  EXPECT_EQ(got->fullchain_pem, got->cert_pem + got->chain_pem);
  EXPECT_NE(std::find(log_.begin(), log_.end(),
                      "Using the alternate chain with the preferred issuer \"Signet Alternate "
                      "Root X2\""),
            log_.end());
}

TEST_F(ObtainTest, WithoutAMatchOrAPreferenceTheDefaultChainIsKept) {
  RecordingSolver solver(ca_);
  auto plain = Obtain(solver, {"plain.example.test"});
  ASSERT_TRUE(plain.ok()) << plain.error().ToString();
  EXPECT_EQ(TopIssuerCn(plain->fullchain_pem), "Signet Root CA");
  auto unmatched = Obtain(solver, {"unmatched.example.test"}, "ISRG Root X1");
  ASSERT_TRUE(unmatched.ok()) << unmatched.error().ToString();
  EXPECT_EQ(TopIssuerCn(unmatched->fullchain_pem), "Signet Root CA");
  EXPECT_NE(std::find(log_.begin(), log_.end(),
                      "No chain from the CA has the preferred issuer \"ISRG Root X1\"; using the "
                      "default chain"),
            log_.end());
}

// An alternate that cannot be fetched is skipped; the others still count.
TEST_F(ObtainTest, AnAlternateThatFailsIsSkipped) {
  ca_.SetMiddleware([](const http::Request& req, const TestCa::Next& next) {
    http::Response r = next(req);
    if (req.target.find("/acme/cert/") != std::string::npos &&
        req.target.find("/alternate/") == std::string::npos) {
      std::string base = "<https://" + req.host + std::string(req.target);
      r.Add("Link", base + "/alternate/7>;rel=\"alternate\"");
    }
    return r;
  });
  RecordingSolver solver(ca_);
  auto got = Obtain(solver, {"skip.example.test"}, "Signet Alternate Root X2");
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(TopIssuerCn(got->fullchain_pem), "Signet Alternate Root X2");
  bool skipped = false;
  for (const auto& line : log_) skipped |= line.starts_with("Skipping the alternate chain \"");
  EXPECT_TRUE(skipped);
}

Authorization Authz(std::string type, std::string value, bool wildcard) {
  Authorization a;
  a.identifier = {std::move(type), std::move(value)};
  a.wildcard = wildcard;
  return a;
}

TEST(MatchRequestedNameTest, TypeValueAndWildcardMustMatchARequestedName) {
  const std::vector<std::string> requested = {"example.com", "*.Example.org"};
  auto match = [&](const Authorization& a) {
    Result<std::string> r = MatchRequestedName(a, requested);
    return r.ok() ? *r : "refused: " + r.error().detail;
  };
  EXPECT_EQ(match(Authz("dns", "example.com", false)), "example.com");
  EXPECT_EQ(match(Authz("DNS", "EXAMPLE.com", false)), "example.com");
  EXPECT_EQ(match(Authz("dns", "example.org", true)), "Example.org");
  EXPECT_EQ(match(Authz("dns", "example.com", true)),
            "refused: the CA sent an authorization for \"dns\" identifier \"example.com\" "
            "(wildcard), which was not requested (requested: example.com, *.Example.org); "
            "refusing to answer any challenge of this order");
  EXPECT_TRUE(match(Authz("dns", "example.org", false)).starts_with("refused: "));
  EXPECT_TRUE(match(Authz("dns", "*.example.org", true)).starts_with("refused: "));
  EXPECT_TRUE(match(Authz("ip", "example.com", false)).starts_with("refused: "));
  EXPECT_TRUE(match(Authz("dns", "sub.example.com", false)).starts_with("refused: "));
  std::string long_name(300, 'a');
  std::string refused = match(Authz("dns", long_name, false));
  EXPECT_NE(refused.find("\"" + std::string(100, 'a') + "\"..."), std::string::npos) << refused;
}

// RFC 8738: an ip identifier matches a requested address in canonical form,
// never a DNS name with the same text, never as a wildcard.
TEST(MatchRequestedNameTest, IpIdentifiersMatchRequestedAddresses) {
  const std::vector<std::string> requested = {"127.0.0.1", "2001:db8::1", "example.com"};
  auto match = [&](const Authorization& a) {
    Result<std::string> r = MatchRequestedName(a, requested);
    return r.ok() ? *r : "refused: " + r.error().detail;
  };
  EXPECT_EQ(match(Authz("ip", "127.0.0.1", false)), "127.0.0.1");
  EXPECT_EQ(match(Authz("IP", "2001:DB8:0::1", false)), "2001:db8::1");
  EXPECT_EQ(match(Authz("ip", "127.0.0.2", false)),
            "refused: the CA sent an authorization for \"ip\" identifier \"127.0.0.2\", which "
            "was not requested (requested: 127.0.0.1, 2001:db8::1, example.com); refusing to "
            "answer any challenge of this order");
  EXPECT_TRUE(match(Authz("ip", "127.0.0.1", true)).starts_with("refused: "));
  EXPECT_TRUE(match(Authz("dns", "127.0.0.1", false)).starts_with("refused: "));
}

}  // namespace
}  // namespace signet::client
