// What a request spends, per limit: the bucket it counts against, the key an
// override is looked up by, and how a refusal names it. Built here, in one
// place, so the RA and the tests agree on keys (Boulder's bucket keys).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "acme/objects.h"
#include "ca/ratelimit/limits.h"

namespace signet::ca::ratelimit {

struct Transaction {
  LimitName limit;
  std::string bucket;        // unique within the limit; the store's key is "<name>:<bucket>"
  std::string override_key;  // limits_file.h says what each limit's key is
  std::string subject;       // for the refusal: "for account X"
  int64_t cost = 1;
  // Checked with the others, never spent (Boulder's check-only transactions).
  bool check_only = false;

  std::string StoreKey() const;
};

Transaction NewRegistrationFromIp(const std::string& ip);
// The IPv6 /48 holding `ip`; nullopt for an IPv4 address (or not an address).
std::optional<Transaction> NewRegistrationFromIpv6Range(const std::string& ip);
Transaction NewOrder(const std::string& account_id);
Transaction PendingAuthorizations(const std::string& account_id, int64_t count);
Transaction FailedAuthorization(const std::string& account_id, const acme::Identifier& id);
// One per registered domain (public suffix list; a wildcard counts as its
// base name) or IP address among `ids`, without repeats.
std::vector<Transaction> CertificatesPerDomain(const std::vector<acme::Identifier>& ids);
Transaction CertificatesPerExactSet(const std::vector<acme::Identifier>& ids);

// The registered domain of a DNS name ("www.example.co.uk" ->
// "example.co.uk"); the name itself when it is one, or under no known suffix.
std::string RegisteredDomain(const std::string& name);

}  // namespace signet::ca::ratelimit
