// The workload of one signet-bench run, as the command line sets it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace signet::bench {

// The challenge each authorization is answered with (RFC 8555 8.3, 8.4).
enum class ChallengeKind { kHttp01, kDns01 };

struct BenchConfig {
  std::string directory_url;  // the ACME directory (RFC 8555 7.1.1)
  std::string ca_file;        // PEM to trust for the server's HTTPS; "" = system store

  int accounts = 10;         // A: orders are spread round-robin over them
  int concurrency = 50;      // C: orders in flight at once
  int connections = 0;       // keep-alive connections to the CA; 0 = min(C, 64)
  bool keep_alive = true;    // false: a new connection per request (uacme, curl scripts)
  int64_t orders = 1000;     // N: stop after this many orders (0 = no limit)
  double duration_s = 0;     // D: start no order after this many seconds (0 = no limit)
  double rate = 0;           // orders started per second at most (0 = closed loop)
  int names_per_order = 1;   // identifiers (and authorizations) per order

  std::string http01_address = "127.0.0.1";  // the built-in HTTP-01 responder
  uint16_t http01_port = 5002;

  // The profile that set the defaults below ("" = none); see profiles.h.
  std::string profile;
  ChallengeKind challenge = ChallengeKind::kHttp01;
  // pebble-challtestsrv's management API: DNS-01 TXT records and the CAA
  // record are set there (POST /set-txt, /clear-txt, /add-caa, /clear-caa).
  std::string dns_management_url = "http://127.0.0.1:8055";
  // A CAA record "0 issue <caa_issuer>" at caa_domain for the whole run
  // (RFC 8659), so the CA's tree climb from each name finds it one label up.
  bool caa = false;
  std::string caa_domain = "bench.test";
  std::string caa_issuer = "signet.invalid";  // signetd's default --caa-identity
  // A new account (key and newAccount) for every order, as one client
  // process per certificate does; else orders share `accounts`.
  bool account_per_order = false;

  bool fresh_cert_keys = false;  // a new P-256 key per CSR, else one from a pool
  int key_pool_size = 32;

  std::chrono::milliseconds poll_initial{25};  // first wait before polling; x1.5 after
  std::chrono::milliseconds poll_max{1000};    // longest wait without Retry-After
  // Longest Retry-After honoured (0 = poll_max).
  std::chrono::milliseconds retry_after_max{0};
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds order_timeout{120000};
  // No response at all for this long while orders are in flight: the server
  // is stalled; start no more orders and abort the connections (0 = never).
  std::chrono::milliseconds stall_timeout{10000};

  // Each certificate downloaded is written to DIR/ORDER-INDEX.pem (the chain
  // as served), so a test can check what clients received ("" = not kept).
  std::string cert_dir;

  int server_pid = 0;             // measure this process's CPU and RSS (0 = none)
  double progress_interval_s = 0; // a progress line on stderr this often (0 = never)
};

}  // namespace signet::bench
