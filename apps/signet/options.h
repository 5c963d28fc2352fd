// The agent's command line, spelled as certbot spells it (certbot 2.x):
// `signet [VERB] [flags]`, VERB defaulting to run (certbot's default), with
// certbot's configuration files (cli.ini) under the command line.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "client/agent/agent_options.h"

namespace signet::app {

using client::AgentOptions;

// The verbs signet knows.
const std::vector<std::string>& Verbs();

// Parses argv. Errors are one line, ready to print after "signet: ".
// `help_text` receives the help for the verb when --help is given.
// A repeated option takes its last value; --version sets `version` only.
Result<AgentOptions> ParseAgentOptions(int argc, char** argv, std::string* help_text);

// Sets options.interactive: whether to ask questions (certbot's rules).
void DecideInteractive(AgentOptions& options, bool on_terminal);

// certbot's hook validation: the command's program (its first word) must
// be an executable, by path or in $PATH. `name` is "pre", "post" or "deploy".
Status ValidateHook(const std::string& command, const std::string& name);

}  // namespace signet::app
