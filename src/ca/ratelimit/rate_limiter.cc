#include "ca/ratelimit/rate_limiter.h"

#include <ctime>

#include "base/duration.h"
#include "ca/ratelimit/store_overrides.h"

namespace signet::ca::ratelimit {

namespace {

std::optional<BucketState> Stored(const storage::RateLimitBuckets& buckets, const std::string& key) {
  auto it = buckets.find(key);
  if (it == buckets.end()) return std::nullopt;
  return BucketState{Nanos(it->second.tat_ns), Nanos(it->second.interval_ns)};
}

storage::RateLimitBucket ToStored(const std::optional<BucketState>& b) {
  if (!b) return {0, 0};  // delete: a full bucket
  return {b->tat.count(), b->interval.count()};
}

std::vector<std::string> Keys(const std::vector<Transaction>& batch) {
  std::vector<std::string> keys;
  for (const auto& t : batch) keys.push_back(t.StoreKey());
  return keys;
}

std::string Rfc3339(Nanos since_epoch) {
  std::time_t t = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// What a refusal calls the requests the limit counts.
std::string_view WhatIsCounted(LimitName limit) {
  switch (limit) {
    case LimitName::kNewRegistrationsPerIp:
    case LimitName::kNewRegistrationsPerIpv6Range:
      return "new accounts";
    case LimitName::kNewOrdersPerAccount:
      return "new orders";
    case LimitName::kFailedAuthorizationsPerIdentifierPerAccount:
      return "failed authorizations";
    case LimitName::kCertificatesPerDomain:
    case LimitName::kCertificatesPerExactSet:
      return "certificates issued";
    case LimitName::kPendingAuthorizationsPerAccount:
      return "pending authorizations";
  }
  return "requests";
}

}  // namespace

RateLimiter::RateLimiter(storage::Store& store, Limits limits, Now now)
    : store_(store), now_(std::move(now)), base_(limits),
      limits_(std::make_shared<const Limits>(std::move(limits))) {
  if (!now_)
    now_ = [] {
      return std::chrono::duration_cast<Nanos>(
          std::chrono::system_clock::now().time_since_epoch());
    };
}

void RateLimiter::Reload(Limits limits) {
  auto next = std::make_shared<const Limits>(limits);
  std::lock_guard<std::mutex> lock(mu_);
  base_ = std::move(limits);
  limits_ = std::move(next);
  refreshed_at_.reset();  // the store's overrides go over the new limits at the next use
}

std::shared_ptr<const Limits> RateLimiter::limits() {
  const Nanos now = now_();
  Limits base;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (refreshed_at_ && now - *refreshed_at_ < kOverridesRefresh) return limits_;
    refreshed_at_ = now;  // one refresh at a time; on failure the limits in force stay
    base = base_;
  }
  Result<Limits> merged = WithStoredOverrides(store_, std::move(base));
  std::lock_guard<std::mutex> lock(mu_);
  if (merged.ok() && refreshed_at_ == now)
    limits_ = std::make_shared<const Limits>(std::move(*merged));
  return limits_;
}

Error RateLimiter::Refusal(const Transaction& t, const Limit& limit, const Decision& d,
                           Nanos now) const {
  auto retry = std::chrono::ceil<std::chrono::seconds>(d.retry_after);
  Error e(ErrorCode::kRateLimited,
          "too many " + std::string(WhatIsCounted(t.limit)) + " (" + std::to_string(limit.count) +
              " per " + FormatDuration(limit.period) + ") " + t.subject + ": retry after " +
              Rfc3339(now + retry) + " (limit " + std::string(NameOf(t.limit)) + ")");
  e.retry_after_seconds = int(std::max<int64_t>(1, retry.count()));
  return e;
}

void RateLimiter::PruneIfDue(Nanos now) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (now - pruned_at_ < kPruneEvery) return;
    pruned_at_ = now;
  }
  (void)store_.PruneRateLimitBuckets(now.count());  // best effort: retried next time
}

Status RateLimiter::Spend(const std::vector<Transaction>& batch) {
  if (batch.empty()) return OkStatus();
  std::shared_ptr<const Limits> limits = this->limits();
  const Nanos now = now_();
  PruneIfDue(now);
  std::optional<Error> refusal;
  std::optional<LimitName> refused_limit;
  Nanos longest{-1};
  SIGNET_RETURN_IF_ERROR(store_.UpdateRateLimitBuckets(
      Keys(batch), [&](const storage::RateLimitBuckets& stored) {
        refusal.reset();
        longest = Nanos(-1);
        // Several transactions of one batch may share a bucket: decide each
        // against the state the earlier ones left.
        std::map<std::string, std::optional<BucketState>> next;
        for (const auto& t : batch) {
          const std::string key = t.StoreKey();
          if (!next.count(key)) next[key] = Stored(stored, key);
          const Limit& limit = limits->For(t.limit, t.override_key);
          Decision d = Decide(limit, next[key], now, t.cost);
          if (!d.allowed) {
            if (d.retry_after > longest) {
              longest = d.retry_after;
              refusal = Refusal(t, limit, d, now);
              refused_limit = t.limit;
            }
            continue;
          }
          if (!t.check_only) next[key] = d.next;
        }
        storage::RateLimitBuckets writes;
        if (refusal) return writes;
        for (const auto& t : batch)
          if (!t.check_only) writes[t.StoreKey()] = ToStored(next[t.StoreKey()]);
        return writes;
      }));
  if (refusal) {
    if (refusal_observer_ && refused_limit) refusal_observer_(*refused_limit);
    return *refusal;
  }
  return OkStatus();
}

Status RateLimiter::SpendRegardless(const std::vector<Transaction>& batch) {
  if (batch.empty()) return OkStatus();
  std::shared_ptr<const Limits> limits = this->limits();
  const Nanos now = now_();
  return store_.UpdateRateLimitBuckets(Keys(batch), [&](const storage::RateLimitBuckets& stored) {
    std::map<std::string, std::optional<BucketState>> next;
    for (const auto& t : batch) {
      const std::string key = t.StoreKey();
      if (!next.count(key)) next[key] = Stored(stored, key);
      next[key] = ForceSpend(limits->For(t.limit, t.override_key), next[key], now, t.cost);
    }
    storage::RateLimitBuckets writes;
    for (const auto& [key, b] : next) writes[key] = ToStored(b);
    return writes;
  });
}

Status RateLimiter::Refund(const std::vector<Transaction>& batch) {
  if (batch.empty()) return OkStatus();
  std::shared_ptr<const Limits> limits = this->limits();
  const Nanos now = now_();
  return store_.UpdateRateLimitBuckets(Keys(batch), [&](const storage::RateLimitBuckets& stored) {
    std::map<std::string, std::optional<BucketState>> next;
    for (const auto& t : batch) {
      if (t.check_only) continue;
      const std::string key = t.StoreKey();
      if (!next.count(key)) next[key] = Stored(stored, key);
      if (!next[key]) continue;  // full already: nothing to give back
      next[key] = ratelimit::Refund(limits->For(t.limit, t.override_key), next[key], now, t.cost);
    }
    storage::RateLimitBuckets writes;
    for (const auto& [key, b] : next) writes[key] = ToStored(b);
    return writes;
  });
}

}  // namespace signet::ca::ratelimit
