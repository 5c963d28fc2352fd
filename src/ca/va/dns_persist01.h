// dns-persist-01 (draft-ietf-acme-dns-persist; CA/B Forum BR 3.2.2.4.22):
// control is shown by a standing TXT record at _validation-persist.DOMAIN,
//   ISSUER-DOMAIN; accounturi=ACCOUNT-URL[; policy=wildcard][; persistUntil=T]
// in RFC 8659 issue-value syntax (caa_value.h): whitespace around the parts
// is ignored, tags are case-insensitive, accounturi, policy or persistUntil
// given twice makes the record malformed, unknown tags (even repeated) are
// ignored. ISSUER-DOMAIN must be one of this
// CA's issuer domain names (its CAA identities, which the challenge lists in
// "issuer-domain-names"); accounturi must equal the account URL exactly
// (RFC 3986 6.2.1 simple string comparison); a wildcard authorization needs
// policy=wildcard (its value case-insensitive; any other value is as if
// absent); persistUntil is decimal UNIX seconds after which the record no
// longer validates. For a wildcard authorization DOMAIN is the base name.
// Records for other issuers are ignored; any one good record suffices.
//
// The draft lets a CA take a policy=wildcard record as proof for names
// under DOMAIN too; like Boulder and Pebble, this VA does not climb: every
// name is proven by the record at its own _validation-persist label.
//
// Failures, as Boulder and Pebble report them:
//  - kDns: the lookup failed (SERVFAIL, timeout, DNSSEC bogus, oversized);
//  - kUnauthorized "No TXT record found at NAME";
//  - kMalformed "TXT record \"V\" at NAME is malformed: WHY" when a record
//    names this CA but does not parse (and no other record is good);
//  - kUnauthorized "TXT record \"V\" at NAME WHY" when one names this CA
//    but another account, lacks policy=wildcard or has expired;
//  - kUnauthorized "No TXT record at NAME names this CA (ISSUERS)".
// Several failing records of one kind: the first, "(and N more)".
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "dns/resolver.h"

namespace signet::va {

// "_validation-persist": the label in front of the validated name.
inline constexpr std::string_view kPersistLabel = "_validation-persist";
// The draft: a challenge lists at most 10 issuer domain names.
inline constexpr size_t kMaxIssuerDomainNames = 10;

// The issuer domain names of a CA whose CAA identities are `identities`:
// lowercase, without a final dot, without repeats, the first 10 (the
// challenge's "issuer-domain-names" and what the validator accepts).
std::vector<std::string> IssuerDomainNames(const std::vector<std::string>& identities);

// For a CA's configuration: kMalformed unless `identities` holds 1 to 10
// distinct names (a challenge must list at least one and at most 10).
Status CheckIssuerDomainNames(const std::vector<std::string>& identities);

// One parsed record.
struct PersistRecord {
  std::string issuer;                    // lowercase, no final dot
  std::string account_uri;               // as written
  bool wildcard = false;                 // policy=wildcard (case-insensitive)
  std::optional<int64_t> persist_until;  // UNIX seconds
};

// The issuer-domain-name a record names (lowercase, trimmed, no final dot),
// whether or not the rest of it parses: "" when it names none.
std::string PersistRecordIssuer(std::string_view txt);

// kMalformed naming the reason: bad issue-value syntax (caa_value.h), no
// issuer, no or an empty accounturi, a repeated known parameter, a persistUntil
// that is not decimal seconds.
Result<PersistRecord> ParsePersistRecord(std::string_view txt);

// Whether `record` proves control for `account_url` (and a wildcard when
// `wildcard`) at `now`: kUnauthorized with the reason if not.
Status CheckPersistRecord(const PersistRecord& record, std::string_view account_url, bool wildcard,
                          std::chrono::system_clock::time_point now);

// Thread-safe (the Resolver is); blocking: one TXT lookup, within `deadline`.
class DnsPersist01Validator {
 public:
  // `identities`: this CA's CAA identities (normalized by IssuerDomainNames).
  DnsPersist01Validator(dns::Resolver& resolver, const std::vector<std::string>& identities);

  Status Validate(const std::string& domain, bool wildcard, const std::string& account_url,
                  std::chrono::system_clock::time_point now,
                  dns::Deadline deadline = dns::kNoDeadline) const;

 private:
  bool Ours(const std::string& issuer) const;

  dns::Resolver& resolver_;
  std::vector<std::string> issuers_;
};

}  // namespace signet::va
