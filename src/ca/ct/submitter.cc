#include "ca/ct/submitter.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "pki/certificate.h"

namespace signet::ca::ct {

using Clock = std::chrono::steady_clock;

struct CtSubmitter::Shared {
  std::vector<SubmitterLog> logs;
  std::vector<std::string> issuer_chain_der;
  std::string issuer_key_hash;
  std::atomic<int> background{0};
  std::mutex observer_mu;
  CtObserver observer;  // GUARDED_BY(observer_mu); cleared when the submitter goes

  void Observe(const SubmitterLog& log, const char* kind, bool ok, Clock::time_point start) {
    std::lock_guard lock(observer_mu);
    if (observer)
      observer(log.info.description, kind, ok,
               std::chrono::duration<double>(Clock::now() - start).count());
  }
};

namespace {

// The answers of one precertificate's logs, shared with their threads.
struct Gather {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::optional<Result<pki::Sct>>> answers;  // by log index
  size_t done = 0;
};

// Whether the verified SCTs in `answers` meet `policy`.
bool Enough(const std::vector<std::optional<Result<pki::Sct>>>& answers,
            const std::vector<SubmitterLog>& logs, const CtPolicy& policy) {
  size_t scts = 0;
  std::set<std::string> operators;
  for (size_t i = 0; i < answers.size(); ++i) {
    if (!answers[i] || !answers[i]->ok()) continue;
    ++scts;
    operators.insert(logs[i].info.operator_name);
  }
  return scts >= policy.min_scts && operators.size() >= policy.min_operators;
}

}  // namespace

Result<std::unique_ptr<CtSubmitter>> CtSubmitter::Create(std::vector<SubmitterLog> logs,
                                                         CtPolicy policy,
                                                         std::vector<std::string> issuer_chain_der,
                                                         CtObserver observer) {
  if (policy.min_scts == 0 || policy.min_operators == 0)
    return Error(ErrorCode::kMalformed, "the CT policy needs at least one SCT and one operator");
  std::set<std::string> operators;
  for (const SubmitterLog& log : logs) operators.insert(log.info.operator_name);
  if (logs.size() < policy.min_scts || operators.size() < policy.min_operators)
    return Error(ErrorCode::kMalformed,
                 "the CT log list has " + std::to_string(logs.size()) + " usable logs of " +
                     std::to_string(operators.size()) + " operators; the policy needs " +
                     std::to_string(policy.min_scts) + " SCTs from " +
                     std::to_string(policy.min_operators) + " operators");
  if (issuer_chain_der.empty())
    return Error(ErrorCode::kMalformed, "CT submission needs the issuer's certificate");
  SIGNET_ASSIGN_OR_RETURN(crypto::X509Ptr issuer, pki::CertFromDer(issuer_chain_der.front()));
  auto shared = std::make_shared<Shared>();
  shared->logs = std::move(logs);
  shared->issuer_chain_der = std::move(issuer_chain_der);
  shared->issuer_key_hash = pki::IssuerKeyHash(issuer.get());
  shared->observer = std::move(observer);
  return std::unique_ptr<CtSubmitter>(new CtSubmitter(std::move(shared), policy));
}

CtSubmitter::~CtSubmitter() {
  // Threads of slow logs may outlive us; what they observe must not.
  std::lock_guard lock(shared_->observer_mu);
  shared_->observer = nullptr;
}

Result<std::string> CtSubmitter::GetSctList(const std::string& precert_der) {
  SIGNET_ASSIGN_OR_RETURN(std::string tbs, pki::PrecertTbs(precert_der));
  std::vector<std::string> chain{precert_der};
  chain.insert(chain.end(), shared_->issuer_chain_der.begin(), shared_->issuer_chain_der.end());
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + policy_.deadline;
  auto gather = std::make_shared<Gather>();
  const size_t n = shared_->logs.size();
  gather->answers.resize(n);
  for (size_t i = 0; i < n; ++i) {
    std::thread([gather, shared = shared_, i, chain, tbs, start, timeout = policy_.deadline] {
      const SubmitterLog& log = shared->logs[i];
      Result<pki::Sct> sct = log.log->Submit(true, chain, timeout);
      if (sct.ok()) {
        Status verified = pki::VerifySct(*sct, log.info.key, pki::CtEntryType::kPrecert,
                                         shared->issuer_key_hash, tbs);
        if (!verified.ok()) sct = verified.error();
      }
      shared->Observe(log, "precert", sct.ok(), start);
      std::lock_guard lock(gather->mu);
      gather->answers[i] = std::move(sct);
      ++gather->done;
      gather->cv.notify_all();
    }).detach();
  }
  std::unique_lock lock(gather->mu);
  gather->cv.wait_until(lock, deadline, [&] {
    return gather->done == n || Enough(gather->answers, shared_->logs, policy_);
  });
  std::vector<pki::Sct> scts;
  std::string first_failure;
  for (size_t i = 0; i < n; ++i) {
    const auto& answer = gather->answers[i];
    if (answer && answer->ok()) {
      scts.push_back(**answer);
      continue;
    }
    if (!first_failure.empty()) continue;
    first_failure = shared_->logs[i].info.description + ": " +
                    (answer ? answer->error().detail : std::string("no answer in time"));
  }
  if (!Enough(gather->answers, shared_->logs, policy_))
    return Error(ErrorCode::kServerInternal,
                 "could not get enough SCTs from CT logs: " + std::to_string(scts.size()) + " of " +
                     std::to_string(n) + " logs answered in time with a valid SCT, " +
                     std::to_string(policy_.min_scts) + " from " +
                     std::to_string(policy_.min_operators) +
                     " operators are needed; first failure: " + first_failure);
  return pki::EncodeSctList(scts);
}

void CtSubmitter::SubmitFinal(const std::string& cert_der) {
  std::vector<std::string> chain{cert_der};
  chain.insert(chain.end(), shared_->issuer_chain_der.begin(), shared_->issuer_chain_der.end());
  const Clock::time_point start = Clock::now();
  for (size_t i = 0; i < shared_->logs.size(); ++i) {
    if (shared_->background.fetch_add(1) >= policy_.max_background) {
      shared_->background.fetch_sub(1);
      shared_->Observe(shared_->logs[i], "final", false, start);  // backlog: not submitted
      continue;
    }
    std::thread([shared = shared_, i, chain, start, timeout = policy_.final_timeout] {
      const SubmitterLog& log = shared->logs[i];
      Result<pki::Sct> sct = log.log->Submit(false, chain, timeout);
      bool ok = sct.ok() && pki::VerifySct(*sct, log.info.key, pki::CtEntryType::kX509, "",
                                           chain.front())
                                .ok();
      shared->Observe(log, "final", ok, start);
      shared->background.fetch_sub(1);
    }).detach();
  }
}

}  // namespace signet::ca::ct
