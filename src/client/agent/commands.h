// The agent's verbs (certbot's subcommands). Each returns the process exit
// status: 0 on success, non-zero on failure (after printing one line).
#pragma once

#include "client/agent/agent_options.h"

namespace signet::client {

int Certonly(const AgentOptions& options);
int Renew(const AgentOptions& options);
int Revoke(const AgentOptions& options);
int Delete(const AgentOptions& options);
int Certificates(const AgentOptions& options);
int Register(const AgentOptions& options);
int UpdateAccount(const AgentOptions& options);
int Unregister(const AgentOptions& options);
int ShowAccount(const AgentOptions& options);
int Plugins(const AgentOptions& options);
int UpdateSymlinks(const AgentOptions& options);
// certbot's installer verbs (the nginx plugin); run is in installer.h.
int Install(const AgentOptions& options);
int Enhance(const AgentOptions& options);
int Rollback(const AgentOptions& options);

}  // namespace signet::client
