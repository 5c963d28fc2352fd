// Parsed account keys, by RFC 7638 thumbprint. Building an EVP_PKEY from a
// JWK (with its public-key check) costs about as much as verifying the
// request's signature (signet-bench profile, docs/performance.md), and an
// account signs every request with the same key. A thumbprint names exactly
// one key, so entries never go stale. Bounded: the oldest entries are
// forgotten first. Thread-safe.
#pragma once

#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "crypto/key.h"

namespace signet::ca {

class AccountKeyCache {
 public:
  explicit AccountKeyCache(size_t capacity = 100000) : capacity_(capacity) {}

  std::optional<crypto::Key> Find(const std::string& thumbprint);
  void Insert(const std::string& thumbprint, const crypto::Key& key);
  // Forgets the key (an account's old key after keyChange). Linear in size.
  void Erase(const std::string& thumbprint);

 private:
  std::mutex mu_;
  size_t capacity_;
  std::unordered_map<std::string, crypto::Key> keys_;  // GUARDED_BY(mu_)
  std::deque<std::string> order_;                      // GUARDED_BY(mu_), oldest first
};

}  // namespace signet::ca
