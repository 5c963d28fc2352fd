#include "ca/ratelimit/gcra.h"

#include <algorithm>

namespace signet::ca::ratelimit {

Nanos EmissionInterval(const Limit& limit) {
  return std::chrono::duration_cast<Nanos>(limit.period) / limit.count;
}

Nanos CurrentTat(const Limit& limit, const std::optional<BucketState>& stored, Nanos now) {
  if (!stored || stored->tat <= now) return now;
  Nanos interval = EmissionInterval(limit);
  Nanos used = stored->tat - now;
  if (stored->interval > Nanos(0) && stored->interval != interval) {
    // The same number of requests outstanding, at the new interval.
    __int128 scaled = __int128(used.count()) * interval.count() / stored->interval.count();
    used = Nanos(int64_t(std::min<__int128>(scaled, INT64_MAX / 4)));
  }
  return now + used;
}

Decision Decide(const Limit& limit, const std::optional<BucketState>& stored, Nanos now,
                int64_t cost) {
  const Nanos interval = EmissionInterval(limit);
  const Nanos burst = interval * limit.count;  // the period, rounded to whole intervals
  const Nanos tat = CurrentTat(limit, stored, now);
  Decision d;
  if (cost > limit.count) {
    d.retry_after = burst;
    d.remaining = (burst - (tat - now)) / interval;
    d.reset_at = tat;
    d.next = {tat, interval};
    return d;
  }
  const Nanos new_tat = tat + interval * cost;
  const Nanos over = new_tat - now - burst;
  if (over > Nanos(0)) {
    d.retry_after = over;
    d.remaining = (burst - (tat - now)) / interval;
    d.reset_at = tat;
    d.next = {tat, interval};
    return d;
  }
  d.allowed = true;
  d.remaining = (burst - (new_tat - now)) / interval;
  d.reset_at = new_tat;
  d.next = {new_tat, interval};
  return d;
}

BucketState ForceSpend(const Limit& limit, const std::optional<BucketState>& stored, Nanos now,
                       int64_t cost) {
  const Nanos interval = EmissionInterval(limit);
  return {CurrentTat(limit, stored, now) + interval * cost, interval};
}

std::optional<BucketState> Refund(const Limit& limit, const std::optional<BucketState>& stored,
                                  Nanos now, int64_t cost) {
  const Nanos interval = EmissionInterval(limit);
  const Nanos tat = CurrentTat(limit, stored, now) - interval * cost;
  if (tat <= now) return std::nullopt;
  return BucketState{tat, interval};
}

}  // namespace signet::ca::ratelimit
