#include "ca/wfe/nonce.h"

#include "base/base64url.h"
#include "crypto/digest.h"

namespace signet::ca {

std::string MemoryNonceService::Issue() {
  std::string nonce = Base64UrlEncode(crypto::RandomBytes(16));
  std::lock_guard<std::mutex> lock(mu_);
  live_.insert(nonce);
  order_.push_back(nonce);
  // Forget the oldest when full; a client holding one gets badNonce and retries.
  while (order_.size() > capacity_) {
    live_.erase(order_.front());
    order_.pop_front();
  }
  return nonce;
}

Result<bool> MemoryNonceService::Redeem(const std::string& nonce) {
  std::lock_guard<std::mutex> lock(mu_);
  // The deque keeps a stale entry until it ages out; erase() on a missing
  // entry is harmless, so the two stay consistent enough for a bounded set.
  return live_.erase(nonce) == 1;
}

}  // namespace signet::ca
