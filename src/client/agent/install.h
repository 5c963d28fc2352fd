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

// For run's installer seam: whether nginx can be configured at all (its
// configuration loads under --nginx-server-root and `nginx -t` passes),
// checked before anything is obtained, as certbot's installer prepares.
Status PrepareNginxInstaller(const AgentOptions& options);
// Installs lineage `name` for `domains` (all its names when empty) into
// nginx per the options (--redirect, --hsts, the nginx flags), under the
// config and work dirs' lock (run's obtaining has released it).
Status InstallIntoNginx(const AgentOptions& options, const std::string& name,
                        const std::vector<std::string>& domains, const Output& out);

}  // namespace signet::client
