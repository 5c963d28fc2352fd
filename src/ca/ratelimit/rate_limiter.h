// The CA's rate limiter (Boulder's ratelimits.Limiter): decides batches of
// transactions (transactions.h) against the configured limits (limits.h),
// with the GCRA (gcra.h), keeping the buckets in the store so that several
// CA instances sharing it count together.
//
// A batch is all or nothing: every transaction is checked and, only if all
// pass, those not check-only are spent, in one store transaction. So a later
// limit refusing never leaves an earlier one spent, and nothing needs
// undoing. Refund gives back what a request spent when it then fails.
//
// The limits in force are those given (the file's, reloaded on SIGHUP) with
// the store's overrides (store_overrides.h) over them, read again at most
// every kOverridesRefresh, so `signetd admin ratelimit override` reaches
// every running instance within seconds.
//
// Thread-safe. Reload swaps the limits atomically (SIGHUP).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "base/result.h"
#include "ca/ratelimit/gcra.h"
#include "ca/ratelimit/limits.h"
#include "ca/ratelimit/transactions.h"
#include "storage/store.h"

namespace signet::ca::ratelimit {

class RateLimiter {
 public:
  using Now = std::function<Nanos()>;  // since the Unix epoch
  // `store` must outlive the limiter. `now` defaults to the system clock.
  RateLimiter(storage::Store& store, Limits limits, Now now = {});

  static constexpr std::chrono::seconds kOverridesRefresh{5};
  // Full buckets are deleted from the store at most this often (by a spend).
  static constexpr std::chrono::minutes kPruneEvery{10};

  void Reload(Limits limits);
  // The limits in force (refreshing the store's overrides when due).
  std::shared_ptr<const Limits> limits();

  // OK and spent, or kRateLimited (nothing spent) naming the limit, its
  // value, the subject and when to retry, with retry_after_seconds set; when
  // several refuse, the one that frees last is named.
  Status Spend(const std::vector<Transaction>& batch);
  // Spends even past the limit (the request already happened: a certificate
  // issued, a validation failed), so the counts stay exact.
  Status SpendRegardless(const std::vector<Transaction>& batch);
  // Gives back what Spend took, never beyond a full bucket.
  Status Refund(const std::vector<Transaction>& batch);
  // Called with the refusing limit each time Spend refuses (the operator's
  // metrics). REQUIRES: set before the first Spend, not concurrently with it.
  void SetRefusalObserver(std::function<void(LimitName)> observer) {
    refusal_observer_ = std::move(observer);
  }

 private:
  // Deletes the full buckets when kPruneEvery has passed since the last time.
  void PruneIfDue(Nanos now);
  Error Refusal(const Transaction& t, const Limit& limit, const Decision& d, Nanos now) const;

  storage::Store& store_;
  Now now_;
  mutable std::mutex mu_;
  Limits base_;                           // GUARDED_BY(mu_): without the store's overrides
  std::shared_ptr<const Limits> limits_;  // GUARDED_BY(mu_); the pointee is immutable
  std::optional<Nanos> refreshed_at_;     // GUARDED_BY(mu_): the store's overrides read
  Nanos pruned_at_{0};                    // GUARDED_BY(mu_)
  std::function<void(LimitName)> refusal_observer_;
};

}  // namespace signet::ca::ratelimit
