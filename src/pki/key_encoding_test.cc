// CheckSubscriberKeyEncoding: the CSR's SubjectPublicKeyInfo, which the
// certificate copies, must be the canonical DER of the key decoded from it.
// The CSRs here are assembled by hand so that their key can be encoded in
// ways OpenSSL's decoder accepts but never writes.
#include <gtest/gtest.h>

#include <openssl/core_names.h>

#include <string>

#include "pki/crl_der.h"
#include "pki/csr.h"
#include "pki/key_policy.h"
#include "pki/test_support.h"

namespace signet::pki {
namespace {

using internal::DerConcat;
using internal::DerTlv;
using internal::kDerBitString;
using internal::kDerInteger;
using internal::kDerSequence;

const std::string kRsaOid("\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01", 11);
const std::string kNull("\x05\x00", 2);
const std::string kSha256WithRsa(
    "\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b\x05\x00", 15);

crypto::Key RsaKey() {
  static const crypto::Key key = *crypto::Key::Generate(crypto::KeyType::kRsa, 2048);
  return key;
}

std::string Unsigned(const crypto::Key& key, const char* param) {
  BIGNUM* raw = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key.get(), param, &raw), 1);
  crypto::BignumPtr bn(raw);
  std::string bytes(size_t(BN_num_bytes(bn.get())) + 1, '\0');  // leading 0: positive
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()) + 1);
  return DerTlv(kDerInteger, bytes);
}

// The RSAPublicKey DER of `key` (modulus with its sign octet, e = 65537).
std::string RsaPublicKeyDer(const crypto::Key& key) {
  return DerConcat(kDerSequence, {Unsigned(key, OSSL_PKEY_PARAM_RSA_N),
                                  DerTlv(kDerInteger, std::string("\x01\x00\x01", 3))});
}

std::string Spki(const std::string& algorithm, const std::string& key_bits) {
  return DerConcat(kDerSequence,
                   {algorithm, DerTlv(kDerBitString, std::string(1, '\0') + key_bits)});
}

// A CSR with an empty subject, no attributes and `spki` as it is, signed
// by `key` with SHA-256.
std::string CsrWithSpki(const crypto::Key& key, const std::string& spki) {
  std::string info = DerConcat(kDerSequence, {DerTlv(kDerInteger, std::string(1, '\0')),
                                              DerTlv(kDerSequence, ""), spki,
                                              DerTlv(internal::DerContextConstructed(0), "")});
  auto signature = crypto::SignDigest(key, EVP_sha256(), info);
  EXPECT_TRUE(signature.ok());
  return DerConcat(kDerSequence,
                   {info, kSha256WithRsa,
                    DerTlv(kDerBitString, std::string(1, '\0') + *signature)});
}

// Parses the CSR (its key and signature are fine) and returns the verdict
// on its encoding.
Status EncodingVerdict(const std::string& spki) {
  auto csr = ParseCsr(CsrWithSpki(RsaKey(), spki));
  if (!csr.ok()) return Error(ErrorCode::kServerInternal, "did not parse: " + csr.error().detail);
  EXPECT_TRUE(CheckSubscriberKey(csr->public_key).ok());  // the key itself is fine
  return CheckSubscriberKeyEncoding(csr->spki(), csr->public_key);
}

void ExpectRefused(const Status& s, const std::string& detail) {
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kBadCsr) << s.error().ToString();
  EXPECT_EQ(s.error().detail, detail);
}

TEST(CheckSubscriberKeyEncoding, TheCanonicalRsaEncodingPasses) {
  std::string algorithm = DerConcat(kDerSequence, {kRsaOid, kNull});
  EXPECT_EQ(Spki(algorithm, RsaPublicKeyDer(RsaKey())), RsaKey().PublicDer());
  Status s = EncodingVerdict(Spki(algorithm, RsaPublicKeyDer(RsaKey())));
  EXPECT_TRUE(s.ok()) << s.error().ToString();
}

TEST(CheckSubscriberKeyEncoding, RsaWithoutNullParametersIsRefused) {
  std::string algorithm = DerTlv(kDerSequence, kRsaOid);
  ExpectRefused(EncodingVerdict(Spki(algorithm, RsaPublicKeyDer(RsaKey()))),
                "RSA public key algorithm must have NULL parameters (RFC 3279 2.3.1)");
}

TEST(CheckSubscriberKeyEncoding, RsaWithOtherParametersIsRefused) {
  std::string algorithm = DerConcat(kDerSequence, {kRsaOid, DerTlv(kDerInteger, "\x01")});
  ExpectRefused(EncodingVerdict(Spki(algorithm, RsaPublicKeyDer(RsaKey()))),
                "RSA public key algorithm must have NULL parameters (RFC 3279 2.3.1)");
}

TEST(CheckSubscriberKeyEncoding, BytesAfterTheRsaPublicKeyAreRefused) {
  std::string algorithm = DerConcat(kDerSequence, {kRsaOid, kNull});
  ExpectRefused(EncodingVerdict(Spki(algorithm, RsaPublicKeyDer(RsaKey()) + kNull)),
                "RSA public key has data after the RSAPublicKey");
}

// BER a DER decoder should not take: a length in more octets than it needs.
TEST(CheckSubscriberKeyEncoding, ANonMinimalLengthInTheRsaPublicKeyIsRefused) {
  std::string algorithm = DerConcat(kDerSequence, {kRsaOid, kNull});
  std::string der = RsaPublicKeyDer(RsaKey());  // 30 82 LL LL ...
  ASSERT_EQ(uint8_t(der[1]), 0x82);
  std::string longer = std::string("\x30\x83\x00", 3) + der.substr(2);
  Status s = EncodingVerdict(Spki(algorithm, longer));
  if (!s.ok() && s.error().detail.rfind("did not parse", 0) == 0)
    GTEST_SKIP() << "this OpenSSL refuses the length itself: " << s.error().detail;
  ExpectRefused(s, "public key is not in canonical DER (it must re-encode to the same bytes)");
}

TEST(CheckSubscriberKeyEncoding, EcKeysOfBothCurvesPass) {
  for (auto type : {crypto::KeyType::kEcP256, crypto::KeyType::kEcP384}) {
    crypto::Key key = *crypto::Key::Generate(type);
    std::string der = key.PublicDer();
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    crypto::X509PubkeyPtr spki(d2i_X509_PUBKEY(nullptr, &p, long(der.size())));
    ASSERT_TRUE(spki);
    Status s = CheckSubscriberKeyEncoding(spki.get(), key);
    EXPECT_TRUE(s.ok()) << s.error().ToString();
  }
}

TEST(CheckSubscriberKeyEncoding, OtherKeyTypesAreRefused) {
  crypto::Key key = *crypto::Key::Generate(crypto::KeyType::kEd25519);
  std::string der = key.PublicDer();
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  crypto::X509PubkeyPtr spki(d2i_X509_PUBKEY(nullptr, &p, long(der.size())));
  ASSERT_TRUE(spki);
  Status s = CheckSubscriberKeyEncoding(spki.get(), key);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kBadCsr);
}

}  // namespace
}  // namespace signet::pki

namespace signet::pki {
namespace {

// Whatever the EC decoder would make of them, key bits longer than one
// uncompressed point of the curve are refused.
TEST(CheckSubscriberKeyEncoding, BytesAfterAnEcPointAreRefused) {
  crypto::Key key = *crypto::Key::Generate(crypto::KeyType::kEcP256);
  std::string der = key.PublicDer();  // SEQUENCE { alg, BIT STRING { 00, point } }
  ASSERT_EQ(der.size(), 91u);
  std::string bits = der.substr(26) + '\0';  // the 65-octet point and one more
  ASSERT_EQ(bits[0], '\x04');
  crypto::X509PubkeyPtr spki(X509_PUBKEY_new());
  auto* copy = static_cast<unsigned char*>(OPENSSL_memdup(bits.data(), bits.size()));
  ASSERT_EQ(X509_PUBKEY_set0_param(spki.get(), OBJ_nid2obj(NID_X9_62_id_ecPublicKey),
                                   V_ASN1_OBJECT, OBJ_nid2obj(NID_X9_62_prime256v1), copy,
                                   int(bits.size())),
            1);
  ExpectRefused(CheckSubscriberKeyEncoding(spki.get(), key),
                "public key is not in canonical DER (it must re-encode to the same bytes)");
  // The same without the extra octet is the canonical encoding.
  bits.pop_back();
  copy = static_cast<unsigned char*>(OPENSSL_memdup(bits.data(), bits.size()));
  ASSERT_EQ(X509_PUBKEY_set0_param(spki.get(), OBJ_nid2obj(NID_X9_62_id_ecPublicKey),
                                   V_ASN1_OBJECT, OBJ_nid2obj(NID_X9_62_prime256v1), copy,
                                   int(bits.size())),
            1);
  Status s = CheckSubscriberKeyEncoding(spki.get(), key);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
}

}  // namespace
}  // namespace signet::pki
