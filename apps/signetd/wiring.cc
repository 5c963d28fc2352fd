#include "wiring.h"

#include <sys/resource.h>

#include <csignal>

#include <spdlog/spdlog.h>

#include "dns/trust_anchors.h"

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

int WaitForTerminationSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
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
  server.handler_threads = config.handler_threads;
  server.max_connections = config.max_connections;
  server.max_connections_per_address = config.max_connections_per_address;
  return server;
}

}  // namespace signet::app
