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

// Turns "127.0.0.1:8053", "[::1]:53", "127.0.0.1" or "::1" into libunbound's
// forwarder syntax "IP@PORT" (port 53 when absent). kMalformed otherwise.
Result<std::string> ToUnboundForwarder(const std::string& server);

// UnboundResolver: LookupHost through a libunbound context whose only
// upstream is a forwarder ("forward-zone: ." with forward-first: no), so a
// misconfiguration fails closed instead of recursing from the root. Answers
// are not cached beyond their use, so each validation sees current DNS (the
// VA's requirement; RFC 8555 section 8 and CA/B BR 3.2.2.4). Names under the
// RFC 6761 "test." zone are forwarded like any other (for test beds such as
// pebble-challtestsrv); no trust anchor is configured (no DNSSEC validation).
//
// Thread-safety: LookupHost may be called from any number of threads. The
// context runs in libunbound's threaded async mode; a private pump thread
// delivers answers, and each LookupHost waits for its own answers with a
// deadline, cancelling the queries when it expires. Destroy it only when no
// LookupHost call is in flight.
class UnboundResolver : public Resolver {
 public:
  // Configures a context forwarding to `server` (see ToUnboundForwarder).
  // Every configuration call is checked: any failure is an error, never a
  // partly configured resolver. `timeout` bounds each LookupHost.
  static Result<std::unique_ptr<UnboundResolver>> Create(
      const std::string& server, std::chrono::milliseconds timeout);

  ~UnboundResolver() override;
  UnboundResolver(const UnboundResolver&) = delete;
  UnboundResolver& operator=(const UnboundResolver&) = delete;

  // A then AAAA addresses of `name`. Errors are kDns: "NXDOMAIN looking up A
  // for NAME", "SERVFAIL looking up A for NAME", "DNSSEC validation failure:
  // ...", "DNS query timed out looking up A for NAME", "No valid IP
  // addresses found for NAME".
  Result<std::vector<std::string>> LookupHost(const std::string& name) override;

 private:
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
