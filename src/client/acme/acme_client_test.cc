// AcmeClient against the real CA (in-process, over HTTPS on loopback, HTTP-01
// validated against a real responder): the whole issuance flow, accounts,
// problem documents, badNonce recovery, garbage answers and polling speed.
#include "client/acme/acme_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>

#include "base/base64url.h"
#include "crypto/digest.h"
#include "jose/jwk.h"
#include "pki/certificate.h"
#include "pki/test_support.h"
#include "test_ca.h"

namespace signet::client {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

AcmeClient::Deadline In(std::chrono::milliseconds d) { return Clock::now() + d; }

crypto::Key NewKey() {
  auto k = crypto::Key::Generate(crypto::KeyType::kEcP256);
  EXPECT_TRUE(k.ok());
  return *k;
}

http::Response BadNonceProblem(const std::string& fresh_nonce) {
  http::Response r;
  r.status = 400;
  r.Set("Content-Type", "application/problem+json");
  r.Set("Replay-Nonce", fresh_nonce);
  r.body = R"({"type":"urn:ietf:params:acme:error:badNonce",)"
           R"("detail":"JWS has an invalid anti-replay nonce","status":400})";
  return r;
}

// Rewrites the "status" of a JSON answer (to simulate a slower CA).
http::Response WithStatus(http::Response r, const std::string& status) {
  json::value v = json::parse(r.body);
  v.as_object()["status"] = status;
  r.body = json::serialize(v);
  return r;
}

class AcmeClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = std::make_unique<TestCa>();
    http::ClientConfig config;
    config.ca_file = ca_->RootFile();
    config.timeout = 10s;
    http_ = std::make_unique<http::Client>(config);
    account_key_ = NewKey();
    signer_ = std::make_unique<KeySigner>(account_key_);
    client_ = MakeClient(*signer_);
  }

  std::unique_ptr<AcmeClient> MakeClient(AccountSigner& signer) {
    return std::make_unique<AcmeClient>(*http_, signer, ca_->DirectoryUrl(),
                                        [this](const std::string& m) { log_.push_back(m); });
  }

  void Register() {
    auto account = client_->NewAccount({"mailto:ops@example.com"}, true);
    ASSERT_TRUE(account.ok()) << account.error().ToString();
  }

  // Publishes the key authorization of `authz_url`'s http-01 challenge and
  // tells the CA to validate it.
  void Answer(const std::string& authz_url, bool serve = true) {
    auto authz = client_->GetAuthorization(authz_url);
    ASSERT_TRUE(authz.ok()) << authz.error().ToString();
    const Challenge* http01 = authz->FindChallenge("http-01");
    ASSERT_NE(http01, nullptr);
    if (serve) ca_->challenges().Set(http01->token, client_->KeyAuthorization(http01->token));
    auto started = client_->RespondToChallenge(http01->url);
    ASSERT_TRUE(started.ok()) << started.error().ToString();
    EXPECT_EQ(started->url, http01->url);
  }

  // new order -> challenges -> finalize -> download. Returns the PEM chain.
  std::string Issue(const std::vector<std::string>& names) {
    auto order = client_->NewOrder(names);
    EXPECT_TRUE(order.ok()) << order.error().ToString();
    if (!order.ok()) return "";
    EXPECT_EQ(order->status, "pending");
    EXPECT_EQ(order->authorizations.size(), names.size());
    for (const std::string& url : order->authorizations) {
      Answer(url);
      auto done = client_->WaitForAuthorization(url, In(10s));
      EXPECT_TRUE(done.ok()) << done.error().ToString();
      if (done.ok()) {
        EXPECT_EQ(done->status, "valid");
      }
    }
    auto ready = client_->WaitForOrder(order->url, In(10s));
    EXPECT_TRUE(ready.ok() && ready->status == "ready");
    if (!ready.ok()) return "";
    cert_key_ = NewKey();
    auto finalized = client_->Finalize(*ready, signet::testing::MakeCsr(cert_key_, names));
    EXPECT_TRUE(finalized.ok()) << finalized.error().ToString();
    auto valid = client_->WaitForOrder(order->url, In(10s));
    EXPECT_TRUE(valid.ok() && valid->status == "valid");
    if (!valid.ok()) return "";
    auto pem = client_->DownloadCertificate(valid->certificate_url);
    EXPECT_TRUE(pem.ok()) << pem.error().ToString();
    return pem.ok() ? *pem : "";
  }

  std::unique_ptr<TestCa> ca_;
  std::unique_ptr<http::Client> http_;
  crypto::Key account_key_, cert_key_;
  std::unique_ptr<KeySigner> signer_;
  std::unique_ptr<AcmeClient> client_;
  std::vector<std::string> log_;
};

TEST_F(AcmeClientTest, Directory) {
  auto dir = client_->FetchDirectory();
  ASSERT_TRUE(dir.ok()) << dir.error().ToString();
  std::string base = ca_->DirectoryUrl().substr(0, ca_->DirectoryUrl().find("/directory"));
  EXPECT_EQ(dir->new_nonce, base + "/acme/new-nonce");
  EXPECT_EQ(dir->new_account, base + "/acme/new-acct");
  EXPECT_EQ(dir->new_order, base + "/acme/new-order");
  EXPECT_EQ(dir->revoke_cert, base + "/acme/revoke-cert");
  EXPECT_EQ(dir->key_change, base + "/acme/key-change");
  EXPECT_EQ(dir->renewal_info, base + "/acme/renewal-info");  // RFC 9773
  EXPECT_EQ(dir->terms_of_service, "https://signet.invalid/terms");
  EXPECT_FALSE(dir->external_account_required);
}

TEST_F(AcmeClientTest, IssuesACertificateForTwoNames) {
  Register();
  std::vector<std::string> names = {"www.example.test", "example.test"};
  std::string pem = Issue(names);
  auto chain = pki::CertChainFromPem(pem);
  ASSERT_TRUE(chain.ok()) << pem;
  ASSERT_EQ(chain->size(), 2u);
  auto sans = pki::DnsSans((*chain)[0].get());
  std::sort(sans.begin(), sans.end());
  EXPECT_EQ(sans, (std::vector<std::string>{"example.test", "www.example.test"}));
  auto root = pki::CertFromPem(ca_->RootPem());
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(pki::testing_support::VerifyChain(root->get(), (*chain)[1].get(), (*chain)[0].get(),
                                              "www.example.test"),
            "");
  EXPECT_EQ(http_->connections_opened(), 1);  // keep-alive across the whole flow
}

TEST_F(AcmeClientTest, Accounts) {
  auto created = client_->NewAccount({"mailto:ops@example.com"}, true);
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  EXPECT_TRUE(created->created);
  EXPECT_EQ(created->status, "valid");
  EXPECT_EQ(created->contacts, std::vector<std::string>{"mailto:ops@example.com"});
  EXPECT_EQ(client_->account_url(), created->url);

  auto again = MakeClient(*signer_);  // a later run of the agent: look the account up
  auto existing = again->NewAccount({}, false, /*only_return_existing=*/true);
  ASSERT_TRUE(existing.ok()) << existing.error().ToString();
  EXPECT_FALSE(existing->created);
  EXPECT_EQ(existing->url, created->url);

  auto updated = again->UpdateAccount({"mailto:new@example.com"});
  ASSERT_TRUE(updated.ok()) << updated.error().ToString();
  EXPECT_EQ(updated->contacts, std::vector<std::string>{"mailto:new@example.com"});
  auto fetched = client_->GetAccount();
  ASSERT_TRUE(fetched.ok());
  EXPECT_EQ(fetched->contacts, std::vector<std::string>{"mailto:new@example.com"});

  auto gone = client_->DeactivateAccount();
  ASSERT_TRUE(gone.ok()) << gone.error().ToString();
  EXPECT_EQ(gone->status, "deactivated");
  auto refused = client_->NewOrder({"example.test"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnauthorized) << refused.error().detail;
}

TEST_F(AcmeClientTest, UnknownAccountAndNoAccount) {
  auto order = client_->NewOrder({"example.test"});
  ASSERT_FALSE(order.ok());
  EXPECT_EQ(order.error().code, ErrorCode::kAccountDoesNotExist);
  auto lookup = client_->NewAccount({}, false, /*only_return_existing=*/true);
  ASSERT_FALSE(lookup.ok());
  EXPECT_EQ(lookup.error().code, ErrorCode::kAccountDoesNotExist);
  EXPECT_EQ(lookup.error().detail, "accountDoesNotExist: no account exists with the provided key");
}

TEST_F(AcmeClientTest, ProblemDocumentsBecomeReadableErrors) {
  Register();
  auto one = client_->NewOrder({"bad_name.example.test"});
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.error().code, ErrorCode::kRejectedIdentifier);
  EXPECT_TRUE(one.error().detail.starts_with("rejectedIdentifier: ")) << one.error().detail;
  EXPECT_NE(one.error().detail.find("bad_name.example.test"), std::string::npos);

  auto two = client_->NewOrder({"bad_name.example.test", "ok.example.test", "-x.example.test"});
  ASSERT_FALSE(two.ok());
  const std::string& d = two.error().detail;
  EXPECT_EQ(two.error().code, ErrorCode::kRejectedIdentifier);
  EXPECT_TRUE(d.starts_with("rejectedIdentifier: ")) << d;
  EXPECT_NE(d.find("; bad_name.example.test: rejectedIdentifier: "), std::string::npos) << d;
  EXPECT_NE(d.find("; -x.example.test: rejectedIdentifier: "), std::string::npos) << d;
  EXPECT_EQ(d.find("ok.example.test"), std::string::npos) << d;
}

TEST_F(AcmeClientTest, FailedValidationCarriesTheChallengeError) {
  Register();
  auto order = client_->NewOrder({"unserved.example.test"});
  ASSERT_TRUE(order.ok()) << order.error().ToString();
  Answer(order->authorizations[0], /*serve=*/false);
  auto authz = client_->WaitForAuthorization(order->authorizations[0], In(10s));
  ASSERT_TRUE(authz.ok()) << authz.error().ToString();
  EXPECT_EQ(authz->status, "invalid");
  const Challenge* c = authz->FindChallenge("http-01");
  ASSERT_TRUE(c && c->error);
  Error e = ProblemToError(*c->error);
  EXPECT_NE(e.detail.find(": "), std::string::npos) << e.detail;
  auto invalid = client_->WaitForOrder(order->url, In(10s));
  ASSERT_TRUE(invalid.ok());
  EXPECT_EQ(invalid->status, "invalid");
}

TEST_F(AcmeClientTest, RecoversFromBadNonceOnEverySecondPost) {
  std::atomic<int> posts{0}, injected{0};
  ca_->SetMiddleware([&](const http::Request& req, const TestCa::Next& next) {
    if (req.method == "POST" && ++posts % 2 == 0) {
      ++injected;
      return BadNonceProblem(ca_->FreshNonce());
    }
    return next(req);
  });
  Register();
  std::string pem = Issue({"nonce.example.test"});
  EXPECT_NE(pem.find("-----BEGIN CERTIFICATE-----"), std::string::npos);
  EXPECT_GE(injected.load(), 5);
}

TEST_F(AcmeClientTest, GivesUpAfterRepeatedBadNonces) {
  std::atomic<int> posts{0};
  ca_->SetMiddleware([&](const http::Request& req, const TestCa::Next& next) {
    if (req.method != "POST") return next(req);
    ++posts;
    return BadNonceProblem(ca_->FreshNonce());
  });
  auto r = client_->NewAccount({}, true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kBadNonce);
  EXPECT_EQ(r.error().detail, "badNonce: JWS has an invalid anti-replay nonce");
  EXPECT_EQ(posts.load(), 1 + AcmeTransport::kMaxBadNonceRetries);
}

TEST_F(AcmeClientTest, GarbageAnswersAreClearErrors) {
  ca_->SetMiddleware([](const http::Request&, const TestCa::Next&) {
    http::Response r;
    r.status = 502;
    r.Set("Content-Type", "text/html");
    r.body = "<html><body>Bad Gateway</body></html>";
    return r;
  });
  auto dir = client_->FetchDirectory();
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.error().code, ErrorCode::kServerInternal);
  EXPECT_EQ(dir.error().detail,
            "the server at " + ca_->DirectoryUrl() + " did not answer with ACME JSON (HTTP 502)");

  ca_->SetMiddleware([](const http::Request& req, const TestCa::Next& next) {
    if (req.method != "POST") return next(req);
    http::Response r = next(req);
    r.body = "surprise";
    return r;
  });
  auto account = client_->NewAccount({}, true);
  ASSERT_FALSE(account.ok());
  EXPECT_NE(account.error().detail.find("did not answer with ACME JSON (HTTP 201)"),
            std::string::npos)
      << account.error().detail;
}

TEST_F(AcmeClientTest, PicksUpAReadyAnswerWithinMilliseconds) {
  Register();
  auto order = client_->NewOrder({"fast.example.test"});
  ASSERT_TRUE(order.ok());
  const std::string authz_url = order->authorizations[0];
  Answer(authz_url);
  // A CA that says "pending" three more times and never sends Retry-After.
  std::atomic<int> polls{0};
  ca_->SetMiddleware([&](const http::Request& req, const TestCa::Next& next) {
    http::Response r = next(req);
    if (!authz_url.ends_with(req.target)) return r;
    std::erase_if(r.headers,
                  [](const auto& h) { return http::EqualsIgnoreCase(h.first, "Retry-After"); });
    return ++polls <= 3 ? WithStatus(std::move(r), "pending") : r;
  });
  auto start = Clock::now();
  auto authz = client_->WaitForAuthorization(authz_url, In(10s));
  auto elapsed = Clock::now() - start;
  ASSERT_TRUE(authz.ok()) << authz.error().ToString();
  EXPECT_EQ(authz->status, "valid");
  EXPECT_GE(polls.load(), 4);
  EXPECT_LT(elapsed, 700ms);
  start = Clock::now();
  auto ready = client_->WaitForOrder(order->url, In(10s));
  ASSERT_TRUE(ready.ok());
  EXPECT_EQ(ready->status, "ready");
  EXPECT_LT(Clock::now() - start, 300ms);
}

TEST_F(AcmeClientTest, HonoursRetryAfterButNotPastTheDeadline) {
  Register();
  auto order = client_->NewOrder({"slow.example.test"});
  ASSERT_TRUE(order.ok());
  const std::string authz_url = order->authorizations[0];
  Answer(authz_url);
  // The first poll says "pending" with Retry-After: 1.
  std::atomic<int> polls{0};
  ca_->SetMiddleware([&](const http::Request& req, const TestCa::Next& next) {
    http::Response r = next(req);
    if (!authz_url.ends_with(req.target) || ++polls > 1) return r;
    r.Set("Retry-After", "1");
    return WithStatus(std::move(r), "pending");
  });
  auto start = Clock::now();
  auto authz = client_->WaitForAuthorization(authz_url, In(10s));
  auto elapsed = Clock::now() - start;
  ASSERT_TRUE(authz.ok()) << authz.error().ToString();
  EXPECT_GE(elapsed, 950ms);
  EXPECT_LT(elapsed, 2000ms);

  // Never answered, and the CA asks for 30 s: the deadline wins.
  auto stuck = client_->NewOrder({"stuck.example.test"});
  ASSERT_TRUE(stuck.ok());
  ca_->SetMiddleware([](const http::Request& req, const TestCa::Next& next) {
    http::Response r = next(req);
    r.Set("Retry-After", "30");
    return r;
  });
  start = Clock::now();
  auto timed_out = client_->WaitForAuthorization(stuck->authorizations[0], In(400ms));
  elapsed = Clock::now() - start;
  ASSERT_FALSE(timed_out.ok());
  EXPECT_NE(timed_out.error().detail.find("timed out waiting for the authorization"),
            std::string::npos);
  EXPECT_NE(timed_out.error().detail.find("(still pending)"), std::string::npos);
  EXPECT_GE(elapsed, 350ms);
  EXPECT_LT(elapsed, 1500ms);
}

TEST_F(AcmeClientTest, KeyAuthorizations) {
  EXPECT_EQ(client_->KeyAuthorization("tok"), "tok." + jose::Thumbprint(account_key_));
  EXPECT_EQ(client_->Dns01TxtValue("tok"),
            Base64UrlEncode(crypto::Sha256("tok." + jose::Thumbprint(account_key_))));
}

std::string LeafDer(const std::string& pem) {
  auto chain = pki::CertChainFromPem(pem);
  EXPECT_TRUE(chain.ok() && !chain->empty());
  return chain.ok() && !chain->empty() ? pki::CertToDer((*chain)[0].get()) : "";
}

TEST_F(AcmeClientTest, RevokesWithTheAccountKey) {
  Register();
  std::string der = LeafDer(Issue({"revoke.example.test"}));
  Status bad_reason = client_->RevokeCertificate(der, 7);
  ASSERT_FALSE(bad_reason.ok());
  EXPECT_EQ(bad_reason.error().code, ErrorCode::kBadRevocationReason);
  Status revoked = client_->RevokeCertificate(der, 4);
  ASSERT_TRUE(revoked.ok()) << revoked.error().ToString();
  Status again = client_->RevokeCertificate(der, 4);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyRevoked);
  EXPECT_EQ(again.error().detail, "alreadyRevoked: certificate is already revoked");
}

TEST_F(AcmeClientTest, RevokesWithTheCertificateKey) {
  Register();
  std::string der = LeafDer(Issue({"compromised.example.test"}));
  KeySigner stranger(NewKey());
  Status wrong = client_->RevokeCertificateWithKey(der, 1, stranger);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthorized) << wrong.error().detail;
  KeySigner cert_signer(cert_key_);
  Status revoked = client_->RevokeCertificateWithKey(der, 1, cert_signer);
  EXPECT_TRUE(revoked.ok()) << revoked.error().ToString();
}

}  // namespace
}  // namespace signet::client
