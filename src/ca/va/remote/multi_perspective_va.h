// Multi-perspective issuance corroboration (CA/B Forum Baseline
// Requirements 3.2.2.9): the primary validates from its own network and asks
// every remote perspective in parallel; the result stands only when the
// primary succeeds and enough remotes agree. With 2-5 remotes one may
// disagree, with 6 or more two may (with 1 remote it must agree). A remote
// that is down or slower than the deadline counts as disagreeing: the
// decision never waits longer than the deadline. CAA is corroborated the
// same way. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "ca/va/va.h"

namespace signet::va::remote {

class MultiPerspectiveVa : public ValidationAuthority {
 public:
  MultiPerspectiveVa(ValidationAuthority& primary,
                     std::vector<std::shared_ptr<ValidationAuthority>> remotes,
                     std::chrono::milliseconds deadline);

  ValidationResult Validate(const ValidationRequest& request) override;
  Status CheckCaa(const std::string& name, bool wildcard, const std::string& account_url,
                  const std::string& method) override;

  // How many remotes may disagree for `remotes` perspectives.
  static size_t AllowedDisagreements(size_t remotes);

 private:
  // Runs `ask` on every remote in parallel; the outcomes in order, with a
  // timeout error for any remote that has not answered by the deadline.
  std::vector<Status> AskRemotes(
      const std::function<Status(ValidationAuthority&)>& ask) const;
  Status Corroborate(const std::vector<Status>& remote_outcomes) const;

  ValidationAuthority& primary_;
  std::vector<std::shared_ptr<ValidationAuthority>> remotes_;
  std::chrono::milliseconds deadline_;
};

}  // namespace signet::va::remote
