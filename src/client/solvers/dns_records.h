// The TXT record a DNS challenge asks for (RFC 8555 8.4 and its variants),
// for the authenticators that publish DNS records (manual, rfc2136).
#pragma once

#include <string>

#include "base/result.h"
#include "client/solvers/solver.h"

namespace signet::client {

struct DnsRecord {
  std::string name;   // absolute, without the final dot
  std::string value;  // the TXT value
};

// dns-01: _acme-challenge.DOMAIN (DOMAIN without "*."), the validation;
// dns-account-01 and dns-persist-01: challenge.record_name, the validation.
// kMalformed for other types or a challenge without a value.
Result<DnsRecord> DnsRecordFor(const ChallengeSpec& challenge);

// True for the challenge types answered with a TXT record.
bool IsDnsChallenge(const std::string& type);

}  // namespace signet::client
