#include "jose/jwk.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "base/base64url.h"
#include "jose/test_vectors.h"

namespace signet::jose {
namespace {

using testing::ParseObject;
namespace json = boost::json;

size_t DecodedSize(const json::object& jwk, std::string_view member) {
  Result<std::string> bytes = Base64UrlDecode(jwk.at(member).as_string());
  return bytes.ok() ? bytes->size() : 0;
}

TEST(ThumbprintTest, Rfc7638Example) {
  Result<crypto::Key> key = KeyFromJwk(ParseObject(testing::kRfc7638Jwk));
  ASSERT_TRUE(key.ok()) << key.error().ToString();
  EXPECT_EQ(Thumbprint(*key), testing::kRfc7638Thumbprint);
}

TEST(ThumbprintTest, Rfc8037Ed25519Example) {
  Result<crypto::Key> key = KeyFromJwk(ParseObject(testing::kRfc8037PublicJwk));
  ASSERT_TRUE(key.ok()) << key.error().ToString();
  EXPECT_EQ(Thumbprint(*key), testing::kRfc8037Thumbprint);
}

TEST(ThumbprintTest, PrivateAndPublicKeyAgree) {
  Result<crypto::Key> priv = PrivateKeyFromJwk(ParseObject(testing::kRfc8037PrivateJwk));
  ASSERT_TRUE(priv.ok()) << priv.error().ToString();
  EXPECT_EQ(Thumbprint(*priv), testing::kRfc8037Thumbprint);
}

TEST(ThumbprintTest, EmptyForInvalidKey) { EXPECT_EQ(Thumbprint(crypto::Key()), ""); }

TEST(PublicJwkTest, Rfc7515EcKeyRoundTrips) {
  json::object source = ParseObject(testing::kRfc7515EcJwk);
  Result<crypto::Key> key = KeyFromJwk(source);  // "d" is ignored
  ASSERT_TRUE(key.ok()) << key.error().ToString();
  source.erase("d");
  EXPECT_EQ(PublicJwk(*key), source);
}

TEST(PublicJwkTest, Rfc8037KeyRoundTrips) {
  Result<crypto::Key> key = PrivateKeyFromJwk(ParseObject(testing::kRfc8037PrivateJwk));
  ASSERT_TRUE(key.ok()) << key.error().ToString();
  EXPECT_EQ(PublicJwk(*key), ParseObject(testing::kRfc8037PublicJwk));
  EXPECT_EQ(PrivateJwk(*key), ParseObject(testing::kRfc8037PrivateJwk));
}

TEST(PublicJwkTest, Rfc7515RsaPrivateKeyRoundTrips) {
  json::object source = ParseObject(testing::kRfc7515RsaJwk);
  Result<crypto::Key> key = PrivateKeyFromJwk(source);
  ASSERT_TRUE(key.ok()) << key.error().ToString();
  EXPECT_EQ(PrivateJwk(*key), source);
}

TEST(PublicJwkTest, ExactlyTheRequiredMembers) {
  struct Case {
    crypto::KeyType type;
    std::vector<std::string> members;
  };
  const Case cases[] = {
      {crypto::KeyType::kRsa, {"e", "kty", "n"}},
      {crypto::KeyType::kEcP256, {"crv", "kty", "x", "y"}},
      {crypto::KeyType::kEd25519, {"crv", "kty", "x"}},
  };
  for (const Case& c : cases) {
    Result<crypto::Key> key = crypto::Key::Generate(c.type);
    ASSERT_TRUE(key.ok());
    json::object jwk = PublicJwk(*key);
    std::vector<std::string> names;
    for (const auto& kv : jwk) names.emplace_back(kv.key());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, c.members);
  }
}

TEST(PublicJwkTest, EcCoordinatesAreFixedLength) {
  struct Case {
    crypto::KeyType type;
    const char* crv;
    size_t size;
  };
  const Case cases[] = {
      {crypto::KeyType::kEcP256, "P-256", 32},
      {crypto::KeyType::kEcP384, "P-384", 48},
      {crypto::KeyType::kEcP521, "P-521", 66},
  };
  for (const Case& c : cases) {
    // Enough keys that some have a coordinate with a leading zero byte.
    for (int i = 0; i < 40; ++i) {
      Result<crypto::Key> key = crypto::Key::Generate(c.type);
      ASSERT_TRUE(key.ok());
      json::object jwk = PrivateJwk(*key);
      EXPECT_EQ(jwk.at("crv").as_string(), c.crv);
      EXPECT_EQ(DecodedSize(jwk, "x"), c.size);
      EXPECT_EQ(DecodedSize(jwk, "y"), c.size);
      EXPECT_EQ(DecodedSize(jwk, "d"), c.size);
    }
  }
}

class PrivateJwkRoundTripTest : public ::testing::TestWithParam<crypto::KeyType> {};

TEST_P(PrivateJwkRoundTripTest, RoundTrips) {
  Result<crypto::Key> key = crypto::Key::Generate(GetParam());
  ASSERT_TRUE(key.ok());
  json::object jwk = PrivateJwk(*key);
  ASSERT_TRUE(jwk.contains("d"));

  Result<crypto::Key> restored = PrivateKeyFromJwk(jwk);
  ASSERT_TRUE(restored.ok()) << restored.error().ToString();
  EXPECT_TRUE(restored->SamePublicKey(*key));
  EXPECT_EQ(PrivateJwk(*restored), jwk);
  EXPECT_EQ(Thumbprint(*restored), Thumbprint(*key));
  // The restored private key signs for the original public key.
  Result<std::string> sig = crypto::SignDigest(
      *restored, GetParam() == crypto::KeyType::kEd25519 ? nullptr : EVP_sha256(), "data");
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(crypto::VerifyDigest(
      *key, GetParam() == crypto::KeyType::kEd25519 ? nullptr : EVP_sha256(), "data", *sig));

  Result<crypto::Key> pub = KeyFromJwk(jwk);
  ASSERT_TRUE(pub.ok()) << pub.error().ToString();
  EXPECT_TRUE(pub->SamePublicKey(*key));
  EXPECT_EQ(PrivateJwk(*pub), PublicJwk(*key));  // no private members
}

INSTANTIATE_TEST_SUITE_P(AllKeyTypes, PrivateJwkRoundTripTest,
                         ::testing::Values(crypto::KeyType::kRsa, crypto::KeyType::kEcP256,
                                           crypto::KeyType::kEcP384, crypto::KeyType::kEcP521,
                                           crypto::KeyType::kEd25519));

TEST(KeyFromJwkTest, EcPointNotOnCurveRejected) {
  json::object jwk = ParseObject(testing::kRfc7515EcJwk);
  jwk.erase("d");
  // Flip the last character of y: same length, but no longer on P-256.
  std::string y(jwk.at("y").as_string());
  y.back() = y.back() == 'A' ? 'E' : 'A';
  jwk["y"] = y;
  Result<crypto::Key> key = KeyFromJwk(jwk);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code, ErrorCode::kMalformed);
}

// The quick public check (all JWK curves have cofactor 1) still refuses a
// point off each curve, and the point at infinity's stand-in (0, 0).
TEST(KeyFromJwkTest, EcPointsOffEachCurveRejected) {
  for (auto type : {crypto::KeyType::kEcP256, crypto::KeyType::kEcP384, crypto::KeyType::kEcP521}) {
    Result<crypto::Key> key = crypto::Key::Generate(type);
    ASSERT_TRUE(key.ok());
    json::object jwk = PublicJwk(*key);
    ASSERT_TRUE(KeyFromJwk(jwk).ok());
    Result<std::string> y = Base64UrlDecode(jwk.at("y").as_string());
    ASSERT_TRUE(y.ok());
    std::string off = *y;
    off.back() ^= 1;
    jwk["y"] = Base64UrlEncode(off);
    Result<crypto::Key> bad = KeyFromJwk(jwk);
    ASSERT_FALSE(bad.ok()) << key->CurveName();
    EXPECT_EQ(bad.error().code, ErrorCode::kMalformed);
    std::string zero(y->size(), '\0');
    jwk["x"] = Base64UrlEncode(zero);
    jwk["y"] = Base64UrlEncode(zero);
    Result<crypto::Key> origin = KeyFromJwk(jwk);
    ASSERT_FALSE(origin.ok()) << key->CurveName();
    EXPECT_EQ(origin.error().code, ErrorCode::kMalformed);
  }
}

TEST(KeyFromJwkTest, EcWrongCoordinateLengthRejected) {
  json::object jwk = ParseObject(testing::kRfc7515EcJwk);
  // 31 bytes: the x coordinate without its first byte.
  std::string x = *Base64UrlDecode(jwk.at("x").as_string());
  jwk["x"] = Base64UrlEncode(x.substr(1));
  Result<crypto::Key> key = KeyFromJwk(jwk);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code, ErrorCode::kMalformed);
  EXPECT_NE(key.error().detail.find("32 bytes"), std::string::npos) << key.error().detail;

  jwk["x"] = Base64UrlEncode(std::string(1, '\0') + x);  // 33 bytes
  EXPECT_FALSE(KeyFromJwk(jwk).ok());
}

TEST(KeyFromJwkTest, UnsupportedKeyTypesAreBadPublicKey) {
  const char* cases[] = {
      R"({"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"})",
      R"({"kty":"EC","crv":"P-192","x":"AA","y":"AA"})",
      R"({"kty":"EC","crv":"secp256k1","x":"AA","y":"AA"})",
      R"({"kty":"OKP","crv":"X25519","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"})",
      R"({"kty":"OKP","crv":"Ed448","x":"AA"})",
  };
  for (const char* text : cases) {
    Result<crypto::Key> key = KeyFromJwk(ParseObject(text));
    ASSERT_FALSE(key.ok()) << text;
    EXPECT_EQ(key.error().code, ErrorCode::kBadPublicKey) << text;
  }
}

TEST(KeyFromJwkTest, StructuralErrorsAreMalformed) {
  const char* cases[] = {
      R"({})",
      R"({"kty":5})",
      R"({"kty":"RSA","e":"AQAB"})",
      R"({"kty":"RSA","n":"AQAB","e":""})",
      R"({"kty":"RSA","n":"AQAB","e":"AQAB="})",
      R"({"kty":"RSA","n":"AQAB","e":["AQAB"]})",
      R"({"kty":"EC","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"})",
      R"({"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"})",
      R"({"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN/tue659LNpXW6pCyStikYjKIWI5a0"})",
      R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUR"})",
      R"({"kty":"OKP","crv":"Ed25519"})",
  };
  for (const char* text : cases) {
    Result<crypto::Key> key = KeyFromJwk(ParseObject(text));
    ASSERT_FALSE(key.ok()) << text;
    EXPECT_EQ(key.error().code, ErrorCode::kMalformed) << text;
  }
}

TEST(PrivateKeyFromJwkTest, MissingPrivateMembersRejected) {
  for (const char* text : {testing::kRfc8037PublicJwk, testing::kRfc7638Jwk}) {
    Result<crypto::Key> key = PrivateKeyFromJwk(ParseObject(text));
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().code, ErrorCode::kMalformed);
  }
  json::object rsa = ParseObject(testing::kRfc7515RsaJwk);
  rsa.erase("qi");
  EXPECT_FALSE(PrivateKeyFromJwk(rsa).ok());
}

TEST(PrivateKeyFromJwkTest, MismatchedPrivateKeyRejected) {
  // Ed25519: the RFC 8037 d with another public key.
  json::object okp = ParseObject(testing::kRfc8037PrivateJwk);
  Result<crypto::Key> other = crypto::Key::Generate(crypto::KeyType::kEd25519);
  ASSERT_TRUE(other.ok());
  okp["x"] = PublicJwk(*other).at("x");
  EXPECT_FALSE(PrivateKeyFromJwk(okp).ok());

  // EC: the RFC 7515 A.3 d with another P-256 public key.
  json::object ec = ParseObject(testing::kRfc7515EcJwk);
  other = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(other.ok());
  json::object other_jwk = PublicJwk(*other);
  ec["x"] = other_jwk.at("x");
  ec["y"] = other_jwk.at("y");
  Result<crypto::Key> key = PrivateKeyFromJwk(ec);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code, ErrorCode::kMalformed);

  // RSA: a corrupted CRT coefficient.
  json::object rsa = ParseObject(testing::kRfc7515RsaJwk);
  rsa["qi"] = rsa.at("dq");
  EXPECT_FALSE(PrivateKeyFromJwk(rsa).ok());
}

}  // namespace
}  // namespace signet::jose
