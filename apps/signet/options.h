// The agent's command line, spelled as certbot spells it (certbot 2.x):
// `signet [VERB] [flags]`, VERB defaulting to certonly.
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
Result<AgentOptions> ParseAgentOptions(int argc, char** argv, std::string* help_text);

}  // namespace signet::app
