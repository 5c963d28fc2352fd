// signet-bench's client profiles: named bundles of workload settings that
// reproduce how real ACME clients talk to a CA, so one flag (--profile)
// stands for "what lego does" rather than six. The individual flags still
// override a profile's settings (see command_line.h).
//
//   keepalive         kept-alive connections shared by all orders, HTTP-01,
//                     shared accounts, fast polling (25 ms, x1.5): the
//                     load generator's own default, the CA's best case
//   keepalive-poll1s  as keepalive, but polling every 1 s and honouring
//                     Retry-After, as lego and certbot do
//   per-request       a new TCP + TLS connection and Connection: close for
//                     every request (uacme, curl-based shell clients)
//   dns01             as keepalive, DNS-01 through pebble-challtestsrv's
//                     management API (the mock DNS), no CAA record
//   dns01-caa         as dns01, with a CAA record permitting the CA at
//                     bench.test (one label above every name)
//   fresh-account     as keepalive, a new account (key + newAccount) per order
//
// Pure functions; thread-compatible.
#pragma once

#include <span>
#include <string_view>

#include "base/result.h"
#include "bench/bench_config.h"

namespace signet::bench {

struct ProfileInfo {
  std::string_view name;
  std::string_view summary;  // one line, for --help
  void (*apply)(BenchConfig&);
};

// Every profile, in the order above.
std::span<const ProfileInfo> Profiles();

// Sets the settings profile `name` bundles on `config` (and config.profile);
// leaves the others (directory, concurrency, orders...) alone. kMalformed
// for a name that is not a profile.
Status ApplyProfile(std::string_view name, BenchConfig& config);

}  // namespace signet::bench
