// The CA's side of Certificate Transparency (RFC 6962; Chrome's CT policy as
// Boulder's ctpolicy applies it): a precertificate goes to every log at
// once; each answer's SCT is checked with that log's key; as soon as the
// verified SCTs number at least `min_scts` from at least `min_operators`
// distinct operators they are returned, TLS-encoded, for the final
// certificate. Logs that fail, answer late or send a bad SCT are left out;
// too few SCTs by the deadline is kServerInternal. Final certificates are
// submitted (add-chain) in the background, as Let's Encrypt does.
//
// Thread-safe. Each submission runs one thread per log (never an I/O
// thread); a log slower than the deadline leaves its thread to finish on
// its own time (its state is shared, so the submitter may be gone by then;
// the observer is not called once the submitter is destroyed).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "ca/ct/ct_log.h"
#include "ca/ct/log_list.h"

namespace signet::ca::ct {

struct CtPolicy {
  size_t min_scts = 2;
  size_t min_operators = 2;  // distinct operators among the SCTs' logs
  // From submission to the last SCT waited for.
  std::chrono::milliseconds deadline{10000};
  // Each background add-chain of a final certificate.
  std::chrono::milliseconds final_timeout{30000};
  // Background add-chain submissions in flight at most; beyond, a final
  // certificate is not submitted (counted as a failure "backlog").
  int max_background = 64;
};

struct SubmitterLog {
  LogInfo info;
  std::shared_ptr<CtLog> log;
};

// One submission's outcome, for metrics: the log (its description),
// "precert" or "final", whether a verified SCT came back, and how long it took.
using CtObserver = std::function<void(const std::string& log, const std::string& kind,
                                      bool ok, double seconds)>;

class CtSubmitter {
 public:
  // `issuer_chain_der`: what follows a (pre)certificate in a submitted chain
  // (the issuing intermediate first). kMalformed when the logs cannot meet
  // the policy even if all answer (too few logs or operators), or a policy
  // number is 0.
  static Result<std::unique_ptr<CtSubmitter>> Create(std::vector<SubmitterLog> logs,
                                                     CtPolicy policy,
                                                     std::vector<std::string> issuer_chain_der,
                                                     CtObserver observer = nullptr);
  ~CtSubmitter();

  // Submits the precertificate (DER, signed, with the poison) to every log
  // and returns the TLS-encoded SCT list of the verified SCTs once the
  // policy is met. kServerInternal "could not get enough SCTs ..." naming
  // the first failure otherwise.
  Result<std::string> GetSctList(const std::string& precert_der);
  // Submits a final certificate (DER) to every log, in the background.
  void SubmitFinal(const std::string& cert_der);

  const CtPolicy& policy() const { return policy_; }

  struct Shared;  // what the per-log threads hold (submitter.cc)

 private:
  CtSubmitter(std::shared_ptr<Shared> shared, CtPolicy policy)
      : shared_(std::move(shared)), policy_(policy) {}
  std::shared_ptr<Shared> shared_;
  CtPolicy policy_;
};

}  // namespace signet::ca::ct
