#include "ca/ra/revocation.h"

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

}  // namespace
}  // namespace signet::ca
