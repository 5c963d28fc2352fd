// Pieces of signetd's wiring shared by its roles (serve, remote-va).
#pragma once

#include <memory>

#include "base/result.h"
#include "ca/va/va.h"
#include "config.h"
#include "dns/unbound_resolver.h"
#include "http/server.h"

namespace signet::app {

// The validation resolver: libunbound forwarding to config.dns_resolver
// only, DNSSEC-validating under the anchors dns::ChooseTrustAnchorFiles picks
// (the root's by default; none in testing unless given; none --no-dnssec).
Result<std::unique_ptr<dns::UnboundResolver>> MakeResolver(const CaConfig& config);

// The local VA's settings from the configuration.
va::LocalVaConfig LocalVaConfigFrom(const CaConfig& config);

// A listener's settings: HOST:PORT, threads and connection limits. Also
// raises the process's descriptor limit to its hard limit (once), so the
// connection cap, not EMFILE, is what refuses a flood.
http::ServerConfig ListenerConfig(const CaConfig& config, const std::string& host, uint16_t port);

// Blocks until SIGINT or SIGTERM (blocked in every thread by main) arrives;
// returns the signal.
int WaitForTerminationSignal();

}  // namespace signet::app
