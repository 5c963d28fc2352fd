// What one signet-bench run measured, and its two renderings: a table for
// people and JSON for scripts (bench/ca_side_by_side.sh reads it).
//
// Latency is per HTTP exchange: from the request being written on a
// connection to the whole response being read, so it is the server's time
// plus loopback. Opening a connection (TCP + TLS handshake) and waiting for a
// free pooled one are kept apart (connect, pool_wait), as is each order's
// whole time (order).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "bench/latency.h"

namespace signet::bench {

// The ACME requests an order makes (RFC 8555 7.2-7.4). kPoll covers
// POST-as-GET of a pending authorization and of a processing order.
enum class RequestType {
  kDirectory,
  kNewNonce,
  kNewAccount,
  kNewOrder,
  kAuthz,
  kChallenge,
  kPoll,
  kFinalize,
  kCert,
};
inline constexpr size_t kRequestTypeCount = 9;

// "newNonce", "authz", ... as reports name them.
const char* RequestTypeName(RequestType type);
// Every type except directory and newNonce carries a JWS the server verifies.
bool IsSignedRequest(RequestType type);

// The measured server, given its PID (--server-pid).
struct ServerStats {
  int pid = 0;
  double cpu_seconds = 0;  // utime + stime during the order phase
  int64_t rss_idle_kb = -1;  // VmRSS before the order phase
  int64_t rss_max_kb = -1;   // largest VmRSS sampled during it
  int64_t hwm_kb = -1;       // VmHWM (peak since the server started) at the end
};

struct BenchReport {
  // The workload.
  std::string directory_url;
  int accounts = 0;
  int concurrency = 0;
  int connections = 0;
  int64_t orders_limit = 0;      // 0 = none
  double duration_limit_s = 0;   // 0 = none
  std::string cert_keys;         // "pooled" or "fresh"
  int names_per_order = 1;
  std::string profile;           // --profile ("" = none)
  std::string challenge = "http-01";  // or "dns-01"
  bool caa = false;              // a CAA record permitting the CA was published
  bool account_per_order = false;
  bool keep_alive = true;        // false: a connection per request
  int64_t poll_initial_ms = 0;
  std::string started_at;        // UTC, RFC 3339

  // Outcome of the order phase (account registration excluded).
  double setup_seconds = 0;
  double wall_seconds = 0;
  int64_t orders_started = 0;
  int64_t orders_completed = 0;  // certificate downloaded
  int64_t orders_failed = 0;

  std::array<LatencyHistogram, kRequestTypeCount> latency;
  LatencyHistogram order_latency;
  // Challenge POST sent to the poll that saw the authorization valid (so
  // at most one polling interval more than the server's validation).
  LatencyHistogram validation;
  LatencyHistogram connect;
  LatencyHistogram pool_wait;
  // Every problem document and transport failure seen, by ACME short type
  // ("badNonce", "serverInternal") or "connection"/"timeout"/"tls"/"protocol".
  std::map<std::string, int64_t> errors;
  // The error that ended each failed order, same keys.
  std::map<std::string, int64_t> failed_orders;
  std::vector<std::string> failure_samples;  // the first few, in full
  int64_t nonce_retries = 0;                 // requests resent after badNonce
  double longest_silence_ms = 0;             // longest gap with no answer to a signed request
  bool stalled = false;                      // the run was cut short: the server stopped answering
  int64_t challenges_served = 0;             // HTTP-01 answers given

  std::optional<ServerStats> server;
  double client_cpu_seconds = 0;
  int64_t client_hwm_kb = -1;
  int connections_opened = 0;
  int tls_resumed = 0;

  double OrdersPerSecond() const;
  int64_t RequestCount() const;
  int64_t SignedRequestCount() const;
};

boost::json::object ReportToJson(const BenchReport& report);
std::string FormatReport(const BenchReport& report);

}  // namespace signet::bench
