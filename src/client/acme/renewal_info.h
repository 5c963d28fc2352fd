// ACME Renewal Information as the agent reads it (RFC 9773): the CA's
// suggested renewal window for one certificate, fetched by an
// unauthenticated GET of renewalInfo/CERTID (4.2), and the RFC 3339 times
// it is written in. No account is needed, so `signet renew` can ask before
// it decides to open a session.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "client/acme/transport.h"
#include "http/client.h"

namespace signet::client {

using SystemTime = std::chrono::system_clock::time_point;

// RFC 9773 4.2: {"suggestedWindow": {"start", "end"}, "explanationURL"?}.
struct RenewalInfo {
  SystemTime start;
  SystemTime end;
  std::string explanation_url;  // "" when absent
  // The answer's Retry-After (4.3), when it had one.
  std::optional<std::chrono::seconds> retry_after;
};

// Parses the body of a renewalInfo answer from `url`. kServerInternal naming
// the URL when suggestedWindow, start or end is missing or not RFC 3339, or
// when end is not after start (4.2: such a window is invalid).
Result<RenewalInfo> ParseRenewalInfo(const boost::json::object& json, const std::string& url);

// GETs `renewal_info_url` + "/" + `cert_id` (the directory's renewalInfo and
// pki::AriCertIdOf). Network errors and problem documents as AcmeTransport.
Result<RenewalInfo> FetchRenewalInfo(http::Client& http, const std::string& renewal_info_url,
                                     const std::string& cert_id, const Logger& log = nullptr);

// RFC 3339 date-time ("2025-01-02T03:04:05Z", fractions and offsets
// allowed); nullopt when `text` is not one, or names a time system_clock
// cannot hold (before 1678 or after 2261).
std::optional<SystemTime> ParseRfc3339Time(std::string_view text);
// UTC, whole seconds: "2025-01-02T03:04:05Z".
std::string FormatRfc3339Time(SystemTime t);

}  // namespace signet::client
