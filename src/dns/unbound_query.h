// Internal to UnboundResolver: asynchronous libunbound queries with a
// deadline, and the judgement of one answer (timeout, SERVFAIL, NXDOMAIN,
// DNSSEC bogus). Not part of the module's public API.
#pragma once

#include <chrono>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

struct ub_ctx;
struct ub_result;

namespace signet::dns::internal {

struct UbResultDeleter {
  void operator()(ub_result* r) const;
};
using UbResultPtr = std::unique_ptr<ub_result, UbResultDeleter>;

// What became of one query.
struct QueryOutcome {
  bool done = false;   // False: the deadline passed first (query cancelled).
  int err = 0;         // A libunbound error code (ub_strerror), 0 if none.
  UbResultPtr result;  // Set when done and err == 0.
};

// Queries started together on a context in threaded async mode (someone
// calling ub_process), their answers taken as they come. Destroying the
// batch cancels the queries still unanswered. Used by one thread at a time;
// the answers are delivered by libunbound's callbacks on another.
class QueryBatch {
 public:
  struct Query {
    std::string name;
    int type = 0;
  };
  // Sends every query (class IN) before returning; a query libunbound
  // refuses is answered at once with its error code.
  QueryBatch(ub_ctx* ctx, const std::vector<Query>& queries);
  ~QueryBatch();
  QueryBatch(const QueryBatch&) = delete;
  QueryBatch& operator=(const QueryBatch&) = delete;

  // Waits until some query not taken yet has its answer, or `until`, and
  // takes every answered one: (index in the queries, outcome). Empty when
  // `until` passed first or nothing is left.
  std::vector<std::pair<size_t, QueryOutcome>> TakeAnswered(
      std::chrono::steady_clock::time_point until);
  // Queries whose answers have not been taken.
  size_t outstanding() const { return outstanding_; }

 private:
  struct State;
  struct Ticket;
  ub_ctx* ctx_;
  std::shared_ptr<State> state_;
  std::vector<Ticket*> tickets_;  // Each freed by its callback or by a successful cancel.
  size_t outstanding_;
};

// Starts one query per type for `name` (class IN) on `ctx`, which must be in
// threaded async mode with someone calling ub_process, and waits until all
// are answered or `timeout` passes; unanswered ones are cancelled. One
// outcome per type, in order. Thread-safe.
std::vector<QueryOutcome> ResolveTypes(ub_ctx* ctx, const std::string& name,
                                       std::initializer_list<int> types,
                                       std::chrono::milliseconds timeout);

// Whether `outcome` is a failure to get an answer (timeout, a libunbound
// error, SERVFAIL), as when the DNS server is down, rather than an answer.
bool WantedAnAnswer(const QueryOutcome& outcome);

// The answer of `outcome` if it can be read as data, else the kDns error it
// stands for: "DNS problem: query timed out looking up TYPE for NAME",
// "DNSSEC validation failure: WHY looking up ...", "DNS problem: SERVFAIL
// looking up ...", other rcodes, and NXDOMAIN unless `nxdomain_is_empty`
// (then the answer is returned and has no data).
Result<const ub_result*> CheckOutcome(const QueryOutcome& outcome, std::string_view type,
                                      const std::string& name, bool nxdomain_is_empty);

}  // namespace signet::dns::internal
