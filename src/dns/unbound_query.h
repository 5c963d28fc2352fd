// Internal to UnboundResolver: asynchronous libunbound queries with a
// deadline, and the judgement of one answer (timeout, SERVFAIL, NXDOMAIN,
// DNSSEC bogus). Not part of the module's public API.
#pragma once

#include <chrono>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
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
