// One benchmark order, start to finish (RFC 8555 7.4-7.4.2, 8.3, 8.4):
// newOrder for fresh names, each authorization fetched and its HTTP-01
// challenge answered by the built-in responder (or its DNS-01 challenge by
// a TXT record in the mock DNS, cleared afterwards), authorizations polled to valid,
// finalize with a CSR (pooled or fresh P-256 key), the order polled to
// valid, the certificate downloaded (and kept in config.cert_dir if set).
//
// Polling waits poll_initial, then 1.5x longer each time up to poll_max;
// a Retry-After hint is honoured up to retry_after_max (0: poll_max).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "bench/acme_messages.h"
#include "bench/acme_session.h"
#include "bench/bench_config.h"
#include "bench/challenge_responder.h"
#include "bench/csr_der.h"
#include "bench/mock_dns_client.h"

namespace signet::bench {

// What every order shares. All on one io_context thread.
struct OrderEnv {
  AcmeSession& acme;
  ChallengeResponder& responder;
  MockDnsClient& dns;  // used only for DNS-01
  const BenchConfig& config;
  std::string tag;  // random per run, in every name
  const std::vector<CsrWriter>& cert_keys;  // the pool; empty when config.fresh_cert_keys
  // Challenge POST sent to the poll that saw its authorization valid.
  LatencyHistogram& validation;
};

// Runs order number `index` as `account`; gives up at `deadline` (an Error
// of kind "timeout"). Errors carry their kind (see acme_session.h).
boost::asio::awaitable<Status> RunOrder(const OrderEnv& env, const BenchAccount& account,
                                        int64_t index,
                                        std::chrono::steady_clock::time_point deadline);

}  // namespace signet::bench
