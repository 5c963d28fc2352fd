// signet: the ACME agent, a certbot drop-in. Wiring only: parse the command
// line, run the verb (src/client/agent).
#include <csignal>
#include <iostream>
#include <map>

#include "client/agent/commands.h"
#include "options.h"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  std::string help;
  auto options = signet::app::ParseAgentOptions(argc, argv, &help);
  if (!options.ok()) {
    std::cerr << "signet: error: " << options.error().detail << std::endl;
    return 2;
  }
  if (options->help) {
    std::cout << help;
    return 0;
  }
  using Verb = int (*)(const signet::client::AgentOptions&);
  static const std::map<std::string, Verb> kVerbs = {
      {"certonly", signet::client::Certonly},
      {"renew", signet::client::Renew},
      {"revoke", signet::client::Revoke},
      {"delete", signet::client::Delete},
      {"certificates", signet::client::Certificates},
      {"register", signet::client::Register},
      {"update_account", signet::client::UpdateAccount},
      {"unregister", signet::client::Unregister},
      {"show_account", signet::client::ShowAccount},
      {"run", signet::client::Run},
      {"install", signet::client::Install},
      {"enhance", signet::client::Enhance},
      {"rollback", signet::client::Rollback},
  };
  return kVerbs.at(options->verb)(*options);
}
