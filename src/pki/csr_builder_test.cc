#include "pki/csr_builder.h"

#include <gtest/gtest.h>

#include "pki/csr.h"

namespace signet::pki {
namespace {

TEST(CsrBuilder, BuiltCsrParsesWithItsNamesAndKey) {
  for (auto type : {crypto::KeyType::kEcP256, crypto::KeyType::kRsa}) {
    auto key = crypto::Key::Generate(type);
    ASSERT_TRUE(key.ok());
    auto der = BuildCsr(*key, {"b.example.com", "a.example.com"});
    ASSERT_TRUE(der.ok());
    auto csr = ParseCsr(*der);
    ASSERT_TRUE(csr.ok()) << csr.error().ToString();
    EXPECT_EQ(csr->common_name, "b.example.com");
    EXPECT_EQ(CsrDnsNames(*csr), (std::vector<std::string>{"a.example.com", "b.example.com"}));
    EXPECT_TRUE(csr->public_key.SamePublicKey(*key));
  }
}

TEST(CsrBuilder, LongFirstNameGoesOnlyIntoTheSan) {
  auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(key.ok());
  std::string longname = std::string(60, 'a') + ".example.com";
  auto der = BuildCsr(*key, {longname});
  ASSERT_TRUE(der.ok());
  auto csr = ParseCsr(*der);
  ASSERT_TRUE(csr.ok());
  EXPECT_EQ(csr->common_name, "");
  EXPECT_EQ(csr->dns_names, std::vector<std::string>{longname});
  EXPECT_FALSE(BuildCsr(*key, {}).ok());
}

}  // namespace
}  // namespace signet::pki
