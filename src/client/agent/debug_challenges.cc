#include "client/agent/debug_challenges.h"

#include <iostream>
#include <string>

namespace signet::client {
namespace {

class Pausing : public Solver {
 public:
  Pausing(std::unique_ptr<Solver> inner, bool interactive, const Output& out)
      : inner_(std::move(inner)), interactive_(interactive), out_(out) {}

  Status Perform(const std::vector<ChallengeSpec>& challenges) override {
    SIGNET_RETURN_IF_ERROR(inner_->Perform(challenges));
    out_.Step("Challenges loaded. Press continue to submit to CA.");
    for (const auto& c : challenges) {
      if (c.type == "http-01")
        out_.Detail("URL: http://" + c.domain + "/.well-known/acme-challenge/" + c.token +
                    "  Expected value: " + c.key_authorization);
      else if (c.type == "tls-alpn-01")
        out_.Detail("TLS-ALPN-01 on " + c.domain + ":443 (acme-tls/1)");
      else
        out_.Detail("FQDN: " + (c.record_name.empty() ? "_acme-challenge." + c.domain
                                                      : c.record_name) +
                    "  Expected TXT value: " + c.validation);
    }
    if (interactive_) {
      std::cout << "Press Enter to Continue" << std::flush;
      std::string ignored;
      std::getline(std::cin, ignored);
    }
    return OkStatus();
  }
  void Cleanup(const std::vector<ChallengeSpec>& challenges) override {
    inner_->Cleanup(challenges);
  }

 private:
  std::unique_ptr<Solver> inner_;
  bool interactive_;
  const Output& out_;
};

}  // namespace

std::unique_ptr<Solver> PausingSolver(std::unique_ptr<Solver> inner, bool interactive,
                                      const Output& out) {
  return std::make_unique<Pausing>(std::move(inner), interactive, out);
}

}  // namespace signet::client
