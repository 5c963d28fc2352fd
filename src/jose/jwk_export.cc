// crypto::Key -> JWK, and RFC 7638 thumbprints.
#include <algorithm>
#include <utility>
#include <vector>

#include <boost/json/serialize.hpp>
#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include "base/base64url.h"
#include "crypto/digest.h"
#include "crypto/ossl.h"
#include "jose/ec_curve.h"
#include "jose/jwk.h"

namespace signet::jose {
namespace {

namespace json = boost::json;

// base64url of a big-endian integer parameter of `key`: minimal length when
// `width` is 0, else left-padded to `width` bytes. "" if the key lacks it.
std::string BnParam(const crypto::Key& key, const char* name, size_t width = 0) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key.get(), name, &raw) != 1) {
    crypto::LastOsslError();
    return "";
  }
  crypto::BignumPtr bn(raw);
  if (width == 0) width = size_t(BN_num_bytes(bn.get()));
  std::string bytes(width, '\0');
  int rc = BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()), int(width));
  BN_clear(bn.get());
  std::string out = rc < 0 ? "" : Base64UrlEncode(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return out;
}

using RawGetter = int (*)(const EVP_PKEY*, unsigned char*, size_t*);

std::string RawParam(const crypto::Key& key, RawGetter get) {
  unsigned char buf[32];
  size_t len = sizeof(buf);
  if (get(key.get(), buf, &len) != 1) {
    crypto::LastOsslError();
    return "";
  }
  std::string out = Base64UrlEncode(std::string_view(reinterpret_cast<char*>(buf), len));
  OPENSSL_cleanse(buf, sizeof(buf));
  return out;
}

const internal::EcCurve* CurveOf(const crypto::Key& key) {
  return internal::FindEcCurve(key.CurveName());
}

}  // namespace

json::object PublicJwk(const crypto::Key& key) {
  json::object jwk;
  const std::string family = key.Family();
  if (family == "RSA") {
    jwk["e"] = BnParam(key, OSSL_PKEY_PARAM_RSA_E);
    jwk["kty"] = "RSA";
    jwk["n"] = BnParam(key, OSSL_PKEY_PARAM_RSA_N);
  } else if (family == "EC") {
    const internal::EcCurve* curve = CurveOf(key);
    if (curve == nullptr) return {};
    jwk["crv"] = curve->jwk_name;
    jwk["kty"] = "EC";
    jwk["x"] = BnParam(key, OSSL_PKEY_PARAM_EC_PUB_X, curve->size);
    jwk["y"] = BnParam(key, OSSL_PKEY_PARAM_EC_PUB_Y, curve->size);
  } else if (family == "OKP") {
    jwk["crv"] = "Ed25519";
    jwk["kty"] = "OKP";
    jwk["x"] = RawParam(key, EVP_PKEY_get_raw_public_key);
  }
  return jwk;
}

json::object PrivateJwk(const crypto::Key& key) {
  json::object jwk = PublicJwk(key);
  const std::string family = key.Family();
  if (family == "RSA") {
    std::string d = BnParam(key, OSSL_PKEY_PARAM_RSA_D);
    if (d.empty()) return jwk;  // public key only
    jwk["d"] = d;
    jwk["p"] = BnParam(key, OSSL_PKEY_PARAM_RSA_FACTOR1);
    jwk["q"] = BnParam(key, OSSL_PKEY_PARAM_RSA_FACTOR2);
    jwk["dp"] = BnParam(key, OSSL_PKEY_PARAM_RSA_EXPONENT1);
    jwk["dq"] = BnParam(key, OSSL_PKEY_PARAM_RSA_EXPONENT2);
    jwk["qi"] = BnParam(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
  } else if (family == "EC") {
    const internal::EcCurve* curve = CurveOf(key);
    if (curve == nullptr) return jwk;
    std::string d = BnParam(key, OSSL_PKEY_PARAM_PRIV_KEY, curve->size);
    if (!d.empty()) jwk["d"] = d;
  } else if (family == "OKP") {
    std::string d = RawParam(key, EVP_PKEY_get_raw_private_key);
    if (!d.empty()) jwk["d"] = d;
  }
  return jwk;
}

std::string Thumbprint(const crypto::Key& key) {
  json::object jwk = PublicJwk(key);
  if (jwk.empty()) return "";
  std::vector<std::pair<std::string_view, const json::value*>> members;
  for (const json::key_value_pair& kv : jwk) members.emplace_back(kv.key(), &kv.value());
  std::sort(members.begin(), members.end());
  std::string canonical = "{";
  for (const auto& [name, value] : members) {
    if (canonical.size() > 1) canonical += ',';
    canonical += json::serialize(json::string(name));
    canonical += ':';
    canonical += json::serialize(*value);
  }
  canonical += '}';
  return Base64UrlEncode(crypto::Sha256(canonical));
}

}  // namespace signet::jose
