// signetd: the Signet certificate authority. Wiring only; see ca_server.cc.
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "admin_command.h"
#include "ca_server.h"
#include "config.h"
#include "ct_options.h"
#include "log_wiring.h"
#include "pause_options.h"
#include "publication_options.h"
#include "remote_va_role.h"
#include "signer_options.h"
#include "systemd_notify.h"
#include "wiring.h"

namespace {

using ConfigReader = std::function<signet::Result<signet::app::CaConfig>()>;

// SIGHUP: the configuration read again (file, then flags), then applied
// all or nothing: rate limits, blocklist, profiles, log level; the log file
// reopened.
void Reload(signet::app::CaServer& server, const ConfigReader& read_config) {
  // First, whatever the configuration says: logrotate's SIGHUP.
  if (signet::Status reopened = signet::logging::ReopenLogFile(); !reopened.ok())
    spdlog::error("signetd: SIGHUP: {} (logging to the old file)", reopened.error().detail);
  auto next = read_config();
  signet::Status s = next.ok() ? signet::Status(signet::OkStatus()) : signet::Status(next.error());
  if (s.ok()) {
    auto level = signet::logging::ParseLevel(next->log_level);
    if (!level.ok()) s = level.error();
  }
  if (s.ok()) s = server.Reload(*next);
  if (!s.ok()) {
    spdlog::error("signetd: SIGHUP: rate limits not reloaded, nor blocklist, profiles and log "
                  "level; the previous settings stay: {}",
                  s.error().detail);
    return;
  }
  (void)signet::logging::SetLogLevel(next->log_level);
  spdlog::warn("signetd: SIGHUP: rate limits reloaded, blocklist ({} names), profiles and log "
               "level ({}) applied",
               next->blocklist.size(), next->log_level);
}

int Serve(const signet::app::CaConfig& config, const ConfigReader& read_config) {
  auto notifier = signet::app::SystemdNotifier::FromEnvironment();
  auto server = signet::app::CaServer::Start(config);
  if (!server.ok()) {
    std::cerr << "signetd: " << server.error().detail << "\n";
    return 1;
  }
  spdlog::info("signetd serving ACME at https://{}/directory (data in {})", config.listen,
               config.data_dir);
  notifier.Notify("READY=1\nSTATUS=serving ACME at https://" + config.listen + "/directory");
  int sig = 0;
  {
    signet::app::SystemdWatchdog watchdog(notifier, [&] { return (*server)->Responsive(); });
    sig = signet::app::WaitForTerminationSignal([&] {
      notifier.Notify("RELOADING=1");
      Reload(**server, read_config);
      notifier.Notify("READY=1");
    });
    notifier.Notify("STOPPING=1");
  }
  spdlog::info("signetd stopping (signal {}): finishing requests and validations for up to {}s",
               sig, config.shutdown_timeout_seconds);
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(config.shutdown_timeout_seconds);
  if (!(*server)->Shutdown(deadline)) {
    spdlog::warn("signetd stopped at the shutdown deadline");
    spdlog::default_logger()->flush();
    std::_Exit(0);  // what is unfinished resumes at the next start; do not wait for it
  }
  spdlog::info("signetd stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Block termination signals in every thread; main waits for them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);  // serve: reload rate limits, blocklist, log level
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{"signetd: an ACME (RFC 8555) certificate authority"};
  app.require_subcommand(1);
  // Misuse is one line on stderr (and exit code CLI11's non-zero one).
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return "signetd: " + std::string(e.what()) + " (see --help)\n";
  });
  signet::app::CaConfig config;
  std::string config_file;
  CLI::App* serve = app.add_subcommand("serve", "run the CA");
  CLI::App* remote_va = app.add_subcommand("remote-va", "run a remote validation perspective");
  for (CLI::App* sub : {serve, remote_va}) {
    sub->add_option("--config", config_file, "TOML configuration file");
    sub->add_option("--listen", config.listen, "HOST:PORT of the HTTPS listener");
    sub->add_option("--dns-resolver", config.dns_resolver, "HOST:PORT of the DNS server used for validation");
    sub->add_option("--http01-port", config.http01_port, "port HTTP-01 validation connects to (80)");
    sub->add_option("--tlsalpn01-port", config.tlsalpn01_port, "port TLS-ALPN-01 validation connects to (443)");
    sub->add_option("--http01-https-port", config.http01_https_port,
                    "port an HTTP-01 redirect to https connects to (443)");
    sub->add_option("--validation-timeout-ms", config.validation_timeout_ms,
                    "overall deadline of one validation or CAA check (20000)");
    sub->add_flag("--allow-loopback-validation", config.allow_loopback_validation,
                  "TESTING ONLY: validate against loopback/private addresses and test TLDs");
    sub->add_option("--tls-cert", config.tls_cert, "PEM certificate chain for the listener");
    sub->add_option("--tls-key", config.tls_key, "PEM private key for the listener");
    sub->add_option("--threads", config.threads, "HTTP server I/O threads");
    sub->add_option("--handler-threads", config.handler_threads,
                    "threads running requests (storage, signing, validation); default: "
                    "2 per core (4 to 16) with SQLite, 16 with PostgreSQL and in remote-va");
    sub->add_option("--max-connections", config.max_connections,
                    "open connections per listener at most");
    sub->add_option("--max-connections-per-address", config.max_connections_per_address,
                    "open connections from one client address at most (0: no limit)");
    sub->add_option("--log-level", config.log_level,
                    "trace, debug, info, warn, error, critical, off (reloaded on SIGHUP)");
    sub->add_option("--log-format", config.log_format, "json (default) or logfmt");
    sub->add_option("--log-file", config.log_file,
                    "append logs to this file, reopened on SIGHUP (default: standard error)");
    sub->add_option("--shutdown-timeout", config.shutdown_timeout_seconds,
                    "seconds SIGTERM waits for in-flight requests and validations (30)");
    sub->add_option("--caa-identity", config.caa_identities,
                    "CAA issuer domain name of this CA (repeatable)");
    sub->add_option("--dns-trust-anchor", config.dns_trust_anchor_files,
                    "DNSSEC trust anchor file for validation lookups (repeatable; default: "
                    "/usr/share/dns/root.key, none in testing)");
    sub->add_flag("--no-dnssec{false}", config.dnssec,
                  "NOT BR-COMPLIANT: no DNSSEC validation of validation lookups");
  }
  remote_va->add_option("--client-ca", config.client_ca,
                        "CA file the primary's client certificate must chain to");
  remote_va->add_option("--rir", config.rir,
                        "regional internet registry this perspective validates from "
                        "(ARIN, RIPE, APNIC, LACNIC, AFRINIC)");
  serve->add_option("--data-dir", config.data_dir, "keys, certificates and the database");
  serve->add_option("--store", config.store,
                    "sqlite:PATH or postgresql://... (default: the data directory's SQLite database)");
  serve->add_option("--remote-va", config.remote_vas,
                    "URL of a remote validation perspective (repeatable)");
  serve->add_option("--remote-va-ca", config.remote_va_ca, "CA file for the remote perspectives' certificates");
  serve->add_option("--remote-va-cert", config.remote_va_cert, "client certificate (PEM) for the remotes");
  serve->add_option("--remote-va-key", config.remote_va_key, "client key (PEM) for the remotes");
  serve->add_option("--remote-va-timeout-ms", config.remote_va_timeout_ms,
                    "deadline for the remote perspectives' answers");
  serve->add_flag("--allow-incomplete-mpic", config.allow_incomplete_mpic,
                  "NOT BR-COMPLIANT: start with fewer than 5 remote perspectives in 2 RIRs, or none");
  serve->add_option("--blocklist", config.blocklist, "refuse this name, names under it and wildcards covering it (repeatable)");
  serve->add_option("--max-rsa-key-bits", config.max_rsa_key_bits,
                    "largest RSA key accepted for accounts and certificates (2048-8192)");
  serve->add_flag("--eab-required", config.eab_required,
                  "newAccount needs an external account binding (keys: signetd admin eab add)");
  serve->add_option("--rate-limits", config.rate_limits,
                    "TOML file of rate limits and overrides, reloaded on SIGHUP (default: Let's "
                    "Encrypt's; none with --allow-loopback-validation)");
  signet::app::AddPublicationOptions(*serve, config);
  signet::app::AddPauseOptions(*serve, config);
  signet::app::AddSignerOptions(*serve, config);
  signet::app::AddCtOptions(*serve, config);
  signet::app::AdminCommand admin(app);
  signet::app::CeremonyCommand ceremony(app);
  // The config file is read first; flags given on the command line win.
  try {
    app.parse(argc, argv);
    if (!config_file.empty()) {
      signet::app::CaConfig from_file;
      if (auto s = signet::app::LoadConfigFile(config_file, from_file); !s.ok()) {
        std::cerr << "signetd: " << s.error().detail << "\n";
        return 2;
      }
      config = from_file;
      app.parse(argc, argv);  // re-apply the flags over the file's values
    }
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (admin.parsed()) return admin.Run();
  if (ceremony.parsed()) return ceremony.Run();
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    std::cerr << "signetd: --tls-cert and --tls-key go together\n";
    return 2;
  }
  if (config.validation_timeout_ms <= 0) {
    std::cerr << "signetd: --validation-timeout-ms must be positive\n";
    return 2;
  }
  if (auto pausing = signet::app::PauseConfigFrom(config); !pausing.ok()) {
    std::cerr << "signetd: " << pausing.error().detail << "\n";
    return 2;
  }
  if (config.shutdown_timeout_seconds < 0) {
    std::cerr << "signetd: --shutdown-timeout must be 0 or more seconds\n";
    return 2;
  }
  auto log_options = signet::app::LogOptionsFrom(config);
  if (log_options.ok()) {
    signet::Status configured = signet::logging::Configure(*log_options);
    if (!configured.ok()) log_options = configured.error();
  }
  if (!log_options.ok()) {
    std::cerr << "signetd: " << log_options.error().detail << "\n";
    return 2;
  }
  if (remote_va->parsed()) return signet::app::ServeRemoteVa(config);
  // SIGHUP reads the configuration as the start did: the file, then the flags.
  ConfigReader read_config = [&]() -> signet::Result<signet::app::CaConfig> {
    signet::app::CaConfig fresh;
    if (!config_file.empty())
      SIGNET_RETURN_IF_ERROR(signet::app::LoadConfigFile(config_file, fresh));
    signet::app::CaConfig started = config;
    config = fresh;
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      config = started;
      return signet::Error(signet::ErrorCode::kMalformed, e.what());
    }
    signet::app::CaConfig next = config;
    config = started;
    return next;
  };
  return Serve(config, read_config);
}
