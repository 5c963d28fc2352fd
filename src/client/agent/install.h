// The installer side of the agent (certbot's install, enhance, rollback and
// the second half of run), over client/nginx.
#pragma once

#include <string>

#include "client/agent/agent_options.h"
#include "client/agent/issue.h"
#include "client/agent/output.h"

namespace signet::client {

// Installs lineage `name` (CONFIG/live/NAME/fullchain.pem and privkey.pem)
// for its names (or options.domains when given) with the installer in
// `settings`, plus --redirect/--hsts. The caller holds the config dir lock.
Status DeployLineage(const AgentOptions& options, const nginx::NginxSettings& settings,
                     const std::string& name, const Output& out);

}  // namespace signet::client
