#include "remote_va_role.h"

#include <csignal>
#include <iostream>

#include <spdlog/spdlog.h>

#include "base/files.h"
#include "ca/va/remote/mpic_rules.h"
#include "ca/va/remote/remote_va_server.h"
#include "ca/va/va.h"
#include "dns/unbound_resolver.h"
#include "http/server.h"
#include "systemd_notify.h"
#include "wiring.h"

namespace signet::app {

namespace {

Result<int> Run(const CaConfig& config) {
  if (config.tls_cert.empty() || config.client_ca.empty())
    return Error(ErrorCode::kMalformed, "remote-va needs --tls-cert, --tls-key and --client-ca");
  if (config.rir.empty()) {
    return Error(ErrorCode::kMalformed,
                 "remote-va needs --rir: the regional internet registry it validates from "
                 "(ARIN, RIPE, APNIC, LACNIC or AFRINIC; BR 3.2.2.9)");
  }
  SIGNET_ASSIGN_OR_RETURN(std::string rir, va::remote::CanonicalRir(config.rir));
  SIGNET_ASSIGN_OR_RETURN(auto listen, SplitHostPort(config.listen));
  SIGNET_ASSIGN_OR_RETURN(auto resolver, MakeResolver(config));
  va::LocalValidationAuthority local(*resolver, LocalVaConfigFrom(config));
  http::ServerConfig server_config = ListenerConfig(config, listen.first, listen.second);
  SIGNET_ASSIGN_OR_RETURN(server_config.tls_chain_pem, ReadFile(config.tls_cert));
  SIGNET_ASSIGN_OR_RETURN(server_config.tls_key_pem, ReadFile(config.tls_key));
  SIGNET_ASSIGN_OR_RETURN(server_config.client_ca_pem, ReadFile(config.client_ca));
  http::Server server(server_config, va::remote::MakeRemoteVaHandler(local, rir));
  SIGNET_RETURN_IF_ERROR(server.Start());
  spdlog::info("signetd remote-va ({}) listening on https://{} (mutual TLS)", rir, config.listen);
  auto notifier = SystemdNotifier::FromEnvironment();
  notifier.Notify("READY=1");
  {
    SystemdWatchdog watchdog(notifier,
                             [&server] { return server.Responsive(std::chrono::seconds(5)); });
    WaitForTerminationSignal();
    notifier.Notify("STOPPING=1");
  }
  // Validations being answered finish (each is bounded by its own timeout).
  server.Shutdown(std::chrono::steady_clock::now() +
                  std::chrono::seconds(config.shutdown_timeout_seconds));
  return 0;
}

}  // namespace

int ServeRemoteVa(const CaConfig& config) {
  auto rc = Run(config);
  if (!rc.ok()) {
    std::cerr << "signetd: " << rc.error().detail << "\n";
    return 1;
  }
  return *rc;
}

}  // namespace signet::app
