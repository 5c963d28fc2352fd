// The rest of certbot 2.1's command line (`certbot --help all`, and its
// hidden and deprecated flags), registered on every verb as certbot's
// parser does: certbot's meaning where it applies to signet, otherwise a
// one-line note in AgentOptions::notes. The core options (account, paths,
// authenticators, keys, hooks) are in options.cc.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "base/result.h"
#include "client/agent/agent_options.h"

namespace signet::app {

// certbot's staging directory (--test-cert/--staging, --dry-run).
inline constexpr char kStagingServer[] = "https://acme-staging-v02.api.letsencrypt.org/directory";
inline constexpr char kDefaultServer[] = "https://acme-v02.api.letsencrypt.org/directory";

// Registers the automation, security, testing, paths and plugin options
// that options.cc does not. `staging` receives --test-cert/--staging.
void AddCertbotOptions(CLI::App& app, client::AgentOptions& o, bool& staging);

// Parses --webroot-map's JSON ({"a.example,b.example": "/var/www/a", ...}):
// every name goes to `o.webroot_map` (taking precedence over -w) and to
// `o.domains` (as certbot's "implies -d"). Errors are one line.
Status ApplyWebrootMap(const std::string& json, client::AgentOptions& o);

}  // namespace signet::app
