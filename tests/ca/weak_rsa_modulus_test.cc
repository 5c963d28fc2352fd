// SP 800-89 5.3.3 / Baseline Requirements 6.1.6 on every path that accepts
// an RSA key: newAccount, keyChange's new key and a CSR's key. A modulus
// that is prime, even, has a small factor, has the ROCA fingerprint or is
// Fermat-factorable is refused naming the reason: badPublicKey for an
// account key, badCSR for a CSR (pki/key_policy.h), and nothing is created.
#include "acme_fixture.h"
#include "base/base64url.h"
#include "jose/jwk.h"
#include "jose/jws.h"
#include "pki/weak_key_test_support.h"

namespace signet::testing {
namespace {
namespace json = boost::json;
namespace ts = pki::testing_support;

struct WeakKey {
  std::string what;
  crypto::Key key;  // signs, except the even modulus (public only)
  std::string detail;
  bool can_sign = true;
};

std::vector<WeakKey> WeakKeys() {
  std::vector<WeakKey> keys;
  keys.push_back({"prime", ts::PrimeModulusKey(),
                  "RSA modulus is prime, not a product of two primes; generate a new key"});
  crypto::BignumPtr even = ts::PlausibleModulus(2048);
  BN_sub_word(even.get(), 1);
  keys.push_back({"even", ts::RsaPublicKey(even.get()), "RSA modulus is even; generate a new key",
                  false});
  keys.push_back({"small factor", ts::SmallFactorKey(743),
                  "RSA modulus has the small prime factor 743; generate a new key"});
  keys.push_back({"ROCA", ts::RocaKey(),
                  "key is vulnerable to ROCA (an Infineon-generated RSA modulus, "
                  "CVE-2017-15361); generate a new key with other software"});
  auto [p, q] = ts::ClosePrimes(2048);
  keys.push_back({"Fermat", ts::RsaKeyFromPrimes(p.get(), q.get()),
                  "modulus is Fermat-factorable (its prime factors are too close together); "
                  "generate a new key"});
  return keys;
}

// A flattened JWS naming `key` in its "jwk" header; signed by `key` when it
// can sign, else carrying a made-up signature (the server refuses the key
// before it looks at the signature).
std::string JwsWithJwk(const WeakKey& k, json::object header, const std::string& payload) {
  header["jwk"] = jose::PublicJwk(k.key);
  header["alg"] = "RS256";
  if (k.can_sign) {
    auto jws = jose::Sign(k.key, header, payload);
    EXPECT_TRUE(jws.ok());
    return *jws;
  }
  return json::serialize(json::object{
      {"protected", Base64UrlEncode(json::serialize(header))},
      {"payload", Base64UrlEncode(payload)},
      {"signature", Base64UrlEncode(std::string(256, '\x5a'))}});
}

class WeakRsaModulusTest : public AcmeTest {
 protected:
  Reply PostBody(const std::string& url, const std::string& body) {
    http::Request req{"POST", url.substr(kBase.size()), "", true,
                      {{"Content-Type", "application/jose+json"}}, body};
    return Send(std::move(req));
  }
  Reply NewAccountWith(const WeakKey& k, bool only_existing = false) {
    json::object payload{{"termsOfServiceAgreed", true}};
    if (only_existing) payload = {{"onlyReturnExisting", true}};
    std::string url = kBase + "/acme/new-acct";
    return PostBody(url, JwsWithJwk(k, {{"nonce", Nonce()}, {"url", url}},
                                    json::serialize(payload)));
  }
  Reply ChangeKeyTo(const WeakKey& k) {
    std::string url = kBase + "/acme/key-change";
    json::object change{{"account", kid_}, {"oldKey", jose::PublicJwk(key_)}};
    std::string inner = JwsWithJwk(k, {{"url", url}}, json::serialize(change));
    return PostJson(url, json::parse(inner));
  }
};

TEST_F(WeakRsaModulusTest, NewAccountRefusesEachAsBadPublicKey) {
  for (const WeakKey& k : WeakKeys()) {
    SCOPED_TRACE(k.what);
    Reply r = NewAccountWith(k);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.Type(), "badPublicKey") << r.body;
    EXPECT_EQ(Str(r.json, "detail"), k.detail);
    if (k.can_sign) EXPECT_EQ(NewAccountWith(k, true).Type(), "accountDoesNotExist");
  }
}

TEST_F(WeakRsaModulusTest, KeyChangeRefusesEachAsBadPublicKeyAndKeepsTheOldKey) {
  key_ = *crypto::Key::Generate(crypto::KeyType::kEcP256);
  Register();
  for (const WeakKey& k : WeakKeys()) {
    SCOPED_TRACE(k.what);
    Reply r = ChangeKeyTo(k);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.Type(), "badPublicKey") << r.body;
    // The even modulus is refused as the inner JWS's key is read.
    EXPECT_EQ(Str(r.json, "detail"),
              (k.can_sign ? "" : "the new key (inner \"jwk\"): ") + k.detail);
    EXPECT_EQ(PostAsGet(kid_).status, 200);
  }
}

TEST_F(WeakRsaModulusTest, FinalizeRefusesEachAsBadCsr) {
  key_ = *crypto::Key::Generate(crypto::KeyType::kEcP256);
  Register();
  for (const WeakKey& k : WeakKeys()) {
    if (!k.can_sign) continue;  // a CSR with an even modulus cannot be signed
    SCOPED_TRACE(k.what);
    std::string name = "weak" + std::to_string(k.what.size()) + ".example.test";
    Reply r = IssueWithCsr({name}, MakeCsr(k.key, {name}));
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.Type(), "badCSR") << r.body;
    EXPECT_EQ(Str(r.json, "detail"), k.detail);
  }
}

}  // namespace
}  // namespace signet::testing
