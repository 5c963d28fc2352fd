// When a lineage is due for renewal: as its renewal conf's
// renew_before_expiry says, else when less than a third of the
// certificate's lifetime is left (what Let's Encrypt recommends).
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

}  // namespace signet::client
