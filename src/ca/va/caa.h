// CAA checking (RFC 8659, with the RFC 8657 accounturi and validationmethods
// parameters): may this CA issue for a name, for this account, after this
// validation method?
//
//  - The relevant RRset is the first non-empty CAA RRset found at the name,
//    then at its parent, and so on up to (not including) the root. No CAA
//    records anywhere: issuance is permitted. CNAMEs are followed by the
//    resolver at each name; the climb goes up the name's own parents, not
//    the CNAME target's (RFC 8659 3). Every name is queried at once (as
//    Boulder's VA does); the answer is known once every name closer than
//    the relevant one has answered empty, without waiting for those above.
//  - A property with the Issuer Critical flag (128) whose tag this CA does
//    not understand forbids issuance.
//  - For a wildcard name, "issuewild" properties are used if there is any,
//    else "issue"; for other names only "issue". None of the chosen kind
//    (e.g. only "iodef"): permitted.
//  - One property of the chosen kind must authorize: its issuer domain name
//    is one of config.ca_identities, and its accounturi (if present) equals
//    the account URI and its validationmethods (if present) lists the method.
//    An empty issuer (";") or a malformed value authorizes nobody.
//  - A DNS failure at the name or at any parent below the relevant RRset
//    (SERVFAIL, timeout, DNSSEC bogus) is kDns: the check fails closed. A
//    failure above the relevant RRset does not matter (nor is it awaited).
//  - The whole climb has one deadline, and when it passes before the outcome
//    is known the check stops with kDns "While processing CAA for NAME: DNS
//    problem: query timed out looking up CAA for LABEL (CAA lookup for NAME
//    did not finish within N s)", LABEL the closest name still unanswered.
//  - IP-address identifiers have no CAA (RFC 8738 7): always permitted.
// A refusal is kCaa "CAA record for NAME prevents issuance: REASONS", the
// reasons naming each relevant property and why it does not authorize.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "dns/resolver.h"

namespace signet::va {

struct CaaConfig {
  // Issuer domain names that mean this CA, e.g. {"signet.example"}; matched
  // case-insensitively. Also what the directory's meta.caaIdentities lists.
  std::vector<std::string> ca_identities;
};

// Thread-safe: Check may run on several threads at once (the Resolver is).
// Blocking: one CAA query per label, all sent at once, within the deadline.
class CaaChecker {
 public:
  CaaChecker(dns::Resolver& resolver, CaaConfig config);

  // `domain` without "*." (a leading "*." is removed and implies wildcard);
  // `validation_method` is the challenge type that validated it (a name of
  // acme/challenge_types.h: "http-01", "dns-01", "dns-persist-01", ...).
  // Returns by `deadline` (plus the time to notice it has passed).
  Status Check(const std::string& domain, bool wildcard, const std::string& account_uri,
               const std::string& validation_method,
               dns::Deadline deadline = dns::kNoDeadline) const;

 private:
  dns::Resolver& resolver_;
  CaaConfig config_;
};

// The input format of the fuzz target caa_fuzz for `records`: a mode byte
// (0), then each record as RDATA (RFC 8659 4.1) behind a two-octet length.
// What the VA records with SIGNET_FUZZ_RECORD_DIR (base/fuzz_record.h).
std::string FrameCaaRecordsForFuzzing(const std::vector<dns::CaaRecord>& records);

}  // namespace signet::va
