// Challenge solvers of the agent (certbot's "authenticators"): make the
// CA's validation request succeed, then clean up. One solver per
// authenticator: standalone, webroot, manual.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace signet::client {

// One challenge to answer (RFC 8555 8.1, 8.3, 8.4).
struct ChallengeSpec {
  std::string domain;             // the identifier value, e.g. "example.com" or "127.0.0.1"
  // "http-01", "dns-01", "tls-alpn-01", "dns-account-01" or "dns-persist-01"
  std::string type;
  std::string token;
  std::string key_authorization;  // token "." thumbprint
  // What to publish: for http-01 (and tls-alpn-01, which hashes it into its
  // certificate) the key authorization, for dns-01
  // base64url(SHA-256(key authorization)).
  std::string validation;
  // dns-account-01 and dns-persist-01: the TXT record's name (absolute,
  // without the final dot); "" for the other types.
  std::string record_name;
  std::string identifier_type = "dns";  // or "ip" (RFC 8738)
};

class Solver {
 public:
  virtual ~Solver() = default;
  // Publishes every challenge; returns when the CA may validate them.
  virtual Status Perform(const std::vector<ChallengeSpec>& challenges) = 0;
  // Removes what Perform published. Best effort; never fails.
  virtual void Cleanup(const std::vector<ChallengeSpec>& challenges) = 0;
};

}  // namespace signet::client
