#include "bench/command_line.h"

#include <CLI/CLI.hpp>
#include <ostream>

#include "bench/profiles.h"

namespace signet::bench {
namespace {

using std::chrono::milliseconds;

// The flags that are not plain BenchConfig members, as CLI11 sees them;
// initialized from a config and written back into it after parsing.
struct Shadow {
  std::string cert_keys, challenge, caa;
  int64_t request_timeout_ms, order_timeout_ms, poll_ms, poll_max_ms, retry_after_max_ms, stall_ms;
  bool per_request, account_per_order;

  explicit Shadow(const BenchConfig& c)
      : cert_keys(c.fresh_cert_keys ? "fresh" : "pooled"),
        challenge(c.challenge == ChallengeKind::kDns01 ? "dns-01" : "http-01"),
        caa(c.caa ? "present" : "absent"),
        request_timeout_ms(c.request_timeout.count()),
        order_timeout_ms(c.order_timeout.count()),
        poll_ms(c.poll_initial.count()),
        poll_max_ms(c.poll_max.count()),
        retry_after_max_ms(c.retry_after_max.count()),
        stall_ms(c.stall_timeout.count()),
        per_request(!c.keep_alive),
        account_per_order(c.account_per_order) {}

  void WriteTo(BenchConfig& c) const {
    c.fresh_cert_keys = cert_keys == "fresh";
    c.challenge = challenge == "dns-01" ? ChallengeKind::kDns01 : ChallengeKind::kHttp01;
    c.caa = caa == "present";
    c.keep_alive = !per_request;
    c.account_per_order = account_per_order;
    c.request_timeout = milliseconds(request_timeout_ms);
    c.order_timeout = milliseconds(order_timeout_ms);
    c.poll_initial = milliseconds(poll_ms);
    c.poll_max = milliseconds(poll_max_ms);
    c.retry_after_max = milliseconds(retry_after_max_ms);
    c.stall_timeout = milliseconds(stall_ms);
  }
};

std::string ProfileHelp() {
  std::string out = "a bundle of the settings below that reproduces a client:";
  for (const ProfileInfo& p : Profiles())
    out += "\n  " + std::string(p.name) + ": " + std::string(p.summary);
  return out;
}

void AddOptions(CLI::App& app, CommandLine& cl, Shadow& s, std::string& profile) {
  BenchConfig& c = cl.config;
  std::vector<std::string> names;
  for (const ProfileInfo& p : Profiles()) names.emplace_back(p.name);
  app.add_option("directory", c.directory_url, "ACME directory URL")->required();
  app.add_option("--profile", profile, ProfileHelp())->check(CLI::IsMember(names));
  app.add_option("--ca-file", c.ca_file, "PEM file to trust for the server's HTTPS");
  app.add_option("-A,--accounts", c.accounts, "accounts (orders round-robin over them)");
  app.add_flag("--account-per-order", s.account_per_order,
               "a new account (key and newAccount) for every order");
  app.add_option("-C,--concurrency", c.concurrency, "orders in flight at once");
  app.add_option("-N,--orders", c.orders, "orders to run (0: until --duration)");
  app.add_option("-D,--duration", c.duration_s, "seconds to start orders for (0: until --orders)");
  app.add_option("--rate", c.rate, "orders started per second at most (0: closed loop)");
  app.add_option("--connections", c.connections, "keep-alive connections (0: min(C, 64))");
  app.add_option("--names", c.names_per_order, "DNS names (authorizations) per order");
  app.add_flag("--connection-per-request", s.per_request,
               "a new connection (Connection: close) per request, as uacme and curl scripts");
  app.add_option("--challenge", s.challenge, "http-01 (built-in responder) or dns-01 (mock DNS)")
      ->check(CLI::IsMember({"http-01", "dns-01"}));
  app.add_option("--caa", s.caa, "a CAA record permitting the CA at --caa-domain: present or absent")
      ->check(CLI::IsMember({"present", "absent"}));
  app.add_option("--caa-domain", c.caa_domain, "where the CAA record goes (names are under it)");
  app.add_option("--caa-issuer", c.caa_issuer, "the CAA issue value (the CA's --caa-identity)");
  app.add_option("--dns-management", c.dns_management_url,
                 "pebble-challtestsrv's management URL (DNS-01 TXT and CAA records)");
  app.add_option("--http01-address", c.http01_address, "address of the built-in HTTP-01 responder");
  app.add_option("--http01-port", c.http01_port, "port the CA validates HTTP-01 against");
  app.add_option("--cert-keys", s.cert_keys, "CSR keys: pooled or fresh (P-256)")
      ->check(CLI::IsMember({"pooled", "fresh"}));
  app.add_option("--key-pool", c.key_pool_size, "keys in the pool (pooled)");
  app.add_option("--poll-ms", s.poll_ms, "first polling interval, ms (then x1.5)");
  app.add_option("--poll-max-ms", s.poll_max_ms, "longest polling interval, ms");
  app.add_option("--retry-after-max-ms", s.retry_after_max_ms,
                 "longest Retry-After honoured, ms (0: --poll-max-ms)");
  app.add_option("--request-timeout-ms", s.request_timeout_ms, "per request");
  app.add_option("--order-timeout-ms", s.order_timeout_ms, "per order");
  app.add_option("--stall-ms", s.stall_ms, "abort after this long without any answer (0: never)");
  app.add_option("--server-pid", c.server_pid, "measure this process's CPU and RSS");
  app.add_option("--progress", c.progress_interval_s, "progress line on stderr every S seconds");
  app.add_option("--cert-dir", c.cert_dir, "keep each certificate received as DIR/order-N.pem")
      ->check(CLI::ExistingDirectory);
  app.add_option("--json", cl.json_path, "write the report as JSON to FILE");
}

// One pass over argv with every option bound into `cl`, starting from it.
std::optional<int> Parse(int argc, const char* const* argv, CommandLine& cl, std::string& profile,
                         std::ostream& out, std::ostream& err) {
  CLI::App app{"signet-bench: drive an ACME server with many concurrent orders and measure it"};
  Shadow shadow(cl.config);
  AddOptions(app, cl, shadow, profile);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e, out, err);
  }
  shadow.WriteTo(cl.config);
  return std::nullopt;
}

}  // namespace

std::optional<int> ParseCommandLine(int argc, const char* const* argv, CommandLine& out,
                                    std::ostream& out_stream, std::ostream& err_stream) {
  // Pass 1 finds the profile (and every usage error); pass 2 starts from
  // the profile's bundle, so only the flags actually given override it.
  CommandLine first;
  std::string profile;
  if (auto exit = Parse(argc, argv, first, profile, out_stream, err_stream)) return exit;
  out = CommandLine{};
  if (!profile.empty()) {
    if (Status s = ApplyProfile(profile, out.config); !s.ok()) {
      err_stream << s.error().detail << "\n";
      return 2;
    }
  }
  std::string again;
  return Parse(argc, argv, out, again, out_stream, err_stream);
}

}  // namespace signet::bench
