// The generic cell rate algorithm (GCRA), as Boulder's ratelimits package
// uses it: each bucket is one "theoretical arrival time" (TAT), the time at
// which the bucket would be full again if nothing more were spent. A limit
// of `count` per `period` lets one request through each period / count (the
// emission interval) and holds at most `count` (a burst of `period`).
//
// Pure functions of (limit, stored state, now, cost): no clock, no store, so
// the arithmetic is unit-tested on its own and the store applies it inside
// one transaction. Times are nanoseconds since the Unix epoch.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "ca/ratelimit/limits.h"

namespace signet::ca::ratelimit {

using Nanos = std::chrono::nanoseconds;

// What the store keeps per bucket key. The interval it was spent under is
// kept beside the TAT so that a changed limit (a reload, an override) rescales
// what was used instead of reinterpreting it: 1 of 1 used stays "all used",
// and becomes "1 of 2 used" when the count is raised to 2.
struct BucketState {
  Nanos tat{0};
  Nanos interval{0};
};

struct Decision {
  bool allowed = false;
  // Requests that would still pass after this one (allowed), or now (refused).
  int64_t remaining = 0;
  // Refused: how long until this request would pass. 0 when allowed.
  Nanos retry_after{0};
  // When the bucket is full again (as things stand after the decision).
  Nanos reset_at{0};
  // The bucket to store when the request is spent.
  BucketState next;
};

// period / count. REQUIRES: limit.count > 0.
Nanos EmissionInterval(const Limit& limit);

// The stored bucket's TAT under `limit` at `now`: at least `now` (an idle
// bucket is full), rescaled when it was spent under another interval.
Nanos CurrentTat(const Limit& limit, const std::optional<BucketState>& stored, Nanos now);

// Would `cost` requests pass now? A cost above the count never passes
// (retry_after is then the whole period, the longest a full bucket takes).
// REQUIRES: limit.count > 0, cost >= 0.
Decision Decide(const Limit& limit, const std::optional<BucketState>& stored, Nanos now,
                int64_t cost);

// Spends `cost` whether or not it fits (a certificate already issued must be
// counted): the TAT may pass now + period, and the bucket stays refused
// until it comes back.
BucketState ForceSpend(const Limit& limit, const std::optional<BucketState>& stored, Nanos now,
                       int64_t cost);

// Gives back `cost`, never beyond a full bucket. nullopt: the bucket is full
// (nothing to keep).
std::optional<BucketState> Refund(const Limit& limit, const std::optional<BucketState>& stored,
                                  Nanos now, int64_t cost);

}  // namespace signet::ca::ratelimit
