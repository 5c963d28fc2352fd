#include "client/acme/polling.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <string>

namespace signet::client {

using std::chrono::milliseconds;

milliseconds BackoffDelay(const PollPolicy& policy, int attempt) {
  double ms = double(policy.initial.count()) * std::pow(policy.growth, std::max(0, attempt));
  if (ms >= double(policy.max.count())) return policy.max;
  return milliseconds(static_cast<int64_t>(ms));
}

std::optional<milliseconds> ParseRetryAfter(std::string_view value,
                                            std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return std::isdigit(uint8_t(c)); })) {
    if (value.size() > 9) return std::nullopt;
    return std::chrono::seconds(std::stol(std::string(value)));
  }
  // IMF-fixdate, the only HTTP-date form a sender may generate (RFC 9110 5.6.7).
  std::tm tm{};
  std::string text(value);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
  if (when <= now) return milliseconds(0);
  return std::chrono::duration_cast<milliseconds>(when - now);
}

milliseconds NextPollDelay(const PollPolicy& policy, int attempt,
                           std::optional<milliseconds> retry_after, milliseconds remaining) {
  milliseconds delay =
      retry_after ? std::min(*retry_after, policy.max_retry_after) : BackoffDelay(policy, attempt);
  return std::max(milliseconds(0), std::min(delay, remaining));
}

}  // namespace signet::client
