#include "ca/va/remote/multi_perspective_va.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace signet::va::remote {
namespace {

// Outcomes shared with the worker threads, which may outlive the call when
// a remote hangs: they hold the state by shared_ptr.
struct Gather {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::optional<Status>> outcomes;
  size_t done = 0;
};

}  // namespace

MultiPerspectiveVa::MultiPerspectiveVa(ValidationAuthority& primary,
                                       std::vector<std::shared_ptr<RemotePerspective>> remotes,
                                       std::chrono::milliseconds timeout,
                                       size_t min_corroborating_rirs)
    : primary_(primary),
      remotes_(std::move(remotes)),
      timeout_(timeout),
      min_corroborating_rirs_(min_corroborating_rirs) {}

std::vector<Status> MultiPerspectiveVa::AskRemotes(
    const std::function<Status(ValidationAuthority&)>& ask, Deadline deadline) const {
  auto gather = std::make_shared<Gather>();
  gather->outcomes.resize(remotes_.size());
  for (size_t i = 0; i < remotes_.size(); ++i) {
    std::thread([gather, i, remote = remotes_[i], ask] {
      Status s = ask(*remote);
      std::lock_guard<std::mutex> lock(gather->mu);
      gather->outcomes[i] = std::move(s);
      ++gather->done;
      gather->cv.notify_all();
    }).detach();
  }
  std::unique_lock<std::mutex> lock(gather->mu);
  gather->cv.wait_until(lock, deadline, [&] { return gather->done == remotes_.size(); });
  std::vector<Status> out;
  for (size_t i = 0; i < remotes_.size(); ++i) {
    if (gather->outcomes[i]) out.push_back(*gather->outcomes[i]);
    else out.push_back(Error(ErrorCode::kConnection, "remote perspective " + std::to_string(i + 1) +
                                                         " did not answer in time"));
  }
  return out;
}

Status MultiPerspectiveVa::Corroborate(const std::vector<Status>& outcomes) const {
  size_t disagreed = 0;
  const Error* first = nullptr;
  std::vector<std::string> agreeing_rirs;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i].ok()) {
      agreeing_rirs.push_back(remotes_[i]->rir());
      continue;
    }
    ++disagreed;
    if (!first) first = &outcomes[i].error();
  }
  const size_t allowed = AllowedDisagreements(outcomes.size());
  if (disagreed > allowed) {
    return Error(first->code, "During multi-perspective validation: " + std::to_string(disagreed) +
                                  " of " + std::to_string(outcomes.size()) +
                                  " remote perspectives disagreed (at most " +
                                  std::to_string(allowed) + " may); first: " + first->detail);
  }
  // BR 3.2.2.9: the corroborating remotes span at least two RIRs.
  const std::vector<std::string> rirs = DistinctRirs(agreeing_rirs);
  if (rirs.size() >= min_corroborating_rirs_) return OkStatus();
  std::string named;
  for (const std::string& r : rirs) named += (named.empty() ? "" : ", ") + r;
  std::string detail = "During multi-perspective validation: the " +
                       std::to_string(agreeing_rirs.size()) +
                       " remote perspectives that agreed are in " +
                       (rirs.empty() ? std::string("no known") : named) + " only, at least " +
                       std::to_string(min_corroborating_rirs_) +
                       " regional internet registries must agree";
  // The client's problem is the disagreement; without one, it is ours.
  if (first) return Error(first->code, detail + "; first disagreement: " + first->detail);
  return Error(ErrorCode::kServerInternal, detail);
}

Deadline MultiPerspectiveVa::Bound(Deadline deadline) const {
  return std::min(deadline, std::chrono::steady_clock::now() + timeout_);
}

ValidationResult MultiPerspectiveVa::Validate(const ValidationRequest& request) {
  ValidationRequest bounded = request;
  bounded.deadline = Bound(request.deadline);
  if (remotes_.empty()) return primary_.Validate(bounded);
  // Remotes start first so they run while the primary validates.
  std::vector<Status> remote;
  std::thread asker([&] {
    remote = AskRemotes(
        [bounded](ValidationAuthority& va) { return va.Validate(bounded).status; },
        bounded.deadline);
  });
  ValidationResult primary = primary_.Validate(bounded);
  asker.join();
  if (!primary.status.ok()) return primary;
  primary.status = Corroborate(remote);
  return primary;
}

Status MultiPerspectiveVa::DoCheckCaa(const std::string& name, bool wildcard,
                                      const std::string& account_url, const std::string& method,
                                      Deadline deadline_in) {
  const Deadline deadline = Bound(deadline_in);
  std::vector<Status> remote;
  std::thread asker([&] {
    remote = AskRemotes(
        [=](ValidationAuthority& va) {
          return va.CheckCaa(name, wildcard, account_url, method, deadline);
        },
        deadline);
  });
  Status primary = primary_.CheckCaa(name, wildcard, account_url, method, deadline);
  asker.join();
  if (!primary.ok()) return primary;
  return remotes_.empty() ? primary : Corroborate(remote);
}

}  // namespace signet::va::remote
