// signet: the ACME agent, a certbot drop-in. Wiring only: parse the command
// line, run the verb (src/client/agent), choose the installers.
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <map>

#include "client/agent/commands.h"
#include "client/agent/installer.h"
#include "options.h"

namespace {

// The installers signet has, by certbot's plugin name (-i NAME). None yet:
// the nginx installer (src/client/nginx) registers here.
signet::Result<std::unique_ptr<signet::client::Installer>> MakeInstaller(
    const std::string& name, const signet::client::AgentOptions& options) {
  (void)name;
  (void)options;
  return std::unique_ptr<signet::client::Installer>();
}

int RunVerb(const signet::client::AgentOptions& o) {
  return signet::client::Run(o, MakeInstaller);
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  std::string help;
  auto options = signet::app::ParseAgentOptions(argc, argv, &help);
  if (!options.ok()) {
    std::cerr << "signet: error: " << options.error().detail << std::endl;
    return 2;
  }
  if (options->version) {
    std::cout << "signet " << SIGNET_VERSION << std::endl;
    return 0;
  }
  if (options->help) {
    std::cout << help;
    return 0;
  }
  signet::app::DecideInteractive(*options, ::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO));
  if (!options->quiet)
    for (const auto& note : options->notes) std::cerr << "signet: note: " << note << std::endl;
  using Verb = int (*)(const signet::client::AgentOptions&);
  static const std::map<std::string, Verb> kVerbs = {
      {"run", RunVerb},
      {"certonly", signet::client::Certonly},
      {"renew", signet::client::Renew},
      {"revoke", signet::client::Revoke},
      {"delete", signet::client::Delete},
      {"certificates", signet::client::Certificates},
      {"register", signet::client::Register},
      {"update_account", signet::client::UpdateAccount},
      {"unregister", signet::client::Unregister},
      {"show_account", signet::client::ShowAccount},
      {"plugins", signet::client::Plugins},
      {"update_symlinks", signet::client::UpdateSymlinks},
  };
  return kVerbs.at(options->verb)(*options);
}
