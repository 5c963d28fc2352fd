// A Solver made of one solver per challenge type: certbot's standalone
// authenticator answers http-01 with a web server and (in signet)
// tls-alpn-01 with a TLS server; each gets only the challenges of its type.
//
// Ownership: owns the solvers. Thread-safety: as the solvers it holds.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "client/solvers/solver.h"

namespace signet::client {

class ByTypeSolver : public Solver {
 public:
  void Add(const std::string& type, std::unique_ptr<Solver> solver) {
    solvers_[type] = std::move(solver);
  }
  // kMalformed naming the type when a challenge has no solver (nothing is
  // published then).
  Status Perform(const std::vector<ChallengeSpec>& challenges) override {
    auto by_type = Split(challenges);
    for (const auto& [type, specs] : by_type)
      if (!solvers_.count(type))
        return Error(ErrorCode::kMalformed, "this authenticator cannot answer " + type +
                                                " (for " + specs.front().domain + ")");
    for (const auto& [type, specs] : by_type)
      SIGNET_RETURN_IF_ERROR(solvers_[type]->Perform(specs));
    return OkStatus();
  }
  void Cleanup(const std::vector<ChallengeSpec>& challenges) override {
    for (const auto& [type, specs] : Split(challenges))
      if (auto it = solvers_.find(type); it != solvers_.end()) it->second->Cleanup(specs);
  }

 private:
  static std::map<std::string, std::vector<ChallengeSpec>> Split(
      const std::vector<ChallengeSpec>& challenges) {
    std::map<std::string, std::vector<ChallengeSpec>> out;
    for (const auto& c : challenges) out[c.type].push_back(c);
    return out;
  }
  std::map<std::string, std::unique_ptr<Solver>> solvers_;
};

}  // namespace signet::client
