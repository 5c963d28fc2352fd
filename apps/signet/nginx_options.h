// certbot's nginx plugin options and installer verbs (install, enhance,
// rollback), kept apart from options.cc; run is the default verb
// (options.cc) and -i/--installer, --http-01-port are registered there.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "client/agent/agent_options.h"

namespace signet::app {

// The installer verbs' one-line help, by verb.
const std::map<std::string, std::string>& NginxVerbHelp();

// Registers --nginx, --nginx-server-root, --nginx-ctl, --nginx-sleep-seconds,
// --https-port, --redirect/--no-redirect, --hsts and rollback's
// --checkpoints (on every verb, as certbot's parser accepts them).
void AddNginxOptions(CLI::App& app, client::AgentOptions& o, const std::string& verb);

}  // namespace signet::app
