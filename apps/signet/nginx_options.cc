#include "nginx_options.h"

namespace signet::app {

const std::map<std::string, std::string>& NginxVerbHelp() {
  static const std::map<std::string, std::string> kHelp = {
      {"install", "Install an existing certificate (--cert-name) into nginx"},
      {"enhance", "Add security enhancements (--redirect, --hsts) to the nginx configuration"},
      {"rollback", "Undo the last changes to the nginx configuration (--checkpoints N)"},
  };
  return kHelp;
}

void AddNginxOptions(CLI::App& app, client::AgentOptions& o, const std::string& verb) {
  (void)verb;  // every verb accepts them, as certbot's parser does
  app.add_flag(
         "--nginx",
         [&o](int64_t) {
           o.authenticator = "nginx";
           o.installer = "nginx";
         },
         "obtain and install with nginx (authenticator and installer)")
      ->group("nginx");
  app.add_option("--nginx-server-root", o.nginx_server_root,
                 "nginx server root, holding nginx.conf (/etc/nginx)")->group("nginx");
  app.add_option("--nginx-ctl", o.nginx_ctl, "nginx binary, used for -t and reload (nginx)")
      ->group("nginx");
  app.add_option("--nginx-sleep-seconds", o.nginx_sleep_seconds,
                 "seconds to wait after reloading nginx (1)")
      ->check(CLI::NonNegativeNumber)->group("nginx");
  app.add_option("--https-port", o.https_port, "port nginx serves HTTPS on (443)")
      ->check(CLI::Range(1, 65535))->group("nginx");
  app.add_flag("--redirect{true},--no-redirect{false}", o.redirect,
               "redirect HTTP to HTTPS when installing (--no-redirect: do not)")->group("nginx");
  app.add_flag("--hsts", o.hsts, "add the Strict-Transport-Security header when installing")
      ->group("nginx");
  app.add_option("--checkpoints", o.rollback_checkpoints, "rollback: checkpoints to undo (1)")
      ->check(CLI::NonNegativeNumber)->group("nginx");
}

}  // namespace signet::app
