// plugins: certbot's list of the authenticators and installers at hand.
#include <iostream>

#include "client/agent/commands.h"

namespace signet::client {
namespace {

struct Plugin {
  const char* name;
  const char* description;
  bool installer;
};

// signet's plugins are built in (the nginx installer: client/nginx).
constexpr Plugin kPlugins[] = {
    {"dns-rfc2136", "Obtain certificates using a DNS TXT record (if you are using BIND\nfor DNS).",
     false},
    {"manual", "Manual configuration or run your own shell scripts", false},
    {"nginx", "Nginx Web Server plugin", true},
    {"standalone", "Spin up a temporary webserver", false},
    {"webroot", "Place files in webroot directory", false},
};

}  // namespace

int Plugins(const AgentOptions& o) {
  const char* frame =
      "- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -";
  std::cout << "\n" << frame << "\n";
  bool first = true;
  for (const Plugin& p : kPlugins) {
    if (o.plugins_installers_only && !p.installer) continue;
    if (!first) std::cout << "\n";
    first = false;
    std::cout << "* " << p.name << "\nDescription: " << p.description << "\nInterfaces: "
              << (p.installer ? "Authenticator, Installer, Plugin" : "Authenticator, Plugin")
              << "\nEntry point: " << p.name << " = built into signet\n";
  }
  std::cout << frame << std::endl;
  return 0;
}

}  // namespace signet::client
