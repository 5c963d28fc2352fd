#include "ca/wfe/account_key_cache.h"

namespace signet::ca {

std::optional<crypto::Key> AccountKeyCache::Find(const std::string& thumbprint) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keys_.find(thumbprint);
  if (it == keys_.end()) return std::nullopt;
  return it->second;  // shares the EVP_PKEY (reference-counted)
}

void AccountKeyCache::Insert(const std::string& thumbprint, const crypto::Key& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!keys_.emplace(thumbprint, key).second) return;
  order_.push_back(thumbprint);
  while (order_.size() > capacity_) {
    keys_.erase(order_.front());
    order_.pop_front();
  }
}

}  // namespace signet::ca
