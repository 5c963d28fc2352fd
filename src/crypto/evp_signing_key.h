// Internal to crypto: the SigningKey both implementations share. It signs
// with an EVP_PKEY that is either the private key itself (MemorySigningKey,
// key files) or a handle the PKCS#11 engine resolves on the token.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "crypto/signing_key.h"

namespace signet::crypto::internal {

class EvpSigningKey : public SigningKey {
 public:
  // `serialize`: one signature at a time (a PKCS#11 session).
  // `keep_alive`: what must outlive the key (the engine), or nullptr.
  static Result<std::unique_ptr<SigningKey>> Create(PkeyPtr private_key, std::string description,
                                                    bool serialize,
                                                    std::shared_ptr<void> keep_alive = nullptr);

  const Key& public_key() const override { return public_key_; }
  const std::string& description() const override { return description_; }
  const std::string& algorithm_id() const override { return algorithm_id_; }
  Result<std::string> Sign(std::string_view data) const override;
  Status SignCertificate(X509* cert) const override;
  Status SignOcspResponse(OCSP_BASICRESP* basic, X509* responder_cert) const override;

 private:
  EvpSigningKey() = default;
  const EVP_MD* Digest() const;
  std::unique_lock<std::mutex> Lock() const;

  std::shared_ptr<void> keep_alive_;  // destroyed after private_key_
  PkeyPtr private_key_;
  Key public_key_;
  std::string description_;
  std::string algorithm_id_;
  bool serialize_ = false;
  mutable std::mutex mu_;
};

}  // namespace signet::crypto::internal
