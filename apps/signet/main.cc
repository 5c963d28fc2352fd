// signet: the ACME agent, a certbot drop-in. Wiring only: parse the command
// line, run the verb (src/client/agent), choose the installers.
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <map>
#include <memory>

#include "client/agent/commands.h"
#include "client/agent/install.h"
#include "client/agent/installer.h"
#include "options.h"

namespace {

// certbot's nginx installer for run: InstallIntoNginx (client/agent/install.h).
class NginxInstaller : public signet::client::Installer {
 public:
  explicit NginxInstaller(const signet::client::AgentOptions& options) : options_(options) {}
  signet::Status Install(const std::string& lineage_name, const std::vector<std::string>& domains,
                         const signet::client::Output& out) override {
    return signet::client::InstallIntoNginx(options_, lineage_name, domains, out);
  }

 private:
  signet::client::AgentOptions options_;
};

// The installers signet has, by certbot's plugin name (-i NAME); nullptr for
// any other name. nginx is checked before anything is obtained (certbot's
// installer prepare): run refuses when nginx cannot be configured.
signet::Result<std::unique_ptr<signet::client::Installer>> MakeInstaller(
    const std::string& name, const signet::client::AgentOptions& options) {
  if (name != "nginx") return std::unique_ptr<signet::client::Installer>();
  if (auto ready = signet::client::PrepareNginxInstaller(options); !ready.ok())
    return ready.error();
  return std::unique_ptr<signet::client::Installer>(std::make_unique<NginxInstaller>(options));
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
      {"install", signet::client::Install},
      {"enhance", signet::client::Enhance},
      {"rollback", signet::client::Rollback},
  };
  return kVerbs.at(options->verb)(*options);
}
