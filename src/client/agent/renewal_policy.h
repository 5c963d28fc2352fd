// When a lineage is due for renewal: as its renewal conf's
// renew_before_expiry says, else when less than a third of the
// certificate's lifetime is left (what Let's Encrypt recommends); and the
// arithmetic of RFC 9773's suggested windows (renewal_check.h decides which
// applies).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "base/result.h"

namespace signet::client {

using TimePoint = std::chrono::system_clock::time_point;

// Parses certbot's interval text: "30 days", "2 weeks", "12 hours", "1 day 6 hours".
std::optional<std::chrono::seconds> ParseInterval(const std::string& text);

bool IsDue(TimePoint not_before, TimePoint not_after, const std::string& renew_before_expiry,
           TimePoint now);
// When IsDue becomes true: not_after - renew_before_expiry, else when a
// third of the lifetime is left.
TimePoint RenewalTimeByExpiry(TimePoint not_before, TimePoint not_after,
                              const std::string& renew_before_expiry);

// RFC 9773 4.2: the renewal time drawn uniformly from [start, end), given
// `uniform01` uniformly in [0, 1). A window in the past yields a time in the
// past: renew at once.
TimePoint ChooseRenewalTime(TimePoint start, TimePoint end, double uniform01);

// RFC 9773 4.3: when to fetch renewal information again. The Retry-After
// clamped to [1 minute, 1 day] (the RFC's example limits); 6 hours without.
inline constexpr std::chrono::seconds kDefaultRenewalInfoPoll{6 * 3600};
TimePoint NextRenewalInfoPoll(TimePoint now, std::optional<std::chrono::seconds> retry_after);

}  // namespace signet::client
