// certbot's installers (-i/--installer, --configurator, --nginx): what
// `signet run` (the default verb) hands an obtained or kept certificate to.
// An installer puts live/NAME's files into a server's configuration and
// reloads it, rolling back on failure. signet's installers are chosen in
// apps/signet (the InstallerFactory given to Run); nginx's is in
// src/client/nginx.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "client/agent/agent_options.h"
#include "client/agent/output.h"
#include "client/agent/report.h"

namespace signet::client {

class Installer {
 public:
  virtual ~Installer() = default;
  // Installs the lineage's certificate for `domains` (certbot's
  // deploy_cert, enhancements such as --redirect, then save and restart).
  // A failure leaves the server's configuration as it was.
  virtual Status Install(const std::string& lineage_name, const std::vector<std::string>& domains,
                         const Output& out) = 0;
};

// The installer named `name` for these options, or nullptr when signet has
// none by that name. Runs before anything is obtained, so a broken
// installer (no nginx binary...) fails first, as certbot's does.
using InstallerFactory = Result<std::unique_ptr<Installer>> (*)(const std::string& name,
                                                                const AgentOptions& options);

// certbot's `run`: obtain (or keep) a certificate as certonly does, then
// install it with the installer of options.installer. Without one, certbot's
// message pointing at certonly. `factory` may be null (no installers).
int Run(const AgentOptions& options, InstallerFactory factory);

// certonly's work for run: each lineage looked at goes into `outcomes`.
int ObtainCertificates(const AgentOptions& options, const Output& out,
                       std::vector<RunOutcome>& outcomes);

}  // namespace signet::client
