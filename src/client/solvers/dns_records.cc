#include "client/solvers/dns_records.h"

namespace signet::client {

bool IsDnsChallenge(const std::string& type) {
  return type == "dns-01" || type == "dns-account-01" || type == "dns-persist-01";
}

Result<DnsRecord> DnsRecordFor(const ChallengeSpec& c) {
  if (!IsDnsChallenge(c.type))
    return Error(ErrorCode::kMalformed, c.type + " (for " + c.domain + ") is not a DNS challenge");
  if (c.validation.empty())
    return Error(ErrorCode::kMalformed, c.type + " challenge for " + c.domain + " has no TXT value");
  std::string base = c.domain.rfind("*.", 0) == 0 ? c.domain.substr(2) : c.domain;
  if (c.type == "dns-01") return DnsRecord{"_acme-challenge." + base, c.validation};
  if (c.record_name.empty())
    return Error(ErrorCode::kMalformed, c.type + " challenge for " + c.domain + " has no record name");
  return DnsRecord{c.record_name, c.validation};
}

}  // namespace signet::client
