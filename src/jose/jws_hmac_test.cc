#include "jose/jws_hmac.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "base/base64url.h"
#include "jose/test_vectors.h"

namespace signet::jose {
namespace {

namespace json = boost::json;

std::string Rfc7515Key() { return *Base64UrlDecode(testing::kRfc7515Hs256KeyB64); }

ParsedJws Parse(std::string_view protected_b64, std::string_view payload_b64,
                std::string_view signature_b64) {
  json::object o{{"protected", protected_b64}, {"payload", payload_b64},
                 {"signature", signature_b64}};
  Result<ParsedJws> jws = ParseFlattened(json::serialize(o));
  EXPECT_TRUE(jws.ok()) << jws.error().ToString();
  return jws.ok() ? *jws : ParsedJws();
}

ParsedJws Rfc7515Hs256() {
  return Parse(testing::kRfc7515Hs256ProtectedB64, testing::kRfc7515PayloadB64,
               testing::kRfc7515Hs256SignatureB64);
}

TEST(JwsMacTest, Rfc7515A1Hs256Verifies) {
  ParsedJws jws = Rfc7515Hs256();
  EXPECT_EQ(jws.alg, "HS256");
  Status s = VerifyMac(jws, Rfc7515Key());
  EXPECT_TRUE(s.ok()) << s.error().ToString();
}

TEST(JwsMacTest, WrongKeyOrTamperedPayloadIsUnauthorized) {
  std::string key = Rfc7515Key();
  key[0] ^= 1;
  Status wrong_key = VerifyMac(Rfc7515Hs256(), key);
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_EQ(wrong_key.error().code, ErrorCode::kUnauthorized);

  ParsedJws tampered = Rfc7515Hs256();
  tampered.payload_b64 = Base64UrlEncode(R"({"iss":"mallory"})");
  Status bad = VerifyMac(tampered, Rfc7515Key());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kUnauthorized);

  ParsedJws truncated = Rfc7515Hs256();
  truncated.signature.resize(16);
  EXPECT_FALSE(VerifyMac(truncated, Rfc7515Key()).ok());
}

TEST(JwsMacTest, OnlyHmacAlgorithmsAreAccepted) {
  for (const char* alg : {"RS256", "ES256", "none", "", "hs256"}) {
    ParsedJws jws = Rfc7515Hs256();
    jws.alg = alg;
    Status s = VerifyMac(jws, Rfc7515Key());
    ASSERT_FALSE(s.ok()) << alg;
    EXPECT_EQ(s.error().code, ErrorCode::kMalformed) << alg;
    EXPECT_NE(s.error().detail.find("HS256"), std::string::npos) << s.error().detail;
  }
}

TEST(JwsMacTest, SignThenVerifyEachAlgorithm) {
  for (MacAlg alg : {MacAlg::kHS256, MacAlg::kHS384, MacAlg::kHS512}) {
    Result<std::string> text = SignMac(alg, "secret key", json::object{{"kid", "k1"}}, "payload");
    ASSERT_TRUE(text.ok()) << text.error().ToString();
    Result<ParsedJws> jws = ParseFlattened(*text);
    ASSERT_TRUE(jws.ok()) << jws.error().ToString();
    EXPECT_EQ(jws->alg, MacAlgName(alg));
    EXPECT_EQ(jws->kid, "k1");
    EXPECT_EQ(jws->payload, "payload");
    EXPECT_TRUE(VerifyMac(*jws, "secret key").ok());
    EXPECT_FALSE(VerifyMac(*jws, "another key").ok());
  }
  EXPECT_EQ(ParseMacAlg("HS384"), MacAlg::kHS384);
  EXPECT_EQ(ParseMacAlg("RS256"), std::nullopt);
}

}  // namespace
}  // namespace signet::jose
