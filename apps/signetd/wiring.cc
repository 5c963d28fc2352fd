#include "wiring.h"

#include <sys/resource.h>

#include <csignal>

#include <spdlog/spdlog.h>

#include "dns/trust_anchors.h"
#include "ca/ratelimit/limits_file.h"

namespace signet::app {

Result<std::unique_ptr<dns::UnboundResolver>> MakeResolver(const CaConfig& config) {
  dns::UnboundOptions options;
  dns::TrustAnchorPolicy policy;
  policy.given = config.dns_trust_anchor_files;
  policy.dnssec = config.dnssec;
  policy.testing = config.allow_loopback_validation;
  SIGNET_ASSIGN_OR_RETURN(options.trust_anchor_files, dns::ChooseTrustAnchorFiles(policy));
  if (options.trust_anchor_files.empty()) {
    spdlog::warn("DNSSEC is not validated ({})",
                 config.dnssec ? "testing without --dns-trust-anchor" : "--no-dnssec");
  }
  // The operator's line when the DNS server stops answering, and when it is back.
  options.on_server_state = [server = config.dns_resolver](bool answering,
                                                           const std::string& detail) {
    if (answering)
      spdlog::info("the DNS server {} answers again; validations resume", server);
    else
      spdlog::error("the DNS server {} does not answer ({} lookups in a row failed, the last: {}); "
                    "validations fail with a dns problem until it does",
                    server, dns::kFailuresToReport, detail);
  };
  return dns::UnboundResolver::Create(config.dns_resolver, std::chrono::seconds(5), options);
}

va::LocalVaConfig LocalVaConfigFrom(const CaConfig& config) {
  va::LocalVaConfig c;
  c.http01.http_port = config.http01_port;
  c.http01.https_port = config.http01_https_port;
  c.http01.allow_loopback = config.allow_loopback_validation;
  c.tlsalpn01.port = config.tlsalpn01_port;
  c.tlsalpn01.allow_loopback = config.allow_loopback_validation;
  c.caa.ca_identities = config.caa_identities;
  c.timeout = std::chrono::milliseconds(config.validation_timeout_ms);
  return c;
}

int WaitForTerminationSignal(const std::function<void()>& on_hangup) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  for (;;) {
    int sig = 0;
    sigwait(&set, &sig);
    if (sig != SIGHUP) return sig;
    if (on_hangup) on_hangup();
  }
}

Result<std::optional<ca::ratelimit::Limits>> RateLimitsFrom(const CaConfig& config) {
  if (!config.rate_limits.empty()) {
    SIGNET_ASSIGN_OR_RETURN(auto limits, ca::ratelimit::LoadLimitsFile(config.rate_limits));
    return std::optional<ca::ratelimit::Limits>(std::move(limits));
  }
  if (config.allow_loopback_validation) return std::optional<ca::ratelimit::Limits>();
  return std::optional<ca::ratelimit::Limits>(ca::ratelimit::Limits::LetsEncryptDefaults());
}

http::ServerConfig ListenerConfig(const CaConfig& config, const std::string& host, uint16_t port) {
  static const bool raised = [] {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return false;
    limit.rlim_cur = limit.rlim_max;
    return setrlimit(RLIMIT_NOFILE, &limit) == 0;
  }();
  (void)raised;
  http::ServerConfig server;
  server.address = host;
  server.port = port;
  server.threads = config.threads;
  // Unset: 16 (the ACME listener sizes its own pool for its store).
  server.handler_threads = config.handler_threads >= 0
                               ? config.handler_threads
                               : http::DefaultHandlerThreads(0, /*waits_on_network=*/true);
  server.max_connections = config.max_connections;
  server.max_connections_per_address = config.max_connections_per_address;
  return server;
}

}  // namespace signet::app
