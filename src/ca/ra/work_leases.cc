#include "ca/ra/work_leases.h"

#include <algorithm>

#include "base/base64url.h"
#include "crypto/digest.h"

namespace signet::ca {

using Steady = std::chrono::steady_clock;

WorkLeases::WorkLeases(storage::Store& store, WorkConfig config)
    : store_(store), config_(std::move(config)) {
  if (config_.instance_id.empty())
    config_.instance_id = Base64UrlEncode(crypto::RandomBytes(12));
  config_.lease = std::max(config_.lease, std::chrono::milliseconds(30));
}

void WorkLeases::Start(std::function<void()> poll) {
  if (thread_.joinable()) return;
  thread_ = std::thread([this, poll = std::move(poll)] { Run(poll); });
}

void WorkLeases::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WorkLeases::StopRenewingForTest() {
  std::lock_guard lock(mu_);
  renew_ = false;
}

void WorkLeases::Run(std::function<void()> poll) {
  const auto renew_every = config_.lease / 3;
  auto next_renew = Steady::now() + renew_every;
  auto next_poll = Steady::now() + config_.poll;
  std::unique_lock lock(mu_);
  while (!stop_) {
    auto wake_at = config_.poll.count() > 0 ? std::min(next_renew, next_poll) : next_renew;
    wake_.wait_until(lock, wake_at, [&] { return stop_; });
    if (stop_) break;
    const auto now = Steady::now();
    if (now >= next_renew) {
      next_renew = now + renew_every;
      auto unsettled = std::move(unsettled_);
      unsettled_.clear();
      lock.unlock();
      for (auto it = unsettled.begin(); it != unsettled.end();)
        it = Settle(it->first.first, it->first.second, it->second) ? unsettled.erase(it) : ++it;
      lock.lock();
      unsettled_.merge(unsettled);
      if (renew_ && !held_.empty()) {
        const size_t held = held_.size();
        lock.unlock();
        auto renewed = store_.RenewWorkItems(owner(), config_.lease);
        lock.lock();
        // Every lease confirmed only if the store renewed as many as were
        // held: one lost to another instance keeps its older time, so
        // StillHeld asks the store about it.
        if (renewed.ok() && size_t(*renewed) >= held)
          for (auto& [key, confirmed] : held_) confirmed = std::max(confirmed, now);
      }
    }
    if (config_.poll.count() > 0 && now >= next_poll && poll) {
      next_poll = now + config_.poll;
      lock.unlock();
      poll();
      lock.lock();
    }
  }
}

Status WorkLeases::Begin(const std::string& kind, const std::string& object_id) {
  const auto sent = Steady::now();
  SIGNET_RETURN_IF_ERROR(store_.AddWorkItem(kind, object_id, owner(), config_.lease));
  std::lock_guard lock(mu_);
  held_[Key(kind, object_id)] = sent;
  return OkStatus();
}

void WorkLeases::Adopt(const storage::WorkItem& item, Steady::time_point claimed_at) {
  std::lock_guard lock(mu_);
  held_[Key(item.kind, item.object_id)] = claimed_at;
}

Result<bool> WorkLeases::StillHeld(const std::string& kind, const std::string& object_id) {
  {
    std::lock_guard lock(mu_);
    auto it = held_.find(Key(kind, object_id));
    if (it != held_.end() && Steady::now() < it->second + config_.lease / 2) return true;
  }
  const auto sent = Steady::now();
  SIGNET_ASSIGN_OR_RETURN(bool held, store_.RenewWorkItem(kind, object_id, owner(), config_.lease));
  std::lock_guard lock(mu_);
  if (held)
    held_[Key(kind, object_id)] = sent;
  else
    held_.erase(Key(kind, object_id));
  return held;
}

void WorkLeases::Forget(const std::string& kind, const std::string& object_id) {
  std::lock_guard lock(mu_);
  held_.erase(Key(kind, object_id));
}

bool WorkLeases::Settle(const std::string& kind, const std::string& object_id, bool retry) {
  if (!store_.FinishWorkItem(kind, object_id, owner()).ok()) return false;
  // Unleased, for the next claim; a leftover of work another instance
  // finished is claimed and found finished.
  return !retry || store_.EnsureWorkItem(kind, object_id).ok();
}

void WorkLeases::Done(const std::string& kind, const std::string& object_id) {
  Forget(kind, object_id);
  if (Settle(kind, object_id, false)) return;
  std::lock_guard lock(mu_);
  unsettled_[{kind, object_id}] = false;
}

void WorkLeases::Retry(const std::string& kind, const std::string& object_id) {
  Forget(kind, object_id);
  if (Settle(kind, object_id, true)) return;
  std::lock_guard lock(mu_);
  unsettled_[{kind, object_id}] = true;
}

}  // namespace signet::ca
