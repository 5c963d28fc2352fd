// A Resolver on libunbound that forwards every query to one configured DNS
// server (never the root servers, never the system resolv.conf or hosts).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "dns/resolver.h"

struct ub_ctx;

namespace signet::dns {

// DNSSEC trust anchors (RFC 4033 3): without any, nothing validates as
// secure and nothing is bogus; with one, answers under it must validate.
struct UnboundOptions {
  // DS or DNSKEY records in zone-file presentation format, e.g.
  // "example.test. IN DS 12345 13 2 ABCD..." (ub_ctx_add_ta).
  std::vector<std::string> trust_anchors;
  // Files of such records, e.g. a dnssec-keygen "K*.key" or dsset file
  // (ub_ctx_add_ta_file).
  std::vector<std::string> trust_anchor_files;
  // Told when lookups start failing for want of an answer (answering=false,
  // after kFailuresToReport in a row: the DNS server down or unreachable, not
  // one broken zone) and when one succeeds again (true); `detail` is the last
  // failure. For the operator's log. Called on a lookup's thread.
  std::function<void(bool answering, const std::string& detail)> on_server_state;
};
inline constexpr int kFailuresToReport = 3;

// Turns "127.0.0.1:8053", "[::1]:53", "127.0.0.1" or "::1" into libunbound's
// forwarder syntax "IP@PORT" (port 53 when absent). kMalformed otherwise.
Result<std::string> ToUnboundForwarder(const std::string& server);

// UnboundResolver: lookups through a libunbound context whose only
// upstream is a forwarder ("forward-zone: ." with forward-first: no), so a
// misconfiguration fails closed instead of recursing from the root. Answers
// are not cached beyond their use, so each validation sees current DNS (the
// VA's requirement; RFC 8555 section 8 and CA/B BR 3.2.2.4). Names under the
// RFC 6761 "test." zone are forwarded like any other (for test beds such as
// pebble-challtestsrv). DNSSEC is validated under the configured trust
// anchors only (UnboundOptions); a bogus answer is an error. libunbound
// follows CNAMEs itself, retries, and falls back to TCP on truncation.
//
// Thread-safety: every Lookup* may be called from any number of threads. The
// context runs in libunbound's threaded async mode; a private pump thread
// delivers answers, and each call waits for its own answers with a deadline,
// cancelling the queries when it expires. Destroy it only when no call is in
// flight.
//
// Outages: a lookup that fails for want of an answer (timeout, SERVFAIL, a
// libunbound error) replaces the context with a fresh one (at most every
// kRenewInterval), as libunbound has no way to flush what a failure left
// behind: a SERVFAIL in its message cache and the retransmission backoff of
// the forwarder it marked down kept a name failing for 10-20 s after the DNS
// server came back. Lookups already on the old context finish there.
class UnboundResolver : public Resolver {
 public:
  // Configures a context forwarding to `server` (see ToUnboundForwarder),
  // the forwarder first. Every configuration call is checked: any failure
  // (including an unparsable trust anchor) is an error, never a partly
  // configured resolver. `timeout` bounds each Lookup* call (and the
  // caller's deadline, when sooner).
  static Result<std::unique_ptr<UnboundResolver>> Create(
      const std::string& server, std::chrono::milliseconds timeout,
      const UnboundOptions& options = {});

  ~UnboundResolver() override;
  UnboundResolver(const UnboundResolver&) = delete;
  UnboundResolver& operator=(const UnboundResolver&) = delete;

 private:
  // Each waits at most min(the configured timeout, time left before
  // `deadline`); the queries still unanswered then are cancelled.
  // A then AAAA addresses of `name`. Errors are kDns: "NXDOMAIN looking up A
  // for NAME", "SERVFAIL looking up A for NAME", "DNSSEC validation failure:
  // ...", "DNS query timed out looking up A for NAME", "No valid IP
  // addresses found for NAME".
  Result<std::vector<std::string>> DoLookupHost(const std::string& name,
                                                Deadline deadline) override;
  // See Resolver. Errors as above with TXT/CAA in place of A, except that
  // NXDOMAIN and NODATA are an empty answer; TXT beyond the limits and
  // malformed RDATA are kDns errors. `secure` is set from libunbound's
  // validator (true only under a configured trust anchor).
  Result<TxtAnswer> DoLookupTxt(const std::string& name, Deadline deadline) override;
  Result<CaaAnswer> DoLookupCaa(const std::string& name, Deadline deadline) override;
  // Every query sent at once on the shared context; returns as soon as
  // `enough` says so (the rest cancelled) or all have answered, within one
  // wait (the configured timeout, cut to `deadline`) for the whole batch.
  CaaAnswers DoLookupCaaAll(const std::vector<std::string>& names, Deadline deadline,
                            const CaaEnough& enough) override;
  // How long a lookup may wait: the configured timeout, cut to `deadline`.
  std::chrono::milliseconds Wait(Deadline deadline) const;

  // One configured libunbound context and the thread delivering its answers.
  struct Context;
  static Result<std::shared_ptr<Context>> NewContext(const std::string& forwarder,
                                                     const UnboundOptions& options);

  UnboundResolver(std::shared_ptr<Context> context, std::string forwarder,
                  UnboundOptions options, std::chrono::milliseconds timeout);
  std::shared_ptr<Context> Current();
  // After a lookup on `used` failed for want of an answer: a fresh context,
  // unless `used` was already replaced or the last renewal was too recent.
  void RenewAfterFailure(const std::shared_ptr<Context>& used);
  // Counts failures in a row and reports state changes (on_server_state);
  // returns `result`.
  template <typename T>
  Result<T> Track(Result<T> result, bool wanted_an_answer);

  static constexpr std::chrono::milliseconds kRenewInterval{250};
  const std::string forwarder_;
  const UnboundOptions options_;
  const std::chrono::milliseconds timeout_;
  std::mutex mu_;
  std::shared_ptr<Context> context_;                    // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point renewed_at_{};  // GUARDED_BY(mu_)
  int failures_in_a_row_ = 0;                           // GUARDED_BY(mu_)
  bool reported_down_ = false;                          // GUARDED_BY(mu_)
};

}  // namespace signet::dns
