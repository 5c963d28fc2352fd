// signetd's rate-limit file (--rate-limits FILE), TOML:
//
//   [new_orders_per_account]          # one table per limit, each key optional
//   count = 300
//   period = "3h"                     # N[smhd] or a bare number of seconds
//
//   [[overrides]]                     # any number; the key depends on the limit
//   limit = "certificates_per_domain"
//   key = "example.com"
//   count = 1000
//   period = "7d"
//
// Limits the file does not name keep Let's Encrypt's numbers. Override keys:
// an account id (new_orders_per_account, pending_authorizations_per_account,
// failed_authorizations_per_identifier_per_account), a registered domain or
// IP address (certificates_per_domain), the names of the set, lower-case,
// sorted and comma-separated (certificates_per_exact_set), an IP address
// (new_registrations_per_ip) or a /48 like "2001:db8:1::/48"
// (new_registrations_per_ipv6_range).
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "ca/ratelimit/limits.h"

namespace signet::ca::ratelimit {

// kMalformed with one line naming the file, the table and what is wrong:
// TOML syntax, an unknown limit or key, a count that is not a positive
// integer, a period that is not a positive duration, an override without
// limit/key/count/period, or two overrides of the same limit and key.
Result<Limits> ParseLimits(std::string_view toml_text, const std::string& source);
Result<Limits> LoadLimitsFile(const std::string& path);

}  // namespace signet::ca::ratelimit
