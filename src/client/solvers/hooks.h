// Running operator-supplied shell commands ("hooks"), as certbot does for
// --manual-auth-hook/--manual-cleanup-hook and --pre-hook/--post-hook/
// --deploy-hook: `/bin/sh -c COMMAND` with the agent's environment plus a few
// variables (CERTBOT_DOMAIN, RENEWED_LINEAGE, ...), stdout and stderr captured.
//
// Thread-safety: the functions may be called from several threads at once;
// each reads the process environment (`environ`), so nobody may call setenv()
// concurrently. The child inherits stdin, gets default SIGPIPE/SIGXFSZ
// dispositions and an empty signal mask (like Python's subprocess).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace signet::client {

using HookEnv = std::vector<std::pair<std::string, std::string>>;

// What a finished command left behind.
struct CommandOutput {
  int exit_code = 0;    // the exit status, or 128 + N when killed by signal N
  int term_signal = 0;  // N when killed by a signal, else 0
  std::string stdout_text;
  std::string stderr_text;
};

// Runs `/bin/sh -c command` to completion. The environment is the current
// one without the variables named in `unset`, then with `extra_env` applied
// (an entry replaces an inherited variable of the same name). Both output
// pipes are drained together (poll), so a command writing megabytes to each
// cannot deadlock; it returns once both pipes close, so a background process
// the command leaves holding them delays it (as with certbot's subprocess).
// Fails only if the command cannot be started; a non-zero exit is reported
// in the result, not as an error.
Result<CommandOutput> RunShellCommand(const std::string& command, const HookEnv& extra_env,
                                      const std::vector<std::string>& unset = {});

// RunShellCommand, with a non-zero exit (or death by signal) turned into an
// error whose one-line detail names the command, the exit code and the last
// non-empty line of its stderr. The outputs are stored even on failure.
Status RunHook(const std::string& command, const HookEnv& extra_env,
               std::string* stdout_out = nullptr, std::string* stderr_out = nullptr);

// The one-line error detail RunHook uses: "'CMD' exited with code N: LINE".
std::string DescribeFailure(const std::string& command, const CommandOutput& output);

}  // namespace signet::client
