#include "ca/operator_view/recent_activity.h"

#include <utility>

namespace signet::ca::operator_view {
namespace {

template <typename T>
std::vector<T> NewestFirst(const std::deque<T>& ring) {
  return std::vector<T>(ring.rbegin(), ring.rend());
}

}  // namespace

template <typename T>
void RecentActivity::Push(std::deque<T>& ring, T e) {
  std::lock_guard lock(mu_);
  ring.push_back(std::move(e));
  while (ring.size() > capacity_) ring.pop_front();
}

void RecentActivity::AddValidation(ValidationEvent e) { Push(validations_, std::move(e)); }
void RecentActivity::AddIssuance(IssuanceEvent e) { Push(issuances_, std::move(e)); }
void RecentActivity::AddRefusal(RefusalEvent e) { Push(refusals_, std::move(e)); }

Activity RecentActivity::Snapshot() const {
  std::lock_guard lock(mu_);
  return {NewestFirst(validations_), NewestFirst(issuances_), NewestFirst(refusals_)};
}

}  // namespace signet::ca::operator_view
