// ParseCsr refuses CSRs self-signed with a broken hash (SHA-1, MD5): the
// signature proves possession of the key only as well as the hash resists
// collisions.
#include <gtest/gtest.h>

#include <string>

#include "pki/csr.h"

namespace signet::pki {
namespace {

using crypto::Key;
using crypto::KeyType;

Key NewKey(KeyType type) {
  auto key = Key::Generate(type);
  EXPECT_TRUE(key.ok());
  return *key;
}

crypto::X509ReqPtr Request(const Key& key) {
  crypto::X509ReqPtr req(X509_REQ_new());
  EXPECT_EQ(X509_REQ_set_version(req.get(), X509_REQ_VERSION_1), 1);
  EXPECT_EQ(X509_REQ_set_pubkey(req.get(), key.get()), 1);
  crypto::ExtStackPtr exts(sk_X509_EXTENSION_new_null());
  sk_X509_EXTENSION_push(exts.get(), X509V3_EXT_nconf_nid(nullptr, nullptr, NID_subject_alt_name,
                                                          "DNS:example.com"));
  EXPECT_EQ(X509_REQ_add_extensions(req.get(), exts.get()), 1);
  return req;
}

std::string Der(X509_REQ* req) {
  unsigned char* buf = nullptr;
  int len = i2d_X509_REQ(req, &buf);
  EXPECT_GT(len, 0);
  std::string der(reinterpret_cast<char*>(buf), size_t(len > 0 ? len : 0));
  OPENSSL_free(buf);
  return der;
}

// A CSR signed by `key` with `md` (OpenSSL signs with SHA-1 and MD5 when
// asked; only verification paths apply security levels).
std::string SignedWith(const Key& key, const EVP_MD* md) {
  crypto::X509ReqPtr req = Request(key);
  EXPECT_GT(X509_REQ_sign(req.get(), key.get(), md), 0);
  return Der(req.get());
}

// RSASSA-PSS with `md` as the hash (and MGF1 hash).
std::string PssSignedWith(const Key& key, const EVP_MD* md) {
  crypto::X509ReqPtr req = Request(key);
  crypto::MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  EXPECT_EQ(EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, key.get()), 1);
  EXPECT_EQ(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
  EXPECT_GT(X509_REQ_sign_ctx(req.get(), ctx.get()), 0);
  return Der(req.get());
}

void ExpectRefused(const std::string& der, const std::string& detail) {
  auto csr = ParseCsr(der);
  ASSERT_FALSE(csr.ok());
  EXPECT_EQ(csr.error().code, ErrorCode::kBadCsr);
  EXPECT_EQ(csr.error().detail, detail);
}

TEST(ParseCsr, RefusesSha1AndMd5Signatures) {
  Key rsa = NewKey(KeyType::kRsa);
  Key ec = NewKey(KeyType::kEcP256);
  ExpectRefused(SignedWith(rsa, EVP_sha1()),
                "CSR is signed with sha1WithRSAEncryption: SHA-1 and MD5 signatures are not "
                "accepted (sign with SHA-256)");
  ExpectRefused(SignedWith(rsa, EVP_md5()),
                "CSR is signed with md5WithRSAEncryption: SHA-1 and MD5 signatures are not "
                "accepted (sign with SHA-256)");
  ExpectRefused(SignedWith(ec, EVP_sha1()),
                "CSR is signed with ecdsa-with-SHA1: SHA-1 and MD5 signatures are not accepted "
                "(sign with SHA-256)");
  ExpectRefused(PssSignedWith(rsa, EVP_sha1()),
                "CSR is signed with RSASSA-PSS with SHA1: SHA-1 and MD5 signatures are not "
                "accepted (sign with SHA-256)");
}

TEST(ParseCsr, AcceptsSha2Signatures) {
  Key rsa = NewKey(KeyType::kRsa);
  Key ec = NewKey(KeyType::kEcP384);
  for (const EVP_MD* md : {EVP_sha256(), EVP_sha384(), EVP_sha512()}) {
    EXPECT_TRUE(ParseCsr(SignedWith(rsa, md)).ok()) << EVP_MD_get0_name(md);
    EXPECT_TRUE(ParseCsr(SignedWith(ec, md)).ok()) << EVP_MD_get0_name(md);
  }
  auto pss = ParseCsr(PssSignedWith(rsa, EVP_sha256()));
  EXPECT_TRUE(pss.ok()) << pss.error().ToString();
}

}  // namespace
}  // namespace signet::pki
