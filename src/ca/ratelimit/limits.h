// The rate limits of the CA (Let's Encrypt's published set, as Boulder's
// ratelimits package names and counts them) and the operator's overrides.
// A Limits value is immutable once built; RateLimiter swaps whole values on
// reload, so readers never see half a configuration.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/result.h"

namespace signet::ca::ratelimit {

enum class LimitName {
  kNewRegistrationsPerIp,        // newAccount, key: the client's IP address
  kNewRegistrationsPerIpv6Range, // newAccount, key: the client's IPv6 /48 ("2001:db8:1::/48")
  kNewOrdersPerAccount,          // newOrder, key: account id
  // Failed validations, key: account id (the bucket is per account and identifier).
  kFailedAuthorizationsPerIdentifierPerAccount,
  kCertificatesPerDomain,        // issuance, key: registered domain (or IP address)
  kCertificatesPerExactSet,      // issuance, key: the names, sorted, comma-separated
  kPendingAuthorizationsPerAccount,  // newOrder, key: account id
};
inline constexpr size_t kLimitCount = 7;

// The configuration name ("new_orders_per_account").
std::string_view NameOf(LimitName limit);
std::optional<LimitName> LimitByName(std::string_view name);

// `count` requests per `period`, in a burst or spread out: the bucket
// refills one request each period / count.
struct Limit {
  int64_t count = 0;
  std::chrono::seconds period{0};
  bool operator==(const Limit&) const = default;
};

class Limits {
 public:
  // Let's Encrypt's production numbers (letsencrypt.org/docs/rate-limits):
  // 10 accounts per IP and 500 per IPv6 /48 per 3 hours, 300 new orders per
  // account per 3 hours, 5 failed validations per identifier per account per
  // hour, 50 certificates per registered domain and 5 per exact set of names
  // per 7 days, 1000 pending authorizations per account (refilled over 7
  // days, the pending lifetime).
  static Limits LetsEncryptDefaults();

  void Set(LimitName limit, Limit value) { defaults_[size_t(limit)] = value; }
  // kMalformed when (limit, key) already has an override.
  Status AddOverride(LimitName limit, std::string key, Limit value);
  // Adds or replaces the override for (limit, key).
  void SetOverride(LimitName limit, std::string key, Limit value) {
    overrides_[{limit, std::move(key)}] = value;
  }
  // The override for `key` if there is one, else the limit's own value.
  const Limit& For(LimitName limit, const std::string& key) const;
  const Limit& Default(LimitName limit) const { return defaults_[size_t(limit)]; }
  size_t override_count() const { return overrides_.size(); }

 private:
  std::array<Limit, kLimitCount> defaults_{};
  std::map<std::pair<LimitName, std::string>, Limit> overrides_;
};

}  // namespace signet::ca::ratelimit
