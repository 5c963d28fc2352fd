// Replay nonces (RFC 8555 6.5): each nonce is issued once and accepted once.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <unordered_set>

#include "base/result.h"

namespace signet::ca {

// Thread-safe.
class NonceService {
 public:
  virtual ~NonceService() = default;
  virtual std::string Issue() = 0;
  // True if `nonce` was issued by this CA and not used yet; it is used up
  // either way. An Error only when that cannot be decided (storage).
  virtual Result<bool> Redeem(const std::string& nonce) = 0;
};

// One instance's nonces, in memory: a restart invalidates outstanding
// nonces, and clients recover through the badNonce error, which carries a
// fresh one. Several instances: SharedNonceService (shared_nonce.h).
class MemoryNonceService : public NonceService {
 public:
  explicit MemoryNonceService(size_t capacity = 1 << 20) : capacity_(capacity) {}

  std::string Issue() override;
  Result<bool> Redeem(const std::string& nonce) override;

 private:
  std::mutex mu_;
  size_t capacity_;
  std::unordered_set<std::string> live_;  // GUARDED_BY(mu_)
  std::deque<std::string> order_;         // GUARDED_BY(mu_), oldest first
};

}  // namespace signet::ca
