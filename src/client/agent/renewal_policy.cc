#include "client/agent/renewal_policy.h"

#include <algorithm>
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

TimePoint RenewalTimeByExpiry(TimePoint not_before, TimePoint not_after,
                              const std::string& renew_before_expiry) {
  if (!renew_before_expiry.empty()) {
    if (auto interval = ParseInterval(renew_before_expiry)) return not_after - *interval;
  }
  auto lifetime = not_after - not_before;
  // Due once strictly less than a third is left.
  return not_after - lifetime / 3 + std::chrono::system_clock::duration(1);
}

bool IsDue(TimePoint not_before, TimePoint not_after, const std::string& renew_before_expiry,
           TimePoint now) {
  return now >= RenewalTimeByExpiry(not_before, not_after, renew_before_expiry);
}

TimePoint ChooseRenewalTime(TimePoint start, TimePoint end, double uniform01) {
  if (end <= start) return start;
  if (uniform01 < 0 || uniform01 >= 1) uniform01 = 0;
  auto span = std::chrono::duration_cast<std::chrono::seconds>(end - start);
  auto offset = std::chrono::seconds(static_cast<long long>(double(span.count()) * uniform01));
  return start + offset;
}

TimePoint NextRenewalInfoPoll(TimePoint now, std::optional<std::chrono::seconds> retry_after) {
  using std::chrono::seconds;
  if (!retry_after) return now + kDefaultRenewalInfoPoll;
  return now + std::clamp(*retry_after, seconds(60), seconds(86400));
}

}  // namespace signet::client
