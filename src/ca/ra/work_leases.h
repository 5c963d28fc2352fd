// This instance's side of the work in flight (storage::WorkItem, issue 10):
// its owner id, the leases it holds, and a thread that renews them while it
// works and asks the RA to claim work whose lease ran out (another instance
// died). A lease is renewed every lease/3; the instance knows, on its own
// steady clock, when each lease was last confirmed by the store, so the
// check before a serial is signed (StillHeld) costs a round trip only when
// the lease is past half its life.
//
// Thread-safe. Start once; Stop (or destroy) joins the thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "base/result.h"
#include "storage/store.h"

namespace signet::ca {

struct WorkConfig {
  std::string instance_id;                    // "" = a random one
  std::chrono::milliseconds lease{30000};     // renewed every lease/3 while worked on
  std::chrono::milliseconds poll{2000};       // looks for expired work; 0 = never
  // SQLite (one signetd per store): a restart takes over every lease at
  // once rather than waiting for them to run out.
  bool single_instance = true;
  // A validation or issuance claimed more often than this (its instances
  // keep dying on it) fails with serverInternal rather than running again.
  int max_attempts = 5;
};

class WorkLeases {
 public:
  WorkLeases(storage::Store& store, WorkConfig config);
  ~WorkLeases() { Stop(); }
  WorkLeases(const WorkLeases&) = delete;
  WorkLeases& operator=(const WorkLeases&) = delete;

  // Starts renewing, and calling `poll` every config.poll (when not 0).
  void Start(std::function<void()> poll);
  void Stop();
  const std::string& owner() const { return config_.instance_id; }
  const WorkConfig& config() const { return config_; }

  // Records the item as this instance's (before its object becomes processing).
  Status Begin(const std::string& kind, const std::string& object_id);
  // Holds an item ClaimWorkItems gave this instance; `claimed_at` is when the claim was sent.
  void Adopt(const storage::WorkItem& item, std::chrono::steady_clock::time_point claimed_at);
  // Whether this instance still holds the item, checked with the store
  // (renewing it) unless its lease is less than half gone. False: another
  // instance took it over; do nothing more with it.
  Result<bool> StillHeld(const std::string& kind, const std::string& object_id);
  // The work is done: the item goes (best effort: a leftover is claimed and
  // found finished).
  void Done(const std::string& kind, const std::string& object_id);
  // The work failed in a way worth another try: the item is left unleased,
  // for the next claim (any instance's).
  void Retry(const std::string& kind, const std::string& object_id);
  // Test hook: the instance stops renewing, as if it had died.
  void StopRenewingForTest();

 private:
  void Run(std::function<void()> poll);
  void Forget(const std::string& kind, const std::string& object_id);
  // Done (retry false) or Retry (true) in the store; false when it failed.
  bool Settle(const std::string& kind, const std::string& object_id, bool retry);
  static std::string Key(const std::string& kind, const std::string& object_id) {
    return kind + "\n" + object_id;
  }

  storage::Store& store_;
  WorkConfig config_;
  std::mutex mu_;
  std::condition_variable wake_;
  // When each held lease was last confirmed (the confirming statement's start).
  std::map<std::string, std::chrono::steady_clock::time_point> held_;  // GUARDED_BY(mu_)
  // Items whose Done (false) or Retry (true) the store refused (it was
  // unreachable): tried again with each renewal, so that no lease of this
  // instance is renewed for work it no longer does.
  std::map<std::pair<std::string, std::string>, bool> unsettled_;  // GUARDED_BY(mu_)
  bool stop_ = false;                                                    // GUARDED_BY(mu_)
  bool renew_ = true;                                                    // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace signet::ca
