// What the operator's view lists: the latest validations, issuances and
// rate-limit refusals this signetd recorded since it started,
// each kind in a ring of its own (the oldest entry drops out when full), fed
// by the RA's events (kept as the copies of events.h) and the rate limiter's observer.
//
// Thread-safe: Add* are called from request and validation threads, Snapshot
// from the operator listener's.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "acme/objects.h"
#include "ca/operator_view/events.h"

namespace signet::ca::operator_view {

// A request refused with rateLimited: which limit (a rate limiter's limit
// name, "paused" or "validation_queue").
struct RefusalEvent {
  acme::TimePoint at;
  std::string limit;
};

// One copy of the rings, newest first.
struct Activity {
  std::vector<ValidationEvent> validations;
  std::vector<IssuanceEvent> issuances;
  std::vector<RefusalEvent> refusals;
};

class RecentActivity {
 public:
  // Each ring keeps at most `capacity` entries (REQUIRES: capacity > 0).
  explicit RecentActivity(size_t capacity = 50) : capacity_(capacity) {}

  void AddValidation(ValidationEvent e);
  void AddIssuance(IssuanceEvent e);
  void AddRefusal(RefusalEvent e);

  Activity Snapshot() const;

 private:
  template <typename T>
  void Push(std::deque<T>& ring, T e);

  const size_t capacity_;
  mutable std::mutex mu_;
  std::deque<ValidationEvent> validations_;  // GUARDED_BY(mu_), oldest first
  std::deque<IssuanceEvent> issuances_;      // GUARDED_BY(mu_)
  std::deque<RefusalEvent> refusals_;        // GUARDED_BY(mu_)
};

}  // namespace signet::ca::operator_view
