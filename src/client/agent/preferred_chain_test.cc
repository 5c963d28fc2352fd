#include "client/agent/preferred_chain.h"

#include <gtest/gtest.h>

#include <optional>

#include "pki/ca_hierarchy.h"
#include "pki/certificate.h"
#include "pki/test_support.h"

namespace signet::client {
namespace {

// One leaf, served two ways: leaf + intermediate (to "Test Root CA") and
// leaf + the intermediate cross-signed by "Test Alternate Root X2".
class PreferredChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ca = pki::CaHierarchy::LoadOrCreate(dir_.path(), "Test");
    ASSERT_TRUE(ca.ok()) << ca.error().ToString();
    ca_.emplace(std::move(*ca));
    auto issued = ca_->IssueTlsServerCert({"example.com"});
    ASSERT_TRUE(issued.ok());
    auto chain = pki::CertChainFromPem(issued->first);
    ASSERT_TRUE(chain.ok());
    leaf_ = pki::CertToPem((*chain)[0].get());
    default_ = leaf_ + ca_->IntermediatePem();
    alternate_ = leaf_ + ca_->CrossSignedIntermediatePem();
  }

  pki::testing_support::ScopedTempDir dir_;
  std::optional<pki::CaHierarchy> ca_;
  std::string leaf_, default_, alternate_;
};

TEST_F(PreferredChainTest, PicksTheChainWhoseTopmostIssuerHasTheName) {
  EXPECT_EQ(FindChainWithIssuer({default_, alternate_}, "Test Alternate Root X2"), 1u);
  EXPECT_EQ(FindChainWithIssuer({default_, alternate_}, "Test Root CA"), 0u);
  EXPECT_EQ(FindChainWithIssuer({alternate_, default_}, "Test Root CA"), 1u);
}

TEST_F(PreferredChainTest, NoMatchLeavesTheDefault) {
  EXPECT_EQ(FindChainWithIssuer({default_, alternate_}, "Nobody"), std::nullopt);
  // Only the topmost certificate's issuer counts, not the leaf's (the
  // intermediate's name), and the whole CN, case included.
  EXPECT_EQ(FindChainWithIssuer({default_, alternate_}, "Test Intermediate CA"), std::nullopt);
  EXPECT_EQ(FindChainWithIssuer({default_, alternate_}, "test alternate root x2"), std::nullopt);
  EXPECT_EQ(FindChainWithIssuer({default_, alternate_}, "Test Alternate Root"), std::nullopt);
  EXPECT_EQ(FindChainWithIssuer({}, "Test Root CA"), std::nullopt);
}

TEST_F(PreferredChainTest, AChainForAnotherLeafOrGarbageIsNeverChosen) {
  auto other = ca_->IssueTlsServerCert({"example.com"});
  ASSERT_TRUE(other.ok());
  auto other_chain = pki::CertChainFromPem(other->first);
  ASSERT_TRUE(other_chain.ok());
  std::string other_alternate =
      pki::CertToPem((*other_chain)[0].get()) + ca_->CrossSignedIntermediatePem();
  EXPECT_EQ(FindChainWithIssuer({default_, other_alternate}, "Test Alternate Root X2"),
            std::nullopt);
  EXPECT_EQ(FindChainWithIssuer({default_, "garbage", alternate_}, "Test Alternate Root X2"), 2u);
}

}  // namespace
}  // namespace signet::client
