// DNS-01 validation (RFC 8555 8.4) and its account-scoped variant
// dns-account-01 (draft-ietf-acme-dns-account-label): a TXT record at the
// validation name must equal base64url(SHA-256(key authorization)).
//  - DNS-01 name: _acme-challenge.DOMAIN;
//  - dns-account-01 name: _LABEL._acme-challenge.DOMAIN with LABEL the
//    lowercase base32 (RFC 4648, unpadded) of the first 10 octets of
//    SHA-256(account URL), 16 characters;
//  - for a wildcard authorization DOMAIN is the base domain ("*." removed);
//  - any one of several TXT records may match; CNAMEs (and NS delegation)
//    of the validation name are followed by the resolver.
// Failures: kDns (lookup failed, DNSSEC bogus, oversized answer),
// kUnauthorized "No TXT record found at NAME", kIncorrectResponse
// "Incorrect TXT record \"V\" (and N more) found at NAME".
#pragma once

#include <string>

#include "base/result.h"
#include "dns/resolver.h"

namespace signet::va {

// The name a DNS validation label goes in front of: lowercase, without "*."
// and without a final dot.
std::string DnsValidationBase(std::string domain);

// The TXT value a client publishes: base64url(SHA-256(key_authorization)).
std::string Dns01TxtValue(const std::string& key_authorization);

// "_" + base32(SHA-256(account_url)[0:10]) lowercase, e.g. "_ujmmovf2vn55tgye".
std::string AccountScopedLabel(const std::string& account_url);

// Thread-safe: Validate may run on several threads at once. Blocking (DNS),
// until `deadline` at most (then kDns "DNS problem: query timed out ...").
class Dns01Validator {
 public:
  explicit Dns01Validator(dns::Resolver& resolver) : resolver_(resolver) {}

  // dns-01: TXT at _acme-challenge.DOMAIN.
  Status Validate(const std::string& domain, const std::string& key_authorization,
                  dns::Deadline deadline = dns::kNoDeadline) const;

  // dns-account-01: TXT at _LABEL._acme-challenge.DOMAIN for `account_url`
  // (the account's Location URL, RFC 8555 7.3).
  Status ValidateAccountScoped(const std::string& domain, const std::string& account_url,
                               const std::string& key_authorization,
                               dns::Deadline deadline = dns::kNoDeadline) const;

 private:
  Status CheckTxt(const std::string& name, const std::string& key_authorization,
                  dns::Deadline deadline) const;

  dns::Resolver& resolver_;
};

}  // namespace signet::va
