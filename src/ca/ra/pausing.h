// Paused clients (Let's Encrypt's "zombie client" pausing, Boulder's
// paused table): an account whose validations for one identifier have
// failed a long run in a row, with no success, is paused for that
// identifier. newOrder naming it is then refused (rateLimited, 429) with a
// detail naming the identifier and the URL where the account holder
// unpauses by a request signed with the account's key
// (RegistrationAuthority::Unpause); the operator pauses and unpauses with
// `signetd admin pause|unpause` (admin_pausing.h).
//
// The run is counted in the store, one row per (account, identifier),
// updated in place by each validation outcome: nothing scans history.
// Wildcard orders and authorizations count for their base name.
//
// Thread-safe (state is in the store).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "acme/objects.h"
#include "base/result.h"
#include "storage/store.h"

namespace signet::ca {

// When a run of consecutive failed validations pauses the pair. The
// defaults follow Let's Encrypt's published limit (3,600 consecutive
// failures per hostname per account), plus a minimum span so that a burst
// alone never pauses (the failed-validations rate limit handles bursts).
struct PauseConfig {
  int64_t after_failures = 3600;  // 0: never pause automatically
  std::chrono::seconds min_span = std::chrono::hours(24 * 7);
};

// The identifier a pause is kept under: a wildcard's base name.
acme::Identifier PauseKey(const acme::Identifier& id);

class PauseTracker {
 public:
  PauseTracker(storage::Store& store, PauseConfig config) : store_(store), config_(config) {}

  // After a validation's outcome is stored: a failure extends the run (and
  // may pause the pair), a success ends it.
  Status RecordOutcome(const std::string& account_id, const acme::Identifier& id, bool valid,
                       acme::TimePoint now);
  // newOrder: rateLimited when `account_id` is paused for any of `ids`,
  // naming them and `unpause_url` (where the holder unpauses; "" when the
  // caller has none, and the detail says to ask the operator).
  Status CheckNotPaused(const std::string& account_id, const std::vector<acme::Identifier>& ids,
                        const std::string& unpause_url);

 private:
  storage::Store& store_;
  PauseConfig config_;
};

}  // namespace signet::ca
