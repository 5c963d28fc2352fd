#include "client/agent/renewal_policy.h"

#include <sstream>

namespace signet::client {

std::optional<std::chrono::seconds> ParseInterval(const std::string& text) {
  std::istringstream in(text);
  long long n = 0;
  std::string unit;
  std::chrono::seconds total{0};
  bool any = false;
  while (in >> n >> unit) {
    if (!unit.empty() && unit.back() == 's') unit.pop_back();
    long long mult = 0;
    if (unit == "second") mult = 1;
    else if (unit == "minute") mult = 60;
    else if (unit == "hour") mult = 3600;
    else if (unit == "day") mult = 86400;
    else if (unit == "week") mult = 7 * 86400;
    else if (unit == "month") mult = 30 * 86400;
    else if (unit == "year") mult = 365 * 86400;
    else return std::nullopt;
    total += std::chrono::seconds(n * mult);
    any = true;
  }
  if (!any || !in.eof()) return std::nullopt;
  return total;
}

bool IsDue(TimePoint not_before, TimePoint not_after, const std::string& renew_before_expiry,
           TimePoint now) {
  if (!renew_before_expiry.empty()) {
    if (auto interval = ParseInterval(renew_before_expiry)) return now >= not_after - *interval;
  }
  auto lifetime = not_after - not_before;
  return not_after - now < lifetime / 3;
}

}  // namespace signet::client
