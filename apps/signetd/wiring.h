// Pieces of signetd's wiring shared by its roles (serve, remote-va).
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "base/result.h"
#include "ca/ratelimit/limits.h"
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
// returns the signal. Each SIGHUP meanwhile calls `on_hangup` (if set).
int WaitForTerminationSignal(const std::function<void()>& on_hangup = {});

// The rate limits signetd enforces: the --rate-limits file's, else Let's
// Encrypt's numbers; nullopt (none) under the test contract
// (--allow-loopback-validation) without a file. A bad file is an error
// naming it (signetd refuses to start; a reload keeps the old limits).
Result<std::optional<ca::ratelimit::Limits>> RateLimitsFrom(const CaConfig& config);

}  // namespace signet::app
