#include "jose/jws.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "base/base64url.h"
#include "jose/jwk.h"
#include "jose/test_vectors.h"

namespace signet::jose {
namespace {

using testing::ParseObject;
namespace json = boost::json;

// The flattened serialization of a compact JWS's three parts.
std::string Flattened(std::string_view protected_b64, std::string_view payload_b64,
                      std::string_view signature_b64) {
  json::object o;
  o["protected"] = protected_b64;
  o["payload"] = payload_b64;
  o["signature"] = signature_b64;
  return json::serialize(o);
}

crypto::Key PublicKey(const char* jwk) {
  Result<crypto::Key> key = KeyFromJwk(ParseObject(jwk));
  EXPECT_TRUE(key.ok()) << key.error().ToString();
  return key.ok() ? *key : crypto::Key();
}

crypto::Key PrivateKey(const char* jwk) {
  Result<crypto::Key> key = PrivateKeyFromJwk(ParseObject(jwk));
  EXPECT_TRUE(key.ok()) << key.error().ToString();
  return key.ok() ? *key : crypto::Key();
}

ParsedJws MustParse(std::string_view body) {
  Result<ParsedJws> jws = ParseFlattened(body);
  EXPECT_TRUE(jws.ok()) << jws.error().ToString();
  return jws.ok() ? *jws : ParsedJws();
}

void ExpectError(const Status& status, ErrorCode code) {
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, code) << status.error().ToString();
}

ParsedJws Rfc7515Rs256() {
  return MustParse(Flattened(testing::kRfc7515Rs256ProtectedB64, testing::kRfc7515PayloadB64,
                             testing::kRfc7515Rs256SignatureB64));
}

ParsedJws Rfc7515Es256() {
  return MustParse(Flattened(testing::kRfc7515Es256ProtectedB64, testing::kRfc7515PayloadB64,
                             testing::kRfc7515Es256SignatureB64));
}

ParsedJws Rfc8037EdDsa() {
  return MustParse(Flattened(testing::kRfc8037ProtectedB64, testing::kRfc8037PayloadB64,
                             testing::kRfc8037SignatureB64));
}

// --- Published vectors ---------------------------------------------------

TEST(JwsVectorTest, Rfc7515A2Rs256Verifies) {
  ParsedJws jws = Rfc7515Rs256();
  EXPECT_EQ(jws.alg, "RS256");
  EXPECT_EQ(jws.payload,
            "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}");
  Status status = Verify(jws, PublicKey(testing::kRfc7515RsaJwk));
  EXPECT_TRUE(status.ok()) << status.error().ToString();
}

TEST(JwsVectorTest, Rfc7515A2Rs256SigningIsReproduced) {
  // RSASSA-PKCS1-v1_5 is deterministic and Sign's header serializes to the
  // RFC's {"alg":"RS256"}, so the RFC's signature comes out exactly.
  ParsedJws rfc = Rfc7515Rs256();
  Result<std::string> signed_jws =
      Sign(PrivateKey(testing::kRfc7515RsaJwk), json::object(), rfc.payload);
  ASSERT_TRUE(signed_jws.ok()) << signed_jws.error().ToString();
  ParsedJws ours = MustParse(*signed_jws);
  EXPECT_EQ(ours.protected_b64, testing::kRfc7515Rs256ProtectedB64);
  EXPECT_EQ(ours.payload_b64, testing::kRfc7515PayloadB64);
  EXPECT_EQ(ours.signature_b64, testing::kRfc7515Rs256SignatureB64);
}

TEST(JwsVectorTest, Rfc7515A3Es256Verifies) {
  ParsedJws jws = Rfc7515Es256();
  EXPECT_EQ(jws.alg, "ES256");
  Status status = Verify(jws, PublicKey(testing::kRfc7515EcJwk));
  EXPECT_TRUE(status.ok()) << status.error().ToString();
}

TEST(JwsVectorTest, Rfc8037A4EdDsaVerifies) {
  ParsedJws jws = Rfc8037EdDsa();
  EXPECT_EQ(jws.alg, "EdDSA");
  EXPECT_EQ(jws.payload, "Example of Ed25519 signing");
  Status status = Verify(jws, PublicKey(testing::kRfc8037PublicJwk));
  EXPECT_TRUE(status.ok()) << status.error().ToString();
}

TEST(JwsVectorTest, Rfc8037A4EdDsaSigningIsReproduced) {
  Result<std::string> signed_jws = Sign(PrivateKey(testing::kRfc8037PrivateJwk), json::object(),
                                        "Example of Ed25519 signing");
  ASSERT_TRUE(signed_jws.ok()) << signed_jws.error().ToString();
  ParsedJws jws = MustParse(*signed_jws);
  EXPECT_EQ(jws.protected_b64, testing::kRfc8037ProtectedB64);
  EXPECT_EQ(jws.payload_b64, testing::kRfc8037PayloadB64);
  EXPECT_EQ(jws.signature_b64, testing::kRfc8037SignatureB64);
}

// --- Verification failures -------------------------------------------------

TEST(VerifyTest, TamperedPayloadFails) {
  crypto::Key key = PublicKey(testing::kRfc7515EcJwk);
  ParsedJws jws = Rfc7515Es256();
  jws.payload_b64 = Base64UrlEncode(R"({"iss":"mallory"})");
  ExpectError(Verify(jws, key), ErrorCode::kMalformed);

  ParsedJws rsa = Rfc7515Rs256();
  rsa.payload_b64.back() = rsa.payload_b64.back() == 'Q' ? 'R' : 'Q';
  ExpectError(Verify(rsa, PublicKey(testing::kRfc7515RsaJwk)), ErrorCode::kMalformed);

  ParsedJws ed = Rfc8037EdDsa();
  ed.protected_b64 = Base64UrlEncode(R"({"alg":"EdDSA","x":1})");
  ExpectError(Verify(ed, PublicKey(testing::kRfc8037PublicJwk)), ErrorCode::kMalformed);
}

TEST(VerifyTest, WrongKeyFails) {
  Result<crypto::Key> other = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(other.ok());
  ExpectError(Verify(Rfc7515Es256(), *other), ErrorCode::kMalformed);
}

TEST(VerifyTest, AlgNoneRejected) {
  // RFC 7515 A.5's Unsecured JWS, with an empty signature.
  ParsedJws jws = MustParse(Flattened(testing::kRfc7515NoneProtectedB64,
                                      testing::kRfc7515PayloadB64, ""));
  EXPECT_EQ(jws.alg, "none");
  for (const char* jwk : {testing::kRfc7515RsaJwk, testing::kRfc7515EcJwk,
                          testing::kRfc8037PublicJwk}) {
    ExpectError(Verify(jws, PublicKey(jwk)), ErrorCode::kBadSignatureAlgorithm);
  }
}

TEST(VerifyTest, Hs256Rejected) {
  // RFC 7515 A.1's HMAC example.
  ParsedJws jws = MustParse(Flattened(testing::kRfc7515Hs256ProtectedB64,
                                      testing::kRfc7515PayloadB64,
                                      testing::kRfc7515Hs256SignatureB64));
  EXPECT_EQ(jws.alg, "HS256");
  ExpectError(Verify(jws, PublicKey(testing::kRfc7515RsaJwk)), ErrorCode::kBadSignatureAlgorithm);
}

TEST(VerifyTest, MissingOrOddAlgRejected) {
  for (const char* header : {R"({})", R"({"alg":"es256"})", R"({"alg":"PS256"})",
                             R"({"alg":"RS256 "})", R"({"alg":"Ed25519"})"}) {
    ParsedJws jws = MustParse(Flattened(Base64UrlEncode(header), testing::kRfc7515PayloadB64,
                                        testing::kRfc7515Rs256SignatureB64));
    ExpectError(Verify(jws, PublicKey(testing::kRfc7515RsaJwk)),
                ErrorCode::kBadSignatureAlgorithm);
  }
}

TEST(VerifyTest, AlgKeyMismatchRejected) {
  // ES256 JWS checked with an RSA key, RS256 with an EC key.
  ExpectError(Verify(Rfc7515Es256(), PublicKey(testing::kRfc7515RsaJwk)),
              ErrorCode::kBadSignatureAlgorithm);
  ExpectError(Verify(Rfc7515Rs256(), PublicKey(testing::kRfc7515EcJwk)),
              ErrorCode::kBadSignatureAlgorithm);
  ExpectError(Verify(Rfc8037EdDsa(), PublicKey(testing::kRfc7515EcJwk)),
              ErrorCode::kBadSignatureAlgorithm);
  // ES384 claimed for a P-256 key: right family, wrong curve.
  ParsedJws jws = Rfc7515Es256();
  jws.alg = "ES384";
  ExpectError(Verify(jws, PublicKey(testing::kRfc7515EcJwk)), ErrorCode::kBadSignatureAlgorithm);
}

TEST(VerifyTest, WrongLengthEs256SignatureRejected) {
  crypto::Key key = PublicKey(testing::kRfc7515EcJwk);
  ParsedJws jws = Rfc7515Es256();
  ASSERT_EQ(jws.signature.size(), 64u);

  ParsedJws shorter = jws;
  shorter.signature.pop_back();
  ExpectError(Verify(shorter, key), ErrorCode::kMalformed);

  ParsedJws longer = jws;
  longer.signature.insert(longer.signature.begin(), '\0');
  ExpectError(Verify(longer, key), ErrorCode::kMalformed);

  ParsedJws empty = jws;
  empty.signature.clear();
  ExpectError(Verify(empty, key), ErrorCode::kMalformed);
}

TEST(VerifyTest, DerEcdsaSignatureRejected) {
  // A DER signature (what OpenSSL produces) is not the JWS R||S form.
  Result<crypto::Key> key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(key.ok());
  std::string protected_b64 = Base64UrlEncode(R"({"alg":"ES256"})");
  std::string payload_b64 = Base64UrlEncode("hello");
  Result<std::string> der =
      crypto::SignDigest(*key, EVP_sha256(), protected_b64 + "." + payload_b64);
  ASSERT_TRUE(der.ok());
  ParsedJws jws = MustParse(Flattened(protected_b64, payload_b64, Base64UrlEncode(*der)));
  ExpectError(Verify(jws, *key), ErrorCode::kMalformed);
}

// --- Parsing -----------------------------------------------------------------

void ExpectMalformed(std::string_view body, std::string_view detail_part = "") {
  Result<ParsedJws> jws = ParseFlattened(body);
  ASSERT_FALSE(jws.ok()) << body;
  EXPECT_EQ(jws.error().code, ErrorCode::kMalformed) << body;
  EXPECT_NE(jws.error().detail.find(detail_part), std::string::npos) << jws.error().detail;
}

TEST(ParseFlattenedTest, UnprotectedHeaderRejected) {
  // RFC 7515 A.7's flattened example carries an unprotected "header".
  json::object o = ParseObject(Flattened(testing::kRfc7515Es256ProtectedB64,
                                         testing::kRfc7515PayloadB64,
                                         testing::kRfc7515Es256SignatureB64));
  o["header"] = json::object{{"kid", "e9bc097a-ce51-4036-9562-d2ade882db0d"}};
  ExpectMalformed(json::serialize(o), "\"header\"");
}

TEST(ParseFlattenedTest, GeneralSerializationRejected) {
  // The shape of RFC 7515 A.6.
  json::object sig{{"protected", testing::kRfc7515Es256ProtectedB64},
                   {"header", json::object{{"kid", "e9bc097a-ce51-4036-9562-d2ade882db0d"}}},
                   {"signature", testing::kRfc7515Es256SignatureB64}};
  json::object o{{"payload", testing::kRfc7515PayloadB64},
                 {"signatures", json::array{sig}}};
  ExpectMalformed(json::serialize(o), "general");
}

TEST(ParseFlattenedTest, UnknownMemberRejected) {
  json::object o = ParseObject(Flattened(testing::kRfc7515Es256ProtectedB64,
                                         testing::kRfc7515PayloadB64,
                                         testing::kRfc7515Es256SignatureB64));
  o["extra"] = "x";
  ExpectMalformed(json::serialize(o), "\"extra\"");
}

TEST(ParseFlattenedTest, StructuralErrorsRejected) {
  const std::string p = testing::kRfc7515Es256ProtectedB64;
  const std::string s = testing::kRfc7515Es256SignatureB64;
  ExpectMalformed("");
  ExpectMalformed("not json");
  ExpectMalformed("[]", "object");
  ExpectMalformed(Flattened(p, "e30", s) + "x");
  ExpectMalformed(R"({"protected":")" + p + R"(","payload":""})", "\"signature\"");
  ExpectMalformed(R"({"payload":"","signature":")" + s + R"("})", "\"protected\"");
  ExpectMalformed(R"({"protected":")" + p + R"(","signature":")" + s + R"("})", "\"payload\"");
  ExpectMalformed(R"({"protected":")" + p + R"(","payload":null,"signature":")" + s + R"("})",
                  "string");
  ExpectMalformed(R"({"protected":{"alg":"ES256"},"payload":"","signature":")" + s + R"("})");
  // Base64url must be strict: no padding, no standard-alphabet characters.
  ExpectMalformed(Flattened(p + "=", "", s), "base64url");
  ExpectMalformed(Flattened(p, "e30=", s), "base64url");
  ExpectMalformed(Flattened(p, "", s.substr(0, 10) + "+" + s.substr(11)), "base64url");
  // The protected header must be a JSON object.
  ExpectMalformed(Flattened("", "", s));
  ExpectMalformed(Flattened(Base64UrlEncode("[1]"), "", s), "object");
  ExpectMalformed(Flattened(Base64UrlEncode("{\"alg\":"), "", s), "JSON");
  // Typed header members.
  ExpectMalformed(Flattened(Base64UrlEncode(R"({"alg":1})"), "", s), "\"alg\"");
  ExpectMalformed(Flattened(Base64UrlEncode(R"({"alg":"ES256","nonce":1})"), "", s), "\"nonce\"");
  ExpectMalformed(Flattened(Base64UrlEncode(R"({"alg":"ES256","url":[]})"), "", s), "\"url\"");
  ExpectMalformed(Flattened(Base64UrlEncode(R"({"alg":"ES256","kid":{}})"), "", s), "\"kid\"");
  ExpectMalformed(Flattened(Base64UrlEncode(R"({"alg":"ES256","jwk":"k"})"), "", s), "\"jwk\"");
  ExpectMalformed(Flattened(Base64UrlEncode(R"({"alg":"ES256","crit":["b64"],"b64":false})"), "",
                            s),
                  "\"crit\"");
}

TEST(ParseFlattenedTest, ConvenienceFieldsPopulated) {
  json::object jwk = ParseObject(testing::kRfc8037PublicJwk);
  json::object header{{"alg", "EdDSA"},
                      {"nonce", "abc"},
                      {"url", "https://ca.example/acme/new-account"},
                      {"jwk", jwk}};
  ParsedJws jws =
      MustParse(Flattened(Base64UrlEncode(json::serialize(header)), Base64UrlEncode("{}"), "AAAA"));
  EXPECT_EQ(jws.header, header);
  EXPECT_EQ(jws.alg, "EdDSA");
  EXPECT_EQ(jws.nonce, "abc");
  EXPECT_EQ(jws.url, "https://ca.example/acme/new-account");
  EXPECT_EQ(jws.kid, "");
  ASSERT_TRUE(jws.jwk.has_value());
  EXPECT_EQ(*jws.jwk, jwk);
  EXPECT_EQ(jws.payload, "{}");
  EXPECT_EQ(jws.signature, std::string(3, '\0'));

  header.erase("jwk");
  header["kid"] = "https://ca.example/acme/acct/1";
  jws = MustParse(Flattened(Base64UrlEncode(json::serialize(header)), "", "AAAA"));
  EXPECT_EQ(jws.kid, "https://ca.example/acme/acct/1");
  EXPECT_FALSE(jws.jwk.has_value());
  EXPECT_EQ(jws.payload, "");
}

// --- Signing -------------------------------------------------------------------

class SignVerifyTest : public ::testing::TestWithParam<crypto::KeyType> {};

TEST_P(SignVerifyTest, RoundTrip) {
  Result<crypto::Key> key = crypto::Key::Generate(GetParam());
  ASSERT_TRUE(key.ok());
  Result<Alg> alg = AlgForKey(*key);
  ASSERT_TRUE(alg.ok());
  Result<crypto::Key> pub = KeyFromJwk(PublicJwk(*key));
  ASSERT_TRUE(pub.ok());

  // Several signatures so ECDSA R/S values with leading zero bytes occur.
  for (int i = 0; i < 8; ++i) {
    json::object header{{"nonce", "n" + std::to_string(i)},
                        {"url", "https://ca.example/acme/new-order"},
                        {"alg", "none"}};  // overwritten by Sign
    std::string payload = R"({"identifiers":[{"type":"dns","value":"example.com"}]})";
    Result<std::string> body = Sign(*key, header, payload);
    ASSERT_TRUE(body.ok()) << body.error().ToString();
    ParsedJws jws = MustParse(*body);
    EXPECT_EQ(jws.alg, AlgName(*alg));
    EXPECT_EQ(jws.nonce, "n" + std::to_string(i));
    EXPECT_EQ(jws.payload, payload);
    Status status = Verify(jws, *pub);
    EXPECT_TRUE(status.ok()) << status.error().ToString();

    jws.payload_b64 = Base64UrlEncode(payload + " ");
    ExpectError(Verify(jws, *pub), ErrorCode::kMalformed);
  }
}

TEST_P(SignVerifyTest, EmptyPayloadPostAsGet) {
  Result<crypto::Key> key = crypto::Key::Generate(GetParam());
  ASSERT_TRUE(key.ok());
  Result<std::string> body = Sign(*key, json::object{{"kid", "acct"}}, "");
  ASSERT_TRUE(body.ok());
  ParsedJws jws = MustParse(*body);
  EXPECT_EQ(jws.payload_b64, "");
  EXPECT_EQ(jws.payload, "");
  Status status = Verify(jws, *key);
  EXPECT_TRUE(status.ok()) << status.error().ToString();
}

INSTANTIATE_TEST_SUITE_P(AllKeyTypes, SignVerifyTest,
                         ::testing::Values(crypto::KeyType::kRsa, crypto::KeyType::kEcP256,
                                           crypto::KeyType::kEcP384, crypto::KeyType::kEcP521,
                                           crypto::KeyType::kEd25519));

TEST(SignTest, OutputIsExactlyFlattened) {
  Result<crypto::Key> key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(key.ok());
  Result<std::string> body = Sign(*key, json::object(), "x");
  ASSERT_TRUE(body.ok());
  json::object o = ParseObject(*body);
  EXPECT_EQ(o.size(), 3u);
  EXPECT_TRUE(o.contains("protected") && o.contains("payload") && o.contains("signature"));
  EXPECT_EQ(Base64UrlDecode(o.at("signature").as_string())->size(), 64u);
}

TEST(SignTest, PublicKeyCannotSign) {
  EXPECT_FALSE(Sign(PublicKey(testing::kRfc8037PublicJwk), json::object(), "x").ok());
}

// --- Algorithms ----------------------------------------------------------------

TEST(AlgTest, NamesRoundTrip) {
  const std::vector<std::string> expected = {"RS256", "ES256", "ES384", "ES512", "EdDSA"};
  EXPECT_EQ(SupportedAlgs(), expected);
  for (const std::string& name : SupportedAlgs()) {
    std::optional<Alg> alg = ParseAlg(name);
    ASSERT_TRUE(alg.has_value()) << name;
    EXPECT_EQ(AlgName(*alg), name);
  }
  for (const char* name : {"none", "HS256", "PS256", "ES256K", "Ed25519", "rs256", ""}) {
    EXPECT_FALSE(ParseAlg(name).has_value()) << name;
  }
}

TEST(AlgTest, AlgForKey) {
  const std::pair<crypto::KeyType, Alg> cases[] = {
      {crypto::KeyType::kRsa, Alg::kRS256},     {crypto::KeyType::kEcP256, Alg::kES256},
      {crypto::KeyType::kEcP384, Alg::kES384},  {crypto::KeyType::kEcP521, Alg::kES512},
      {crypto::KeyType::kEd25519, Alg::kEdDSA},
  };
  for (const auto& [type, alg] : cases) {
    Result<crypto::Key> key = crypto::Key::Generate(type);
    ASSERT_TRUE(key.ok());
    Result<Alg> got = AlgForKey(*key);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(*got, alg);
  }
  EXPECT_FALSE(AlgForKey(crypto::Key()).ok());
}

}  // namespace
}  // namespace signet::jose
