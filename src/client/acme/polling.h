// When to ask again about a resource that is still in progress (RFC 8555
// 7.5.1: pending authorizations, processing orders). Without a hint the
// interval starts short and grows, so an answer that is ready in milliseconds
// is picked up in milliseconds and a slow CA is not hammered; a Retry-After
// header (RFC 9110 10.2.3) wins when present. Pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace signet::client {

struct PollPolicy {
  std::chrono::milliseconds initial{50};
  std::chrono::milliseconds max{2000};
  double growth = 1.5;
  std::chrono::milliseconds max_retry_after{std::chrono::minutes(5)};  // ignore silly hints
};

// The wait before poll number `attempt` + 1 (attempt 0 is the first wait):
// initial * growth^attempt, at most max.
std::chrono::milliseconds BackoffDelay(const PollPolicy& policy, int attempt);

// A Retry-After value: delta-seconds ("120") or an HTTP-date
// ("Wed, 21 Oct 2015 07:28:00 GMT", relative to `now`; a date in the past is
// 0). nullopt if it is neither.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         std::chrono::system_clock::time_point now);

// The wait before the next poll: the Retry-After hint if any (capped by
// policy.max_retry_after), else BackoffDelay; never past `remaining`.
std::chrono::milliseconds NextPollDelay(const PollPolicy& policy, int attempt,
                                        std::optional<std::chrono::milliseconds> retry_after,
                                        std::chrono::milliseconds remaining);

}  // namespace signet::client
