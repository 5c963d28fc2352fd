// The validation authority's one question (Boulder's VA): "does the holder
// of this account control this identifier, by this challenge?", plus the CAA
// check that goes with it. An interface, so the RA can be given the local VA
// or a multi-perspective one that also asks remote perspectives.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "ca/va/caa.h"
#include "ca/va/dns01.h"
#include "ca/va/dns_persist01.h"
#include "ca/va/http01.h"
#include "ca/va/tlsalpn01.h"

namespace signet::va {

// When a validation or a CAA check must be finished (steady clock).
using Deadline = dns::Deadline;
inline constexpr Deadline kNoDeadline = dns::kNoDeadline;

struct ValidationRequest {
  std::string identifier_type;   // "dns" or "ip"
  std::string identifier_value;  // for a wildcard authorization, the base name
  bool wildcard = false;
  std::string challenge_type;    // a name of acme/challenge_types.h
  std::string token;
  std::string key_authorization;  // unused by dns-persist-01
  std::string account_url;       // dns-account-01 label; dns-persist-01 accounturi; CAA accounturi
  // The whole validation (challenge, CAA, remote perspectives) ends by then;
  // the VA's configured timeout from now bounds it too (the sooner wins).
  Deadline deadline = kNoDeadline;
};

struct ValidationResult {
  Status status;
  std::vector<ValidationRecord> records;
};

// Thread-safe; blocking (callers run it on worker threads). Every call has
// one overall deadline: the caller's (request.deadline, `deadline`) or the
// implementation's configured timeout from the start of the call, whichever
// is sooner. Every step (DNS query, connect, redirect, remote perspective)
// gets only the time left, so a call returns by its deadline (plus the time
// to notice it has passed).
class ValidationAuthority {
 public:
  virtual ~ValidationAuthority() = default;
  // Validates the challenge and, when that succeeds, checks CAA (RFC 8659)
  // for the identifier, within the same deadline.
  virtual ValidationResult Validate(const ValidationRequest& request) = 0;
  // CAA alone, for the re-check at finalize (RFC 8659; BRs 3.2.2.8).
  Status CheckCaa(const std::string& name, bool wildcard, const std::string& account_url,
                  const std::string& method, Deadline deadline = kNoDeadline) {
    return DoCheckCaa(name, wildcard, account_url, method, deadline);
  }

 private:
  virtual Status DoCheckCaa(const std::string& name, bool wildcard,
                            const std::string& account_url, const std::string& method,
                            Deadline deadline) = 0;
};

// The bound of one Validate or CheckCaa when the caller sets no sooner one.
inline constexpr std::chrono::milliseconds kDefaultValidationTimeout{20000};

struct LocalVaConfig {
  Http01Config http01;
  TlsAlpn01Config tlsalpn01;
  // Its ca_identities are also the issuer domain names dns-persist-01 accepts.
  CaaConfig caa;
  // Overall bound of one Validate (challenge and CAA) or one CheckCaa.
  std::chrono::milliseconds timeout = kDefaultValidationTimeout;
};

// Validation from this host's own network perspective.
class LocalValidationAuthority : public ValidationAuthority {
 public:
  LocalValidationAuthority(dns::Resolver& resolver, LocalVaConfig config);
  ValidationResult Validate(const ValidationRequest& request) override;

 private:
  Status DoCheckCaa(const std::string& name, bool wildcard, const std::string& account_url,
                    const std::string& method, Deadline deadline) override;
  ValidationResult ValidateChallenge(const ValidationRequest& request, Deadline deadline);
  // One per challenge type (the dispatch table in va.cc).
  ValidationResult Http01(const ValidationRequest& r, Deadline deadline);
  ValidationResult Dns01(const ValidationRequest& r, Deadline deadline);
  ValidationResult TlsAlpn01(const ValidationRequest& r, Deadline deadline);
  ValidationResult DnsAccount01(const ValidationRequest& r, Deadline deadline);
  ValidationResult DnsPersist01(const ValidationRequest& r, Deadline deadline);
  // The sooner of `deadline` and now + timeout_.
  Deadline Bound(Deadline deadline) const;

  Http01Validator http01_;
  Dns01Validator dns01_;
  TlsAlpn01Validator tlsalpn01_;
  DnsPersist01Validator dnspersist01_;
  CaaChecker caa_;
  std::chrono::milliseconds timeout_;
};

}  // namespace signet::va
