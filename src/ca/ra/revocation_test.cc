#include "ca/ra/revocation.h"

#include <openssl/x509v3.h>

#include <gtest/gtest.h>

#include "pki/csr_builder.h"
#include "pki/test_support.h"

namespace signet::ca {
namespace {

using crypto::Key;
using crypto::KeyType;

pki::Csr CsrFor(const Key& key) {
  auto der = pki::BuildCsr(key, {"example.com"});
  EXPECT_TRUE(der.ok());
  auto csr = pki::ParseCsr(*der);
  EXPECT_TRUE(csr.ok()) << csr.error().ToString();
  return std::move(*csr);
}

// The key as a peer would send it with its point compressed, read back.
Key ReadBackCompressed(const Key& key) {
  std::string der = pki::testing_support::WithCompressedPoint(key).PublicDer();
  auto back = Key::FromPublicDer(der);
  EXPECT_TRUE(back.ok());
  EXPECT_NE(back->PublicDer(), key.PublicDer());  // OpenSSL keeps it compressed
  return std::move(*back);
}

TEST(BlockedKeyId, FromTheCsrBytesEqualsFromTheKey) {
  for (KeyType type : {KeyType::kEcP256, KeyType::kEcP384, KeyType::kRsa}) {
    Key key = *Key::Generate(type);
    pki::Csr csr = CsrFor(key);
    EXPECT_EQ(BlockedKeyId(csr), BlockedKeyId(key));
    EXPECT_EQ(BlockedKeyId(key).size(), 64u);
  }
  EXPECT_NE(BlockedKeyId(*Key::Generate(KeyType::kEcP256)),
            BlockedKeyId(*Key::Generate(KeyType::kEcP256)));
}

TEST(BlockedKeyId, IsTheKeysNotItsEncodings) {
  Key key = *Key::Generate(KeyType::kEcP256);
  EXPECT_EQ(BlockedKeyId(ReadBackCompressed(key)), BlockedKeyId(key));
}

// A certificate (unsigned: only its extensions are read) whose
// subjectAltName extensions are `sans`, in OpenSSL's config syntax.
crypto::X509Ptr CertWithSans(const std::vector<std::string>& sans) {
  crypto::X509Ptr cert(X509_new());
  for (const std::string& san : sans) {
    crypto::X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.c_str()));
    EXPECT_TRUE(ext) << san;
    EXPECT_EQ(X509_add_ext(cert.get(), ext.get(), -1), 1);
  }
  return cert;
}

TEST(CertificateIdentifiers, EachSubjectAltNameByItsType) {
  crypto::X509Ptr cert =
      CertWithSans({"DNS:a.example.com,DNS:*.Example.COM,IP:192.0.2.7,IP:2001:DB8:0:0::1"});
  auto ids = CertificateIdentifiers(cert.get());
  ASSERT_TRUE(ids.ok()) << ids.error().ToString();
  EXPECT_EQ(*ids, (std::vector<acme::Identifier>{{"dns", "a.example.com"},
                                                 {"dns", "*.example.com"},
                                                 {"ip", "192.0.2.7"},
                                                 {"ip", "2001:db8::1"}}));
}

TEST(CertificateIdentifiers, NothingToCheckIsUnauthorized) {
  for (auto sans : {std::vector<std::string>{}, std::vector<std::string>{"DNS:a.example.com",
                                                                         "DNS:b.example.com"}}) {
    crypto::X509Ptr cert = CertWithSans(sans);
    auto ids = CertificateIdentifiers(cert.get());
    ASSERT_FALSE(ids.ok()) << sans.size() << " subjectAltName extensions";
    EXPECT_EQ(ids.error().code, ErrorCode::kUnauthorized);
  }
  EXPECT_NE(CertificateIdentifiers(CertWithSans({}).get()).error().detail.find("names no DNS name"),
            std::string::npos);
}

TEST(CertificateIdentifiers, OtherKindsOfNameAreUnauthorized) {
  struct Case {
    const char* san;
    const char* named;
  };
  for (Case c : {Case{"DNS:a.example.com,email:a@example.com", "an email address"},
                 Case{"URI:https://a.example.com/,DNS:a.example.com", "a URI"},
                 Case{"RID:1.2.3.4", "a registered ID"}}) {
    auto ids = CertificateIdentifiers(CertWithSans({c.san}).get());
    ASSERT_FALSE(ids.ok()) << c.san;
    EXPECT_EQ(ids.error().code, ErrorCode::kUnauthorized);
    EXPECT_NE(ids.error().detail.find(c.named), std::string::npos) << ids.error().detail;
  }
}

}  // namespace
}  // namespace signet::ca
