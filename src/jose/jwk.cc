// JWK -> crypto::Key. Export and thumbprints are in jwk_export.cc.
#include "jose/jwk.h"

#include <deque>
#include <vector>

#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include "base/base64url.h"
#include "crypto/ossl.h"
#include "jose/ec_curve.h"

namespace signet::jose {
namespace {

namespace json = boost::json;

Error Malformed(const std::string& detail) {
  return Error(ErrorCode::kMalformed, "invalid JWK: " + detail);
}

std::string Quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

Result<std::string> StringMember(const json::object& jwk, std::string_view name) {
  const json::value* v = jwk.if_contains(name);
  if (v == nullptr) return Malformed("missing member " + Quoted(name));
  if (!v->is_string()) return Malformed("member " + Quoted(name) + " is not a string");
  return std::string(v->get_string());
}

// A base64url member decoded to its (non-empty) bytes.
Result<std::string> BytesMember(const json::object& jwk, std::string_view name) {
  SIGNET_ASSIGN_OR_RETURN(std::string text, StringMember(jwk, name));
  Result<std::string> bytes = Base64UrlDecode(text);
  if (!bytes.ok()) return Malformed("member " + Quoted(name) + " is not valid base64url");
  if (bytes->empty()) return Malformed("member " + Quoted(name) + " is empty");
  return bytes;
}

Result<std::string> FixedBytesMember(const json::object& jwk, std::string_view name,
                                     size_t size) {
  SIGNET_ASSIGN_OR_RETURN(std::string bytes, BytesMember(jwk, name));
  if (bytes.size() != size) {
    OPENSSL_cleanse(bytes.data(), bytes.size());
    return Malformed("member " + Quoted(name) + " must be " + std::to_string(size) +
                     " bytes, got " + std::to_string(bytes.size()));
  }
  return bytes;
}

// Collects OSSL_PARAMs for EVP_PKEY_fromdata. OSSL_PARAM_BLD keeps pointers
// to what is pushed until ToParams(), so the builder owns those buffers.
class KeyParams {
 public:
  KeyParams() : bld_(OSSL_PARAM_BLD_new()) {}
  ~KeyParams() {
    for (crypto::BignumPtr& bn : bns_) BN_clear(bn.get());
  }

  bool PushBn(const char* name, std::string_view bytes) {
    crypto::BignumPtr bn(
        BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), int(bytes.size()), nullptr));
    if (!bld_ || !bn || OSSL_PARAM_BLD_push_BN(bld_.get(), name, bn.get()) != 1) return false;
    bns_.push_back(std::move(bn));
    return true;
  }
  bool PushUtf8(const char* name, const char* value) {  // `value` must be static
    return bld_ && OSSL_PARAM_BLD_push_utf8_string(bld_.get(), name, value, 0) == 1;
  }
  bool PushOctets(const char* name, std::string value) {
    const std::string& stored = octets_.emplace_back(std::move(value));
    return bld_ &&
           OSSL_PARAM_BLD_push_octet_string(bld_.get(), name, stored.data(), stored.size()) == 1;
  }

  // Builds a key of OpenSSL `type` ("RSA", "EC"); selection is
  // EVP_PKEY_PUBLIC_KEY or EVP_PKEY_KEYPAIR. A rejection is kMalformed.
  Result<crypto::Key> Build(const char* type, int selection) {
    if (!bld_) return crypto::OsslError(ErrorCode::kServerInternal, "OSSL_PARAM_BLD_new failed");
    crypto::ParamsPtr params(OSSL_PARAM_BLD_to_param(bld_.get()));
    crypto::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1)
      return crypto::OsslError(ErrorCode::kServerInternal, "cannot set up key import");
    EVP_PKEY* raw = nullptr;
    int rc = EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get());
    crypto::PkeyPtr pkey(raw);
    if (rc != 1 || !pkey)
      return crypto::OsslError(ErrorCode::kMalformed, std::string("invalid JWK: bad ") + type + " key");
    return crypto::Key(std::move(pkey));
  }

 private:
  crypto::ParamBldPtr bld_;
  std::vector<crypto::BignumPtr> bns_;
  std::deque<std::string> octets_;  // deque: stable addresses
};

// Runs OpenSSL's validation: the public key alone (EC: the point is not
// infinity, its coordinates are in range and it is on the curve), or the key
// pair (private part matches the public). Every curve a JWK may name
// (ec_curve.h: P-256, P-384, P-521) has cofactor 1, so the quick public
// check is full validation (NIST SP 800-56A 5.6.2.3.4); the full check would
// add a point multiplication by the group order, as costly as a signature
// check, on every JWS that carries a "jwk".
Status CheckKey(const crypto::Key& key, bool pair) {
  crypto::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!ctx) return crypto::OsslError(ErrorCode::kServerInternal, "cannot check key");
  int rc = pair ? EVP_PKEY_pairwise_check(ctx.get()) : EVP_PKEY_public_check_quick(ctx.get());
  if (rc != 1) {
    return crypto::OsslError(ErrorCode::kMalformed,
                             pair ? "invalid JWK: private key does not match the public key"
                                  : "invalid JWK: public key is not valid for its curve");
  }
  return OkStatus();
}

Result<crypto::Key> RsaFromJwk(const json::object& jwk, bool with_private) {
  SIGNET_ASSIGN_OR_RETURN(std::string n, BytesMember(jwk, "n"));
  SIGNET_ASSIGN_OR_RETURN(std::string e, BytesMember(jwk, "e"));
  // No RSA operation works with an even modulus (Montgomery arithmetic needs
  // it odd), so a signature could never be checked with it: say why here.
  // The key policy (pki/key_policy.h) runs the rest of SP 800-89's checks.
  if ((static_cast<unsigned char>(n.back()) & 1) == 0)
    return Error(ErrorCode::kBadPublicKey, "RSA modulus is even; generate a new key");
  KeyParams params;
  if (!params.PushBn(OSSL_PKEY_PARAM_RSA_N, n) || !params.PushBn(OSSL_PKEY_PARAM_RSA_E, e))
    return crypto::OsslError(ErrorCode::kServerInternal, "cannot build RSA parameters");
  if (!with_private) return params.Build("RSA", EVP_PKEY_PUBLIC_KEY);

  if (jwk.contains("oth")) return Malformed("multi-prime RSA keys (\"oth\") are not supported");
  static constexpr std::pair<const char*, const char*> kPrivate[] = {
      {"d", OSSL_PKEY_PARAM_RSA_D},
      {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},
      {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},
      {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},
      {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2},
      {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
  };
  for (const auto& [member, param] : kPrivate) {
    SIGNET_ASSIGN_OR_RETURN(std::string bytes, BytesMember(jwk, member));
    bool ok = params.PushBn(param, bytes);
    OPENSSL_cleanse(bytes.data(), bytes.size());
    if (!ok) return crypto::OsslError(ErrorCode::kServerInternal, "cannot build RSA parameters");
  }
  SIGNET_ASSIGN_OR_RETURN(crypto::Key key, params.Build("RSA", EVP_PKEY_KEYPAIR));
  SIGNET_RETURN_IF_ERROR(CheckKey(key, /*pair=*/true));
  return key;
}

Result<crypto::Key> EcFromJwk(const json::object& jwk, bool with_private) {
  SIGNET_ASSIGN_OR_RETURN(std::string crv, StringMember(jwk, "crv"));
  const internal::EcCurve* curve = internal::FindEcCurve(crv);
  if (curve == nullptr)
    return Error(ErrorCode::kBadPublicKey, "unsupported EC curve " + Quoted(crv));
  SIGNET_ASSIGN_OR_RETURN(std::string x, FixedBytesMember(jwk, "x", curve->size));
  SIGNET_ASSIGN_OR_RETURN(std::string y, FixedBytesMember(jwk, "y", curve->size));

  KeyParams params;
  bool ok = params.PushUtf8(OSSL_PKEY_PARAM_GROUP_NAME, curve->group_name) &&
            params.PushOctets(OSSL_PKEY_PARAM_PUB_KEY, "\x04" + x + y);  // uncompressed point
  if (with_private) {
    SIGNET_ASSIGN_OR_RETURN(std::string d, FixedBytesMember(jwk, "d", curve->size));
    ok = ok && params.PushBn(OSSL_PKEY_PARAM_PRIV_KEY, d);
    OPENSSL_cleanse(d.data(), d.size());
  }
  if (!ok) return crypto::OsslError(ErrorCode::kServerInternal, "cannot build EC parameters");
  SIGNET_ASSIGN_OR_RETURN(crypto::Key key,
                          params.Build("EC", with_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY));
  SIGNET_RETURN_IF_ERROR(CheckKey(key, with_private));
  return key;
}

Result<crypto::Key> OkpFromJwk(const json::object& jwk, bool with_private) {
  SIGNET_ASSIGN_OR_RETURN(std::string crv, StringMember(jwk, "crv"));
  if (crv != "Ed25519")
    return Error(ErrorCode::kBadPublicKey, "unsupported OKP curve " + Quoted(crv));
  SIGNET_ASSIGN_OR_RETURN(std::string x, FixedBytesMember(jwk, "x", 32));
  const auto* x_bytes = reinterpret_cast<const unsigned char*>(x.data());
  if (!with_private) {
    crypto::PkeyPtr pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, x_bytes, x.size()));
    if (!pkey) return crypto::OsslError(ErrorCode::kMalformed, "invalid JWK: bad Ed25519 key");
    return crypto::Key(std::move(pkey));
  }
  SIGNET_ASSIGN_OR_RETURN(std::string d, FixedBytesMember(jwk, "d", 32));
  crypto::PkeyPtr pkey(EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(d.data()), d.size()));
  OPENSSL_cleanse(d.data(), d.size());
  if (!pkey) return crypto::OsslError(ErrorCode::kMalformed, "invalid JWK: bad Ed25519 key");
  // The public key is derived from d; it must be the one the JWK states.
  unsigned char derived[32];
  size_t len = sizeof(derived);
  if (EVP_PKEY_get_raw_public_key(pkey.get(), derived, &len) != 1 || len != x.size() ||
      CRYPTO_memcmp(derived, x_bytes, len) != 0)
    return Malformed("private key does not match the public key");
  return crypto::Key(std::move(pkey));
}

Result<crypto::Key> FromJwk(const json::object& jwk, bool with_private) {
  SIGNET_ASSIGN_OR_RETURN(std::string kty, StringMember(jwk, "kty"));
  if (kty == "RSA") return RsaFromJwk(jwk, with_private);
  if (kty == "EC") return EcFromJwk(jwk, with_private);
  if (kty == "OKP") return OkpFromJwk(jwk, with_private);
  return Error(ErrorCode::kBadPublicKey, "unsupported JWK key type " + Quoted(kty));
}

}  // namespace

Result<crypto::Key> KeyFromJwk(const json::object& jwk) { return FromJwk(jwk, false); }

Result<crypto::Key> PrivateKeyFromJwk(const json::object& jwk) { return FromJwk(jwk, true); }

}  // namespace signet::jose
