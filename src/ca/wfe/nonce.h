// Replay nonces (RFC 8555 6.5): each nonce is issued once and accepted once.
#pragma once

#include <cstdint>
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
// At most `capacity` outstanding, the oldest forgotten first, each kept as
// its 16 random bytes: a full store of 2^20 is about 75 MiB (as strings it
// was 172 MiB, all a newNonce flood needed to fill).
class MemoryNonceService : public NonceService {
 public:
  explicit MemoryNonceService(size_t capacity = 1 << 20) : capacity_(capacity) {}

  std::string Issue() override;
  Result<bool> Redeem(const std::string& nonce) override;

 private:
  struct Key {
    uint64_t high, low;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {  // the bytes are random already
    size_t operator()(const Key& k) const { return size_t(k.low ^ k.high); }
  };
  std::mutex mu_;
  size_t capacity_;
  std::unordered_set<Key, KeyHash> live_;  // GUARDED_BY(mu_)
  std::deque<Key> order_;                  // GUARDED_BY(mu_), oldest first
};

}  // namespace signet::ca
