#include "ca/wfe/account_key_cache.h"

#include <algorithm>

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

void AccountKeyCache::Erase(const std::string& thumbprint) {
  std::lock_guard<std::mutex> lock(mu_);
  if (keys_.erase(thumbprint) == 0) return;
  // A linear scan, but key changes are rare; leaving the name in order_
  // would later evict a new entry for the same thumbprint early.
  order_.erase(std::find(order_.begin(), order_.end(), thumbprint));
}

}  // namespace signet::ca
