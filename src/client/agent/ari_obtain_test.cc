// RFC 9773 against the whole CA in-process (client/acme/test_ca.h): the
// CertID the agent computes is one the CA's renewalInfo knows, its window
// parses, a renewal's newOrder carries "replaces", and a second order
// replacing the same certificate is refused with alreadyReplaced and placed
// again without it.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/base64url.h"
#include "client/acme/renewal_info.h"
#include "client/acme/test_ca.h"
#include "client/agent/obtain.h"
#include "pki/ari_cert_id.h"
#include "pki/certificate.h"
#include "pki/csr_builder.h"

namespace signet::client {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

class PublishingSolver : public Solver {
 public:
  explicit PublishingSolver(TestCa& ca) : ca_(ca) {}
  Status Perform(const std::vector<ChallengeSpec>& challenges) override {
    for (const ChallengeSpec& c : challenges) ca_.challenges().Set(c.token, c.key_authorization);
    return OkStatus();
  }
  void Cleanup(const std::vector<ChallengeSpec>&) override {}

 private:
  TestCa& ca_;
};

class AriObtainTest : public ::testing::Test {
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
    ASSERT_TRUE(acme_->NewAccount({}, true).ok());
    auto dir = acme_->FetchDirectory();
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    // Records the payload of every newOrder.
    ca_.SetMiddleware([this](const http::Request& req, const TestCa::Next& next) {
      if (dir_.new_order.find(req.target) != std::string::npos && !req.body.empty()) {
        json::value jws = json::parse(req.body);
        auto payload = Base64UrlDecode(std::string(jws.at("payload").as_string()));
        if (payload.ok()) new_orders_.push_back(json::parse(*payload).as_object());
      }
      return next(req);
    });
  }

  Result<Obtained> Obtain(const std::string& replaces) {
    auto cert_key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    EXPECT_TRUE(cert_key.ok());
    auto csr = pki::BuildCsr(*cert_key, {"ari.example.test"});
    EXPECT_TRUE(csr.ok());
    ObtainRequest request{{"ari.example.test"}, *csr, "http-01", 20s};
    request.replaces = replaces;
    PublishingSolver solver(ca_);
    return ObtainCertificate(*acme_, solver, request,
                             [this](const std::string& line) { log_.push_back(line); });
  }

  TestCa ca_;
  std::unique_ptr<http::Client> http_;
  std::unique_ptr<KeySigner> signer_;
  std::unique_ptr<AcmeClient> acme_;
  Directory dir_;
  std::vector<json::object> new_orders_;
  std::vector<std::string> log_;
};

TEST_F(AriObtainTest, CertIdWindowAndReplaces) {
  ASSERT_FALSE(dir_.renewal_info.empty());
  auto first = Obtain("");
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  ASSERT_EQ(new_orders_.size(), 1u);
  EXPECT_FALSE(new_orders_[0].contains("replaces"));

  auto cert = pki::CertFromPem(first->cert_pem);
  ASSERT_TRUE(cert.ok());
  std::string cert_id = pki::AriCertIdOf(cert->get());
  ASSERT_FALSE(cert_id.empty());
  auto info = FetchRenewalInfo(*http_, dir_.renewal_info, cert_id);
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_LT(info->start, info->end);
  EXPECT_GT(info->start, std::chrono::system_clock::now()) << "a fresh certificate's window";
  EXPECT_LT(info->end, pki::NotAfter(cert->get()));
  ASSERT_TRUE(info->retry_after);
  EXPECT_GT(*info->retry_after, 0s);

  // The renewal names the certificate it replaces.
  auto second = Obtain(cert_id);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  ASSERT_EQ(new_orders_.size(), 2u);
  ASSERT_TRUE(new_orders_[1].contains("replaces"));
  EXPECT_EQ(new_orders_[1].at("replaces").as_string(), cert_id);

  // Replacing it again: the CA says alreadyReplaced; the order goes again
  // without "replaces".
  log_.clear();
  auto third = Obtain(cert_id);
  ASSERT_TRUE(third.ok()) << third.error().ToString();
  ASSERT_EQ(new_orders_.size(), 4u);
  EXPECT_EQ(new_orders_[2].at("replaces").as_string(), cert_id);
  EXPECT_FALSE(new_orders_[3].contains("replaces"));
  bool noted = false;
  for (const auto& line : log_)
    noted = noted || line.find("already has a replacement order") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST_F(AriObtainTest, AnUnknownCertIdIsTheCasProblem) {
  auto info = FetchRenewalInfo(*http_, dir_.renewal_info,
                               pki::FormatAriCertId(std::string(20, 'x'), "1234"));
  ASSERT_FALSE(info.ok());
  // RFC 8555 has no "not found" problem type: the CA answers 404 malformed.
  EXPECT_EQ(info.error().code, ErrorCode::kMalformed) << info.error().ToString();
  EXPECT_NE(info.error().detail.find("certificate ID names another issuer"), std::string::npos);
}

}  // namespace
}  // namespace signet::client
