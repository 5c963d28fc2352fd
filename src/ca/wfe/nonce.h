// Replay nonces (RFC 8555 6.5). Each nonce is issued once and accepted once.
// Kept in memory: a restart invalidates outstanding nonces, and clients
// recover through the badNonce error, which carries a fresh one.
// Thread-safe.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <unordered_set>

namespace signet::ca {

class NonceService {
 public:
  explicit NonceService(size_t capacity = 1 << 20) : capacity_(capacity) {}

  std::string Issue();
  // True if `nonce` was issued by us and not used yet; it is used up either way.
  bool Redeem(const std::string& nonce);

 private:
  std::mutex mu_;
  size_t capacity_;
  std::unordered_set<std::string> live_;  // GUARDED_BY(mu_)
  std::deque<std::string> order_;         // GUARDED_BY(mu_), oldest first
};

}  // namespace signet::ca
