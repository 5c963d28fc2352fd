// The TXT record a DNS challenge asks for (RFC 8555 8.4 and its variants),
// for the authenticators that publish DNS records (manual, rfc2136).
#pragma once

#include <string>
#include <vector>

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

// What the CA's challenge asks for, as a solver needs it.
struct ChallengeInputs {
  std::string domain;  // the authorization's identifier (a wildcard's base name)
  bool wildcard = false;
  std::string type;
  std::string token;                             // "" for dns-persist-01
  std::string key_authorization;                 // token "." thumbprint ("" without a token)
  std::string account_url;                       // the account's URL (RFC 8555 7.3, the kid)
  std::vector<std::string> issuer_domain_names;  // dns-persist-01
};

// The ChallengeSpec for `in`:
//  - http-01: the key authorization;
//  - dns-01: TXT base64url(SHA-256(key authorization)) (RFC 8555 8.4);
//  - dns-account-01: the same value at _LABEL._acme-challenge.DOMAIN, LABEL
//    acme::AccountScopedLabel(account URL) (draft-ietf-acme-dns-account-label);
//  - dns-persist-01: TXT "ISSUER; accounturi=URL" at
//    _validation-persist.DOMAIN, ISSUER the first of the challenge's
//    issuer-domain-names, plus "; policy=wildcard" for a wildcard
//    authorization (draft-ietf-acme-dns-persist).
// kMalformed when dns-persist-01 lists no issuer domain name or the account
// URL is unknown.
Result<ChallengeSpec> MakeChallengeSpec(const ChallengeInputs& in);

}  // namespace signet::client
