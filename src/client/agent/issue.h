// Getting a certificate into a lineage: what certonly does for a new or
// due lineage and renew does for each due one. An IssuePlan is everything
// certbot records in renewal/NAME.conf, so a renewal replays the original
// request.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "client/acme/acme_client.h"
#include "client/agent/agent_options.h"
#include "client/agent/output.h"
#include "client/nginx/installer.h"
#include "client/solvers/solver.h"
#include "client/store/lineage.h"
#include "client/store/renewal_conf.h"

namespace signet::client {

struct IssuePlan {
  std::vector<std::string> names;
  std::string server;
  std::string account;  // account ID ("" = the stored one, registering if needed)
  std::string authenticator = "standalone";
  int http01_port = 80;
  bool http01_port_set = false;
  std::string http01_address;
  std::vector<std::string> webroot_paths;
  std::vector<std::pair<std::string, std::string>> webroot_map;  // domain -> path
  std::string manual_auth_hook;
  std::string manual_cleanup_hook;
  std::string challenge_type = "http-01";  // challenge_types.front()
  // What the authenticator answers, most preferred first (ChallengesFor);
  // per authorization the first one the CA offers is answered.
  std::vector<std::string> challenge_types{"http-01"};
  std::vector<std::string> preferred_challenges;  // --preferred-challenges, canonical
  int tls_alpn01_port = 443;  // standalone TLS-ALPN-01 (--tls-alpn-01-port)
  bool tls_alpn01_port_set = false;
  std::string dns_rfc2136_credentials;          // --dns-rfc2136
  int dns_rfc2136_propagation_seconds = -1;     // -1: 60
  std::string key_type = "ecdsa";
  int rsa_key_size = 2048;
  std::string elliptic_curve = "secp256r1";
  bool reuse_key = false;
  bool new_key = false;      // --new-key: a new key this time even with reuse_key
  bool must_staple = false;  // --must-staple (saved as must_staple = True)
  int issuance_timeout = 90;  // --issuance-timeout
  bool debug_challenges = false;  // --debug-challenges (not saved)
  bool allow_subset_of_names = false;  // --allow-subset-of-names (saved as certbot does)
  bool no_autorenew = false;           // --no-autorenew (saved as autorenew = False)
  bool interactive = false;       // may wait for Enter (--debug-challenges)
  std::string preferred_profile, required_profile;  // certbot 4.0
  std::string preferred_chain;  // certbot's preferred_chain ("" = the default chain)
  std::string pre_hook, post_hook, deploy_hook;
  // renew: CONFIG/renewal-hooks/deploy's hooks, run before deploy_hook
  // (which is skipped when it is one of them); hook_dirs.h.
  std::vector<std::string> deploy_dir_hooks;
  RenewalParams base_params;  // an existing conf's params, kept across renewals
  // certbot's nginx plugin: the installer ("" | nginx) and its settings,
  // used by the nginx authenticator and by renew's re-deploy.
  std::string installer;
  nginx::NginxSettings nginx;
};

// The nginx plugin's settings from the command line, with a renewal conf's
// recorded values (nginx_server_root, nginx_ctl, nginx_sleep_seconds,
// https_port, http01_port) for what the command line leaves at the default.
nginx::NginxSettings NginxSettingsFrom(const AgentOptions& options, const RenewalConf* conf);

// From the command line (certonly).
Result<IssuePlan> PlanFromOptions(const AgentOptions& options);
// From a lineage's renewal conf, with command-line overrides (renew).
Result<IssuePlan> PlanFromConf(const RenewalConf& conf, const std::vector<std::string>& names,
                               const AgentOptions& options);

// `out` (optional) receives the solver's progress lines and warnings.
std::unique_ptr<Solver> MakeSolver(const IssuePlan& plan, const Output* out = nullptr);

// The newOrder profile for `plan` given what the CA offers (ChooseProfile);
// prints why a preferred profile was not used.
Result<std::string> OrderProfile(AcmeClient& acme, const IssuePlan& plan, const Output& out);

// Obtains a certificate per `plan` and writes it as a new lineage `name`
// (when `lineage` is null) or as the next version of `lineage`. Runs the
// deploy hook. With options.dry_run, obtains but writes nothing.
Status IssueIntoLineage(const IssuePlan& plan, const AgentOptions& options, const Output& out,
                        const std::string& name, Lineage* lineage);

// --allow-subset-of-names: `names` without those an order's failure names
// in its subproblems (RFC 8555 6.7.1), in order.
std::vector<std::string> WithoutFailedNames(const std::vector<std::string>& names,
                                            const Error& error);

// Runs a hook command if set, reporting failures as warnings (certbot).
void RunUserHook(const std::string& what, const std::string& command, const Output& out,
                 const std::vector<std::pair<std::string, std::string>>& env = {});

}  // namespace signet::client
