// Asymmetric keys: generation, PEM/DER encoding, and the raw sign/verify
// primitives JWS and X.509 need. A Key owns one EVP_PKEY; copies share it by
// bumping OpenSSL's reference count. Thread-safe for concurrent const use.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "crypto/ossl.h"

namespace signet::crypto {

enum class KeyType { kRsa, kEcP256, kEcP384, kEcP521, kEd25519 };

class Key {
 public:
  Key() = default;
  explicit Key(PkeyPtr pkey) : pkey_(std::move(pkey)) {}
  Key(const Key& other);
  Key& operator=(const Key& other);
  Key(Key&&) = default;
  Key& operator=(Key&&) = default;

  static Result<Key> Generate(KeyType type, int rsa_bits = 2048);
  // PEM private key (PKCS#8 or traditional) or PEM public key.
  static Result<Key> FromPem(std::string_view pem);
  // A DER SubjectPublicKeyInfo, the whole of `der` (trailing bytes are an
  // error). Decoded by a decoder kept per thread (OpenSSL 3.0 builds one
  // per d2i_PUBKEY call).
  static Result<Key> FromPublicDer(std::string_view der);

  bool valid() const { return pkey_ != nullptr; }
  EVP_PKEY* get() const { return pkey_.get(); }

  // "RSA", "EC", "OKP" (Ed25519), or "" for anything else.
  std::string Family() const;
  // For EC keys: "P-256", "P-384", "P-521"; otherwise "".
  std::string CurveName() const;
  int Bits() const;

  std::string PrivatePem() const;  // PKCS#8
  std::string PublicPem() const;
  std::string PublicDer() const;   // SubjectPublicKeyInfo

  bool SamePublicKey(const Key& other) const;

 private:
  PkeyPtr pkey_;
};

// Signs `data` with `digest` (nullptr for Ed25519). ECDSA signatures come out
// DER encoded; JOSE converts them.
Result<std::string> SignDigest(const Key& key, const EVP_MD* digest, std::string_view data);
bool VerifyDigest(const Key& key, const EVP_MD* digest, std::string_view data,
                  std::string_view signature);

}  // namespace signet::crypto
