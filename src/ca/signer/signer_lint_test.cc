// The Signer lints every certificate before it signs it: certificates of
// every built-in profile pass, and one that breaks a lint is never signed.
#include <gtest/gtest.h>

#include <filesystem>

#include "ca/signer/signer.h"
#include "pki/test_support.h"

namespace signet::ca {
namespace {

class SignerLintTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path());
    auto ca = pki::CaHierarchy::LoadOrCreate(dir_.path() / "ca", "Test");
    ASSERT_TRUE(ca.ok()) << ca.error().ToString();
    ca_.emplace(std::move(*ca));
    auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    ASSERT_TRUE(key.ok());
    key_ = std::move(*key);
  }

  SignerConfig Config() const {
    SignerConfig config;
    config.ca_issuers_url = "http://ca.test/acme/issuer-cert";
    config.publication.base = "http://ca.test";
    config.crl_shards = 4;
    config.ocsp = true;
    return config;
  }

  pki::testing_support::ScopedTempDir dir_;
  std::optional<pki::CaHierarchy> ca_;
  crypto::Key key_;
};

TEST_F(SignerLintTest, CertificatesOfEveryProfilePassTheLints) {
  Signer signer(*ca_, Config());
  for (const Profile& profile : DefaultProfiles()) {
    SCOPED_TRACE(profile.name);
    IssueRequest request{&key_, nullptr, {"example.com", "*.example.com"}, {}, &profile, true};
    if (profile.AllowsIdentifierType("ip")) request.ip_addresses = {"192.0.2.7", "2001:db8::7"};
    auto issued = signer.Issue(request);
    EXPECT_TRUE(issued.ok()) << issued.error().ToString();
  }
  auto ip_only = signer.Issue(key_, {}, {"192.0.2.8"});  // no profile; CN = the address
  EXPECT_TRUE(ip_only.ok()) << ip_only.error().ToString();
}

TEST_F(SignerLintTest, ACertificateWithoutCaIssuersIsNotSigned) {
  SignerConfig config = Config();
  config.ca_issuers_url = "";
  Signer signer(*ca_, config);
  auto prepared = signer.Prepare(IssueRequest{&key_, nullptr, {"example.com"}, {}});
  ASSERT_FALSE(prepared.ok());
  EXPECT_EQ(prepared.error().code, ErrorCode::kServerInternal);
  EXPECT_EQ(prepared.error().detail,
            "certificate failed lint e_aia_ca_issuers_missing: authorityInfoAccess has no "
            "caIssuers URL");
}

TEST_F(SignerLintTest, AMalformedNameIsNotSigned) {
  Signer signer(*ca_, Config());
  auto issued = signer.Issue(key_, {"example.com", "Upper.example.com"});
  ASSERT_FALSE(issued.ok());
  EXPECT_EQ(issued.error().code, ErrorCode::kServerInternal);
  EXPECT_EQ(issued.error().detail,
            "certificate failed lint e_san_dns_name_malformed: dNSName \"Upper.example.com\" is "
            "not lower-case");
}

}  // namespace
}  // namespace signet::ca
