// Multi-perspective issuance corroboration (CA/B Forum Baseline
// Requirements 3.2.2.9): the primary validates from its own network and asks
// every remote perspective in parallel; the result stands only when the
// primary succeeds, enough remotes agree (the BR's quorum table: with 2-5
// remotes one may disagree, with 6 or more two may, with 1 it must agree)
// and the remotes that agree fall within the regions of at least
// `min_corroborating_rirs` distinct regional internet registries (BR: 2;
// mpic_rules.h). A remote that is down or slower than the deadline counts
// as disagreeing: the decision never waits longer than the deadline. CAA is
// corroborated the same way. Thread-safe.
//
// One deadline per call: the caller's (ValidationRequest::deadline, the
// CheckCaa argument) or now + `timeout`, whichever is sooner. The primary
// and every remote are given that same deadline (a remote is told the time
// left and bounds its own work by it), and the remotes' answers are waited
// for until then, not longer.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "ca/va/remote/mpic_rules.h"
#include "ca/va/va.h"

namespace signet::va::remote {

// A remote perspective: a VA on another network that declares the regional
// internet registry whose service region it validates from.
class RemotePerspective : public ValidationAuthority {
 public:
  // The RIR's canonical name (mpic_rules.h) once the remote has declared it,
  // "" until then. Once known it does not change. Thread-safe.
  virtual std::string rir() const = 0;
};

class MultiPerspectiveVa : public ValidationAuthority {
 public:
  MultiPerspectiveVa(ValidationAuthority& primary,
                     std::vector<std::shared_ptr<RemotePerspective>> remotes,
                     std::chrono::milliseconds timeout,
                     size_t min_corroborating_rirs = kMinCorroboratingRirs);

  ValidationResult Validate(const ValidationRequest& request) override;

  // How many remotes may disagree for `remotes` perspectives.
  static size_t AllowedDisagreements(size_t remotes) { return AllowedNonCorroborations(remotes); }

 private:
  Status DoCheckCaa(const std::string& name, bool wildcard, const std::string& account_url,
                    const std::string& method, Deadline deadline) override;
  // Runs `ask` on every remote in parallel; the outcomes in order, with a
  // timeout error for any remote that has not answered by `deadline`.
  std::vector<Status> AskRemotes(const std::function<Status(ValidationAuthority&)>& ask,
                                 Deadline deadline) const;
  Status Corroborate(const std::vector<Status>& remote_outcomes) const;
  // The sooner of `deadline` and now + timeout_.
  Deadline Bound(Deadline deadline) const;

  ValidationAuthority& primary_;
  std::vector<std::shared_ptr<RemotePerspective>> remotes_;
  std::chrono::milliseconds timeout_;
  size_t min_corroborating_rirs_;
};

}  // namespace signet::va::remote
