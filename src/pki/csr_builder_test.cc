#include "pki/csr_builder.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

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

// certbot's --must-staple: the TLS Feature extension (RFC 7633) with
// status_request (5), only when asked for.
TEST(CsrBuilder, MustStapleAddsTheTlsFeatureExtension) {
  auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(key.ok());
  auto has_feature = [](const std::string& der) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    X509_REQ* req = d2i_X509_REQ(nullptr, &p, long(der.size()));
    STACK_OF(X509_EXTENSION)* exts = X509_REQ_get_extensions(req);
    std::string text;
    for (int i = 0; i < sk_X509_EXTENSION_num(exts); ++i) {
      X509_EXTENSION* ext = sk_X509_EXTENSION_value(exts, i);
      if (OBJ_obj2nid(X509_EXTENSION_get_object(ext)) != NID_tlsfeature) continue;
      BIO* bio = BIO_new(BIO_s_mem());
      X509V3_EXT_print(bio, ext, 0, 0);
      char* data = nullptr;
      long n = BIO_get_mem_data(bio, &data);
      text.assign(data, size_t(n));
      BIO_free(bio);
    }
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    X509_REQ_free(req);
    return text;
  };
  auto plain = BuildCsr(*key, {"a.example.com"});
  auto stapled = BuildCsr(*key, {"a.example.com"}, /*must_staple=*/true);
  ASSERT_TRUE(plain.ok() && stapled.ok());
  EXPECT_EQ(has_feature(*plain), "");
  EXPECT_EQ(has_feature(*stapled), "status_request");
  EXPECT_TRUE(ParseCsr(*stapled).ok());
}

}  // namespace
}  // namespace signet::pki
