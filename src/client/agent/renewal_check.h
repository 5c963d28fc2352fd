// Whether a lineage is due for renewal, asking the CA first (RFC 9773 ACME
// Renewal Information) and falling back to the expiry rule of
// renewal_policy.h only when the CA has no renewalInfo or the lookup fails.
//
// The CA's answer is cached per lineage in CONFIG/ari/NAME.json (not in the
// renewal conf: certbot 4 stores nothing ARI-related there, and a cache that
// changes on every `renew` does not belong in a file certbot rewrites):
//   {"cert_id": "...", "window_start": RFC 3339, "window_end": ...,
//    "renew_at": ..., "next_poll": ..., "explanation_url": "..."}
// It is used until next_poll (the answer's Retry-After, clamped to one
// minute .. one day, six hours without one; RFC 9773 4.3) and only for the
// certificate it was fetched for: a renewed certificate has another CertID.
// renew_at is the uniformly random time within the window (4.2); it is kept
// while the CA's window stays the same, so repeated polls do not re-roll it.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "base/result.h"
#include "client/acme/renewal_info.h"
#include "client/agent/renewal_policy.h"
#include "client/store/layout.h"
#include "crypto/ossl.h"

namespace signet::client {

struct AriState {
  std::string cert_id;
  TimePoint window_start, window_end;
  TimePoint renew_at;   // the chosen time within the window
  TimePoint next_poll;  // do not ask the CA again before
  std::string explanation_url;
};

// CONFIG/ari/NAME.json.
std::filesystem::path AriStatePath(const StoreLayout& layout, const std::string& name);
// nullopt when the file is missing or unreadable (it is only a cache).
std::optional<AriState> LoadAriState(const std::filesystem::path& path);
Status SaveAriState(const std::filesystem::path& path, const AriState& state);

struct RenewalCheck {
  bool due = false;
  // "ari" (the CA's window, just fetched), "ari-cached" (the stored answer),
  // "expiry" (renew_before_expiry or a third of the lifetime left).
  std::string basis;
  // One line for people and for --json's "reason": "not due until
  // 2025-01-02T03:04:05Z (ARI window ...)", "renewal time ... has passed".
  std::string reason;
  TimePoint renew_at;               // when it becomes (or became) due
  std::optional<AriState> ari;      // the window in force, if any
  std::string cert_id;              // "" when the certificate has no AKI
  std::string fallback_reason;      // why ARI was not used ("" when it was)
  bool state_changed = false;       // `ari` should be saved
};

// What DecideRenewal needs from the world (fakes in tests).
struct RenewalEnv {
  TimePoint now;
  std::function<double()> uniform01;  // uniformly in [0, 1)
  bool refresh = false;  // fetch even before the cached answer's next_poll
  // The CA's renewalInfo for a CertID; nullopt when the CA has none (no
  // renewalInfo in its directory).
  std::function<Result<std::optional<RenewalInfo>>(const std::string& cert_id)> fetch;
};

// Due regardless of any window: --force-renewal, --dry-run ("forced").
RenewalCheck ForcedRenewal(const std::string& why);

// The decision for `cert` (the lineage's current certificate) given its
// cached ARI answer `cached` and the conf's renew_before_expiry ("" if none).
RenewalCheck DecideRenewal(X509* cert, const std::optional<AriState>& cached,
                           const std::string& renew_before_expiry, const RenewalEnv& env);

}  // namespace signet::client
