// certbot's configuration files under the command line (configargparse):
// CONFIG_DIR/cli.ini, the user's ~/.config/letsencrypt/cli.ini, then each
// -c FILE, turned into command-line words placed before the typed ones.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "base/result.h"
#include "client/agent/agent_options.h"

namespace signet::app {

// The option an argument names ("--x", "--x=v", "-dV" -> -d), if any.
CLI::Option* OptionOfArg(CLI::App& app, const std::string& arg);

// The words the configuration files stand for (cli_ini.h), for `app`'s
// options: a setting whose option is typed on the command line is dropped,
// a later file replaces an earlier file's setting, renew ignores domains.
// Errors (an unreadable -c FILE, an unknown key) are one line.
Result<std::vector<std::string>> ConfigFileArgs(CLI::App& app, const std::vector<std::string>& args,
                                                const client::AgentOptions& o);

// Removes the notes (which start with their option's name) of options set
// only by the configuration files: `all` is the files' words then `args`.
void DropConfigFileNotes(CLI::App& app, const std::vector<std::string>& args,
                         const std::vector<std::string>& all, client::AgentOptions& o);

}  // namespace signet::app
