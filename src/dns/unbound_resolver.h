// A Resolver on libunbound that forwards every query to one configured DNS
// server (never the root servers, never the system resolv.conf or hosts).
#pragma once

#include <chrono>
#include <memory>
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
};

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
  // How long a lookup may wait: the configured timeout, cut to `deadline`.
  std::chrono::milliseconds Wait(Deadline deadline) const;

  UnboundResolver(ub_ctx* ctx, int wake_read, int wake_write,
                  std::chrono::milliseconds timeout);
  void Pump();

  ub_ctx* ctx_;
  int wake_read_;   // Pipe that tells the pump thread to stop.
  int wake_write_;
  std::chrono::milliseconds timeout_;
  std::thread pump_;
};

}  // namespace signet::dns
