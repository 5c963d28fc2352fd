#include "dns/unbound_query.h"

#include <unbound.h>

#include <condition_variable>
#include <mutex>

namespace signet::dns::internal {
namespace {

constexpr int kClassIn = 1;
constexpr int kRcodeServfail = 2;
constexpr int kRcodeNxdomain = 3;
constexpr int kRcodeRefused = 5;

struct Slot {
  bool done = false;
  int err = 0;
  UbResultPtr result;
  int async_id = 0;
};

// Shared by ResolveTypes and the callbacks, which may outlive a timed-out
// call (their ub_result is then freed with the state).
struct LookupState {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Slot> slots;
};

// The callback argument. Deleted by the callback, or by ResolveTypes when
// ub_cancel succeeds (then libunbound never calls the callback).
struct Ticket {
  std::shared_ptr<LookupState> state;
  size_t slot;
};

void OnAnswer(void* arg, int err, ub_result* result) {
  auto* ticket = static_cast<Ticket*>(arg);
  {
    std::lock_guard lock(ticket->state->mu);
    Slot& slot = ticket->state->slots[ticket->slot];
    slot.done = true;
    slot.err = err;
    slot.result.reset(result);
  }
  ticket->state->cv.notify_all();
  delete ticket;
}

}  // namespace

void UbResultDeleter::operator()(ub_result* r) const {
  if (r != nullptr) ub_resolve_free(r);
}

std::vector<QueryOutcome> ResolveTypes(ub_ctx* ctx, const std::string& name,
                                       std::initializer_list<int> types,
                                       std::chrono::milliseconds timeout) {
  auto state = std::make_shared<LookupState>();
  state->slots.resize(types.size());
  std::vector<Ticket*> tickets(types.size(), nullptr);
  size_t i = 0;
  for (int type : types) {
    tickets[i] = new Ticket{state, i};
    int id = 0;
    int rc = ub_resolve_async(ctx, name.c_str(), type, kClassIn, tickets[i], OnAnswer, &id);
    std::lock_guard lock(state->mu);
    state->slots[i].async_id = id;
    if (rc != 0) {  // Never registered: record the error, free the ticket.
      delete tickets[i];
      tickets[i] = nullptr;
      state->slots[i].done = true;
      state->slots[i].err = rc;
    }
    ++i;
  }
  std::unique_lock lock(state->mu);
  state->cv.wait_for(lock, timeout, [&] {
    for (const Slot& s : state->slots) {
      if (!s.done) return false;
    }
    return true;
  });
  std::vector<QueryOutcome> out(types.size());
  for (i = 0; i < state->slots.size(); ++i) {
    Slot& slot = state->slots[i];
    // A successful cancel means the callback will never run: free its ticket.
    // Otherwise the callback has run or is about to, and frees it itself.
    if (!slot.done) {
      if (ub_cancel(ctx, slot.async_id) == 0) delete tickets[i];
      continue;
    }
    out[i].done = true;
    out[i].err = slot.err;
    out[i].result = std::move(slot.result);
  }
  return out;
}

bool WantedAnAnswer(const QueryOutcome& outcome) {
  if (!outcome.done || outcome.err != 0 || outcome.result == nullptr) return true;
  return outcome.result->rcode == kRcodeServfail && !outcome.result->bogus;
}

Result<const ub_result*> CheckOutcome(const QueryOutcome& outcome, std::string_view type,
                                      const std::string& name, bool nxdomain_is_empty) {
  const std::string what = " looking up " + std::string(type) + " for " + name;
  if (!outcome.done) return Error(ErrorCode::kDns, "DNS problem: query timed out" + what);
  if (outcome.err != 0 || outcome.result == nullptr) {
    return Error(ErrorCode::kDns, std::string("DNS problem: ") + ub_strerror(outcome.err) + what);
  }
  const ub_result& r = *outcome.result;
  if (r.bogus) {
    return Error(ErrorCode::kDns, std::string("DNSSEC validation failure: ") +
                                      (r.why_bogus ? r.why_bogus : "bogus answer") + what);
  }
  if (r.rcode == kRcodeNxdomain || r.nxdomain) {
    if (nxdomain_is_empty) return &r;
    return Error(ErrorCode::kDns, "DNS problem: NXDOMAIN" + what);
  }
  if (r.rcode == kRcodeServfail) return Error(ErrorCode::kDns, "DNS problem: SERVFAIL" + what);
  if (r.rcode == kRcodeRefused) return Error(ErrorCode::kDns, "DNS problem: REFUSED" + what);
  if (r.rcode != 0) {
    return Error(ErrorCode::kDns, "DNS problem: rcode " + std::to_string(r.rcode) + what);
  }
  return &r;
}

}  // namespace signet::dns::internal
