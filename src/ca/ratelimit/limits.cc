#include "ca/ratelimit/limits.h"

namespace signet::ca::ratelimit {

namespace {

constexpr std::array<std::string_view, kLimitCount> kNames = {
    "new_registrations_per_ip",
    "new_registrations_per_ipv6_range",
    "new_orders_per_account",
    "failed_authorizations_per_identifier_per_account",
    "certificates_per_domain",
    "certificates_per_exact_set",
    "pending_authorizations_per_account",
};

}  // namespace

std::string_view NameOf(LimitName limit) { return kNames[size_t(limit)]; }

std::optional<LimitName> LimitByName(std::string_view name) {
  for (size_t i = 0; i < kLimitCount; ++i)
    if (kNames[i] == name) return LimitName(i);
  return std::nullopt;
}

Limits Limits::LetsEncryptDefaults() {
  using std::chrono::hours;
  Limits l;
  l.Set(LimitName::kNewRegistrationsPerIp, {10, hours(3)});
  l.Set(LimitName::kNewRegistrationsPerIpv6Range, {500, hours(3)});
  l.Set(LimitName::kNewOrdersPerAccount, {300, hours(3)});
  l.Set(LimitName::kFailedAuthorizationsPerIdentifierPerAccount, {5, hours(1)});
  l.Set(LimitName::kCertificatesPerDomain, {50, hours(24 * 7)});
  l.Set(LimitName::kCertificatesPerExactSet, {5, hours(24 * 7)});
  l.Set(LimitName::kPendingAuthorizationsPerAccount, {1000, hours(24 * 7)});
  return l;
}

Status Limits::AddOverride(LimitName limit, std::string key, Limit value) {
  auto [it, added] = overrides_.emplace(std::make_pair(limit, key), value);
  if (!added)
    return Error(ErrorCode::kMalformed, "two overrides of " + std::string(NameOf(limit)) +
                                            " for key \"" + it->first.second + "\"");
  return OkStatus();
}

const Limit& Limits::For(LimitName limit, const std::string& key) const {
  auto it = overrides_.find({limit, key});
  return it != overrides_.end() ? it->second : defaults_[size_t(limit)];
}

}  // namespace signet::ca::ratelimit
