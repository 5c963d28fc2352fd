// signet-bench: an ACME (RFC 8555) load generator. Wiring only: parse the
// command line into a BenchConfig, run it (src/bench), print the table,
// write the JSON.
#include <csignal>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/json/serialize.hpp>

#include "bench/load_driver.h"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  signet::bench::BenchConfig c;
  std::string json_path, cert_keys = "pooled";
  int64_t request_timeout_ms = c.request_timeout.count(), order_timeout_ms = c.order_timeout.count();
  int64_t poll_ms = c.poll_initial.count(), poll_max_ms = c.poll_max.count();
  int64_t stall_ms = c.stall_timeout.count();
  CLI::App app{"signet-bench: drive an ACME server with many concurrent orders and measure it"};
  app.add_option("directory", c.directory_url, "ACME directory URL")->required();
  app.add_option("--ca-file", c.ca_file, "PEM file to trust for the server's HTTPS");
  app.add_option("-A,--accounts", c.accounts, "accounts (orders round-robin over them)");
  app.add_option("-C,--concurrency", c.concurrency, "orders in flight at once");
  app.add_option("-N,--orders", c.orders, "orders to run (0: until --duration)");
  app.add_option("-D,--duration", c.duration_s, "seconds to start orders for (0: until --orders)");
  app.add_option("--rate", c.rate, "orders started per second at most (0: closed loop)");
  app.add_option("--connections", c.connections, "keep-alive connections (0: min(C, 64))");
  app.add_option("--names", c.names_per_order, "DNS names (authorizations) per order");
  bool per_request = false;
  app.add_flag("--connection-per-request", per_request,
               "a new connection (Connection: close) per request, as uacme and curl scripts");
  app.add_option("--http01-address", c.http01_address, "address of the built-in HTTP-01 responder");
  app.add_option("--http01-port", c.http01_port, "port the CA validates HTTP-01 against");
  app.add_option("--cert-keys", cert_keys, "CSR keys: pooled or fresh (P-256)")
      ->check(CLI::IsMember({"pooled", "fresh"}));
  app.add_option("--key-pool", c.key_pool_size, "keys in the pool (pooled)");
  app.add_option("--poll-ms", poll_ms, "first polling interval, ms (then x1.5)");
  app.add_option("--poll-max-ms", poll_max_ms, "longest polling interval and Retry-After, ms");
  app.add_option("--request-timeout-ms", request_timeout_ms, "per request");
  app.add_option("--order-timeout-ms", order_timeout_ms, "per order");
  app.add_option("--stall-ms", stall_ms, "abort after this long without any answer (0: never)");
  app.add_option("--server-pid", c.server_pid, "measure this process's CPU and RSS");
  app.add_option("--progress", c.progress_interval_s, "progress line on stderr every S seconds");
  app.add_option("--cert-dir", c.cert_dir, "keep each certificate received as DIR/order-N.pem")
      ->check(CLI::ExistingDirectory);
  app.add_option("--json", json_path, "write the report as JSON to FILE");
  CLI11_PARSE(app, argc, argv);
  c.fresh_cert_keys = cert_keys == "fresh";
  c.keep_alive = !per_request;
  c.request_timeout = std::chrono::milliseconds(request_timeout_ms);
  c.order_timeout = std::chrono::milliseconds(order_timeout_ms);
  c.poll_initial = std::chrono::milliseconds(poll_ms);
  c.poll_max = std::chrono::milliseconds(poll_max_ms);
  c.stall_timeout = std::chrono::milliseconds(stall_ms);

  auto report = signet::bench::RunBench(c);
  if (!report.ok()) {
    std::cerr << "signet-bench: " << report.error().ToString() << std::endl;
    return 1;
  }
  std::cout << signet::bench::FormatReport(*report) << std::flush;
  if (!json_path.empty()) {
    std::ofstream out(json_path);
    out << boost::json::serialize(signet::bench::ReportToJson(*report)) << "\n";
    if (!out) {
      std::cerr << "signet-bench: cannot write " << json_path << std::endl;
      return 1;
    }
  }
  return 0;
}
