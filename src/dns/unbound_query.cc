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
  bool taken = false;
  int err = 0;
  UbResultPtr result;
  int async_id = 0;
};

}  // namespace

// Shared by the batch and the callbacks, which may outlive a destroyed batch
// (their ub_result is then freed with the state).
struct QueryBatch::State {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Slot> slots;
};

// The callback argument. Deleted by the callback, or by ~QueryBatch when
// ub_cancel succeeds (then libunbound never calls the callback).
struct QueryBatch::Ticket {
  std::shared_ptr<State> state;
  size_t slot;

  static void OnAnswer(void* arg, int err, ub_result* result) {
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
};

void UbResultDeleter::operator()(ub_result* r) const {
  if (r != nullptr) ub_resolve_free(r);
}

QueryBatch::QueryBatch(ub_ctx* ctx, const std::vector<Query>& queries)
    : ctx_(ctx),
      state_(std::make_shared<State>()),
      tickets_(queries.size(), nullptr),
      outstanding_(queries.size()) {
  state_->slots.resize(queries.size());
  for (size_t i = 0; i < queries.size(); ++i) {
    tickets_[i] = new Ticket{state_, i};
    int id = 0;
    int rc = ub_resolve_async(ctx, queries[i].name.c_str(), queries[i].type, kClassIn,
                              tickets_[i], &Ticket::OnAnswer, &id);
    std::lock_guard lock(state_->mu);
    state_->slots[i].async_id = id;
    if (rc != 0) {  // Never registered: record the error, free the ticket.
      delete tickets_[i];
      tickets_[i] = nullptr;
      state_->slots[i].done = true;
      state_->slots[i].err = rc;
    }
  }
}

QueryBatch::~QueryBatch() {
  std::lock_guard lock(state_->mu);
  for (size_t i = 0; i < state_->slots.size(); ++i) {
    // A successful cancel means the callback will never run: free its ticket.
    // Otherwise the callback has run or is about to, and frees it itself.
    if (!state_->slots[i].done && ub_cancel(ctx_, state_->slots[i].async_id) == 0)
      delete tickets_[i];
  }
}

std::vector<std::pair<size_t, QueryOutcome>> QueryBatch::TakeAnswered(
    std::chrono::steady_clock::time_point until) {
  std::vector<std::pair<size_t, QueryOutcome>> out;
  if (outstanding_ == 0) return out;
  std::unique_lock lock(state_->mu);
  state_->cv.wait_until(lock, until, [&] {
    for (const Slot& s : state_->slots)
      if (s.done && !s.taken) return true;
    return false;
  });
  for (size_t i = 0; i < state_->slots.size(); ++i) {
    Slot& slot = state_->slots[i];
    if (!slot.done || slot.taken) continue;
    slot.taken = true;
    --outstanding_;
    QueryOutcome outcome;
    outcome.done = true;
    outcome.err = slot.err;
    outcome.result = std::move(slot.result);
    out.emplace_back(i, std::move(outcome));
  }
  return out;
}

std::vector<QueryOutcome> ResolveTypes(ub_ctx* ctx, const std::string& name,
                                       std::initializer_list<int> types,
                                       std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  std::vector<QueryBatch::Query> queries;
  for (int type : types) queries.push_back({name, type});
  QueryBatch batch(ctx, queries);
  std::vector<QueryOutcome> out(types.size());  // Not done unless answered.
  while (batch.outstanding() > 0) {
    std::vector<std::pair<size_t, QueryOutcome>> answered = batch.TakeAnswered(until);
    if (answered.empty()) break;
    for (auto& [i, outcome] : answered) out[i] = std::move(outcome);
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
