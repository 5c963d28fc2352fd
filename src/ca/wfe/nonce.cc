#include "ca/wfe/nonce.h"

#include <cstring>

#include "base/base64url.h"
#include "crypto/digest.h"

namespace signet::ca {

std::string MemoryNonceService::Issue() {
  std::string bytes = crypto::RandomBytes(sizeof(Key));
  Key key{};
  std::memcpy(&key, bytes.data(), sizeof key);
  std::lock_guard<std::mutex> lock(mu_);
  live_.insert(key);
  order_.push_back(key);
  // Forget the oldest when full; a client holding one gets badNonce and retries.
  while (order_.size() > capacity_) {
    live_.erase(order_.front());
    order_.pop_front();
  }
  return Base64UrlEncode(bytes);
}

Result<bool> MemoryNonceService::Redeem(const std::string& nonce) {
  // Only the canonical encoding of 16 bytes is a nonce this service issued.
  Result<std::string> bytes = Base64UrlDecode(nonce);
  if (!bytes.ok() || bytes->size() != sizeof(Key) || Base64UrlEncode(*bytes) != nonce) return false;
  Key key{};
  std::memcpy(&key, bytes->data(), sizeof key);
  std::lock_guard<std::mutex> lock(mu_);
  // The deque keeps a stale entry until it ages out; erase() on a missing
  // entry is harmless, so the two stay consistent enough for a bounded set.
  return live_.erase(key) == 1;
}

}  // namespace signet::ca
