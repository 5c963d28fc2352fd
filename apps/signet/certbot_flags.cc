#include "certbot_flags.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <sstream>

namespace signet::app {
namespace {

using client::AgentOptions;

// A flag accepted with no effect but a one-line note.
void NoteFlag(CLI::App& app, AgentOptions& o, const std::string& names, const std::string& note,
              const std::string& group) {
  app.add_flag_callback(names, [&o, note] { o.notes.push_back(note); }, note)->group(group);
}

// An option taking a value, accepted with no effect but a one-line note.
void NoteOption(CLI::App& app, AgentOptions& o, const std::string& names, const std::string& note,
                const std::string& group) {
  app.add_option_function<std::string>(names, [&o, note](const std::string&) {
       o.notes.push_back(note);
     }, note)->group(group);
}

void AddAutomation(CLI::App& app, AgentOptions& o) {
  app.add_flag("--keep-until-expiring,--keep,--reinstall", o.keep_until_expiring,
               "keep an existing certificate for the same names until it is due")
      ->group("automation");
  app.add_flag("--expand", o.expand,
               "replace an existing certificate whose names are a subset of the requested ones")
      ->group("automation");
  app.add_flag("--renew-with-new-domains", o.renew_with_new_domains,
               "renew --cert-name now with the requested names, without asking")
      ->group("automation");
  app.add_flag("--no-reuse-key", o.no_reuse_key, "new key on renewal (unsets --reuse-key)")
      ->group("automation");
  app.add_flag("--duplicate", o.duplicate,
               "a new lineage even if one exists for the same names")->group("automation");
  app.add_flag("--force-interactive", o.force_interactive,
               "ask questions even when not on a terminal")->group("automation");
  app.add_flag("--allow-subset-of-names", o.allow_subset_of_names,
               "when some names fail validation, obtain a certificate for the others")
      ->group("automation");
  app.add_flag("--eff-email", o.eff_email, "share the e-mail with EFF (signet never does)")
      ->group("register");
  app.add_flag_callback("--no-eff-email", [&o] { o.eff_email = false; },
                        "do not share the e-mail with EFF (signet never does)")->group("register");
  app.add_flag("--no-delete-after-revoke", o.no_delete_after_revoke,
               "keep the lineage after revoking")->group("revocation");
}

void AddSecurity(CLI::App& app, AgentOptions& o) {
  app.add_flag("--must-staple", o.must_staple,
               "ask for the OCSP Must-Staple (TLS Feature) extension")->group("security");
  const std::string enh =
      " is an installer enhancement signet's nginx installer does not apply: set it in the "
      "server's configuration";
  for (const char* name : {"--no-hsts", "--uir", "--no-uir", "--staple-ocsp",
                           "--no-staple-ocsp", "--auto-hsts"})
    NoteFlag(app, o, name, std::string(name) + enh, "security");
  NoteFlag(app, o, "--strict-permissions",
           "--strict-permissions: signet writes its files with certbot's modes and does not check "
           "ownership of the configuration directory", "security");
}

void AddTesting(CLI::App& app, AgentOptions& o, bool& staging) {
  app.add_flag("--test-cert,--staging", staging,
               "use the staging server (" + std::string(kStagingServer) + ")")->group("testing");
  app.add_flag("--debug-challenges", o.debug_challenges,
               "after setting up the challenges, wait for Enter before the CA checks them")
      ->group("testing");
  app.add_option("--issuance-timeout", o.issuance_timeout,
                 "seconds to wait for the CA to issue after finalizing (90)")
      ->check(CLI::NonNegativeNumber)->group("testing");
  app.add_option("--user-agent", o.user_agent, "User-Agent of signet's requests")
      ->group("testing");
  app.add_option("--user-agent-comment", o.user_agent_comment,
                 "a comment added to signet's User-Agent")->group("testing");
  NoteFlag(app, o, "--debug",
           "--debug: signet has no tracebacks; errors are one line (add -v for the protocol steps)",
           "testing");
  NoteFlag(app, o, "--no-verify-ssl",
           "--no-verify-ssl: signet always verifies the ACME server's certificate; trust a "
           "private CA with REQUESTS_CA_BUNDLE=FILE", "testing");
  NoteFlag(app, o, "--break-my-certs",
           "--break-my-certs: signet does not tell staging certificates from others; nothing to "
           "override", "testing");
  NoteOption(app, o, "--max-log-backups",
             "--max-log-backups: signet writes no log files (its output goes to the terminal or "
             "the journal)", "paths");
  NoteOption(app, o, "--verbose-level", "--verbose-level: use -v", "output");
  NoteFlag(app, o, "-t,--text", "--text: signet's output is always text", "output");
  NoteFlag(app, o, "--preconfigured-renewal",
           "--preconfigured-renewal: signet's timer is dist/systemd/signet.timer", "automation");
  for (const char* name : {"--os-packages-only", "--no-self-upgrade", "--no-bootstrap",
                           "--no-permissions-check", "--manual-public-ip-logging-ok"})
    NoteFlag(app, o, name, std::string(name) + " is deprecated and has no effect", "deprecated");
}

void AddPlugins(CLI::App& app, AgentOptions& o) {
  app.add_option("-i,--installer", o.installer, "installer plugin")->group("plugins");
  app.add_option_function<std::string>("--configurator", [&o](const std::string& name) {
       o.installer = name;
       o.authenticator = name;
     }, "plugin that is both authenticator and installer")->group("plugins");
  const std::string apache = " is an Apache option; signet does not do Apache";
  NoteFlag(app, o, "--apache", "--apache" + apache, "plugins");
  for (const char* name : {"--apache-enmod", "--apache-dismod", "--apache-le-vhost-ext",
                           "--apache-server-root", "--apache-vhost-root", "--apache-logs-root",
                           "--apache-challenge-location", "--apache-handle-modules",
                           "--apache-handle-sites", "--apache-ctl", "--apache-bin"})
    NoteOption(app, o, name, std::string(name) + apache, "apache");
  NoteFlag(app, o, "--disable-renew-updates",
           "--disable-renew-updates: signet's renew never changes a server's configuration",
           "renew");
  app.add_flag_callback("--no-directory-hooks", [&o] { o.directory_hooks = false; },
                        "do not run CONFIG/renewal-hooks/{pre,deploy,post}")->group("hooks");
  app.add_flag_callback("--disable-hook-validation", [&o] { o.validate_hooks = false; },
                        "do not check that hook commands exist")->group("hooks");
  app.add_option_function<std::string>("--renew-hook", [&o](const std::string& cmd) {
       o.deploy_hook = cmd;
     }, "old name of --deploy-hook")->group("hooks");
  app.add_flag("--no-autorenew", o.no_autorenew,
               "renew leaves this certificate alone unless forced")->group("renew");
  app.add_flag("--installers", o.plugins_installers_only, "plugins: installers only")
      ->group("plugins");
  app.add_flag_callback("--authenticators", [] {}, "plugins: authenticators (all of signet's)")
      ->group("plugins");
  for (const char* name : {"--init", "--prepare"})
    NoteFlag(app, o, name, std::string(name) + ": signet's plugins are built in and ready",
             "plugins");
}

}  // namespace

void AddCertbotOptions(CLI::App& app, AgentOptions& o, bool& staging) {
  AddAutomation(app, o);
  AddSecurity(app, o);
  AddTesting(app, o, staging);
  AddPlugins(app, o);
  app.add_option("--fullchain-path", o.fullchain_path,
                 "certonly --csr: where to write the full chain")->group("paths");
  app.add_option("--chain-path", o.chain_path, "certonly --csr: where to write the chain")
      ->group("paths");
}

Status ApplyWebrootMap(const std::string& json, AgentOptions& o) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  if (ec || !v.is_object())
    return Error(ErrorCode::kMalformed,
                 "--webroot-map must be a JSON object of names to webroots, e.g. "
                 "'{\"example.com,www.example.com\": \"/var/www/example\"}'");
  for (const auto& [key, path] : v.as_object()) {
    if (!path.is_string())
      return Error(ErrorCode::kMalformed, "--webroot-map: the webroot of " +
                                              std::string(key) + " is not a string");
    std::string root(path.as_string());
    std::stringstream names{std::string(key)};
    std::string name;
    while (std::getline(names, name, ',')) {
      name.erase(0, name.find_first_not_of(" \t"));
      name.erase(name.find_last_not_of(" \t") + 1);
      if (name.empty()) continue;
      o.webroot_map[name] = root;
      if (std::find(o.domains.begin(), o.domains.end(), name) == o.domains.end())
        o.domains.push_back(name);
    }
  }
  return OkStatus();
}

}  // namespace signet::app
