// The validation authority's one question (Boulder's VA): "does the holder
// of this account control this identifier, by this challenge?", plus the CAA
// check that goes with it. An interface, so the RA can be given the local VA
// or a multi-perspective one that also asks remote perspectives.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "ca/va/caa.h"
#include "ca/va/dns01.h"
#include "ca/va/http01.h"
#include "ca/va/tlsalpn01.h"

namespace signet::va {

struct ValidationRequest {
  std::string identifier_type;   // "dns" or "ip"
  std::string identifier_value;  // for a wildcard authorization, the base name
  bool wildcard = false;
  std::string challenge_type;    // http-01, dns-01, dns-account-01, tls-alpn-01
  std::string token;
  std::string key_authorization;
  std::string account_url;       // dns-account-01 label; CAA accounturi
};

struct ValidationResult {
  Status status;
  std::vector<ValidationRecord> records;
};

// Thread-safe; blocking (callers run it on worker threads).
class ValidationAuthority {
 public:
  virtual ~ValidationAuthority() = default;
  // Validates the challenge and, when that succeeds, checks CAA (RFC 8659)
  // for the identifier.
  virtual ValidationResult Validate(const ValidationRequest& request) = 0;
  // CAA alone, for the re-check at finalize (RFC 8659; BRs 3.2.2.8).
  virtual Status CheckCaa(const std::string& name, bool wildcard, const std::string& account_url,
                          const std::string& method) = 0;
};

struct LocalVaConfig {
  Http01Config http01;
  TlsAlpn01Config tlsalpn01;
  CaaConfig caa;
};

// Validation from this host's own network perspective.
class LocalValidationAuthority : public ValidationAuthority {
 public:
  LocalValidationAuthority(dns::Resolver& resolver, LocalVaConfig config);
  ValidationResult Validate(const ValidationRequest& request) override;
  Status CheckCaa(const std::string& name, bool wildcard, const std::string& account_url,
                  const std::string& method) override;

 private:
  ValidationResult ValidateChallenge(const ValidationRequest& request);

  Http01Validator http01_;
  Dns01Validator dns01_;
  TlsAlpn01Validator tlsalpn01_;
  CaaChecker caa_;
};

}  // namespace signet::va
