// certbot's "manual" authenticator: the operator's scripts (or the operator
// in person) publish http-01 files and the TXT records of dns-01,
// dns-account-01 and dns-persist-01 (RFC 8555 8.3, 8.4;
// draft-ietf-acme-dns-account-label; draft-ietf-acme-dns-persist).
//
// With an auth hook, each challenge runs `/bin/sh -c AUTH_HOOK` with
//   CERTBOT_DOMAIN                the identifier
//   CERTBOT_VALIDATION            http-01: the key authorization;
//                                 DNS challenges: the TXT value
//   CERTBOT_TOKEN                 http-01 only (removed from the inherited
//                                 environment for DNS challenges)
//   CERTBOT_VALIDATION_NAME       DNS challenges only (signet; certbot has no
//                                 such variable): the TXT record's name,
//                                 without the final dot. dns-01:
//                                 _acme-challenge.DOMAIN; dns-account-01:
//                                 _LABEL._acme-challenge.DOMAIN;
//                                 dns-persist-01: _validation-persist.DOMAIN
//                                 (CERTBOT_VALIDATION is then the record's
//                                 value "ISSUER; accounturi=URL[; policy=wildcard]")
//   CERTBOT_REMAINING_CHALLENGES  challenges after this one
//   CERTBOT_ALL_DOMAINS           every domain of this Perform, comma-separated
// and Cleanup runs the cleanup hook with the same variables plus
// CERTBOT_AUTH_OUTPUT, the auth hook's stdout with surrounding whitespace
// stripped (certbot/_internal/plugins/manual.py). Unlike certbot, which only
// warns, an auth hook exiting non-zero fails Perform (after running the
// cleanup hook for the challenges already set up). Cleanup hook failures are
// ignored.
//
// Ownership: holds the hook commands and the per-challenge environments
// between Perform and Cleanup. Thread-safety: none; one call at a time.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "client/solvers/hooks.h"
#include "client/solvers/solver.h"

namespace signet::client {

// Shows `instructions` to the operator and returns once they confirm they
// have done it (certbot: "Press Enter to Continue"); an error aborts.
using ManualPrompt = std::function<Status(const std::string& instructions)>;

class ManualSolver : public Solver {
 public:
  // `auth_hook`/`cleanup_hook`: shell commands, "" for none. Without an auth
  // hook the solver is interactive through `prompt`; with neither, Perform
  // fails as certbot does in non-interactive mode.
  ManualSolver(std::string auth_hook, std::string cleanup_hook, ManualPrompt prompt = nullptr);

  Status Perform(const std::vector<ChallengeSpec>& challenges) override;
  void Cleanup(const std::vector<ChallengeSpec>& challenges) override;

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // type, domain, token
  struct Performed {
    HookEnv env;
    bool http01 = false;
  };

  Status PerformOne(const ChallengeSpec& challenge, HookEnv env, bool last_dns);
  void CleanupOne(const Key& key);

  const std::string auth_hook_;
  const std::string cleanup_hook_;
  const ManualPrompt prompt_;
  std::map<Key, Performed> performed_;
  bool prompted_dns_ = false;  // for certbot's "in addition to the previous" notes
  bool prompted_any_ = false;
};

}  // namespace signet::client
