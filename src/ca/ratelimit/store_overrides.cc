#include "ca/ratelimit/store_overrides.h"

#include "base/duration.h"

namespace signet::ca::ratelimit {

Status AddStoredOverride(storage::Store& store, const std::string& limit, const std::string& key,
                         int64_t count, const std::string& period) {
  if (!LimitByName(limit)) return Error(ErrorCode::kMalformed, "unknown limit \"" + limit + "\"");
  if (key.empty()) return Error(ErrorCode::kMalformed, "the override needs a key");
  if (count <= 0) return Error(ErrorCode::kMalformed, "count must be a positive integer");
  SIGNET_ASSIGN_OR_RETURN(std::chrono::seconds p, ParseDuration(period));
  if (p.count() <= 0) return Error(ErrorCode::kMalformed, "period must be positive");
  return store.SetRateLimitOverride(
      {limit, key, count, p.count(),
       std::chrono::time_point_cast<std::chrono::seconds>(acme::Clock::now())});
}

Status RemoveStoredOverride(storage::Store& store, const std::string& limit,
                            const std::string& key) {
  SIGNET_ASSIGN_OR_RETURN(bool removed, store.RemoveRateLimitOverride(limit, key));
  if (!removed)
    return Error(ErrorCode::kNotFound, "no override of " + limit + " for key \"" + key + "\"");
  return OkStatus();
}

Result<Limits> WithStoredOverrides(storage::ReadOnlyStore& store, Limits base) {
  SIGNET_ASSIGN_OR_RETURN(auto stored, store.ListRateLimitOverrides());
  for (const auto& o : stored) {
    auto limit = LimitByName(o.limit);
    if (!limit || o.count <= 0 || o.period_seconds <= 0) continue;
    base.SetOverride(*limit, o.key, {o.count, std::chrono::seconds(o.period_seconds)});
  }
  return base;
}

}  // namespace signet::ca::ratelimit
