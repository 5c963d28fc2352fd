// What the agent was asked to do: certbot's options (certbot 2.x spelling
// and defaults), filled in by the command line (apps/signet) and read by the
// commands.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>


namespace signet::client {

struct AgentOptions {
  std::string verb = "run";  // certbot's default verb: obtain and install
  bool help = false;
  bool version = false;  // --version
  std::vector<std::string> config_files;  // -c/--config (read by the command line)
  // One-line notes for options accepted with no effect in signet (an Apache
  // option, an enhancement signet's installers lack...), printed on stderr.
  std::vector<std::string> notes;

  // What to certify.
  std::vector<std::string> domains;  // in command-line order, de-duplicated
  std::string cert_name;
  std::string csr_path;

  // The CA and the account.
  std::string server = "https://acme-v02.api.letsencrypt.org/directory";
  std::string email;
  bool agree_tos = false;
  bool register_unsafely_without_email = false;
  bool non_interactive = false;
  bool force_interactive = false;  // --force-interactive
  // Whether to ask on the terminal: (stdin and stdout are terminals, or
  // --force-interactive), and neither -n nor -q, and not renew (certbot).
  // Set by the command line; false in tests.
  bool interactive = false;
  bool eff_email = false;  // --eff-email: refused with a note (signet shares no address)
  std::string account;  // --account ID
  std::string account_key_type = "ecdsa";  // signet: ecdsa (ES256) | rsa (RS256) | ed25519 (EdDSA)
  // External account binding of a new account (RFC 8555 7.3.4).
  std::string eab_kid, eab_hmac_key, eab_hmac_alg = "HS256";
  // update_account --new-key: account key rollover (RFC 8555 7.3.5). The
  // new key's type, size and curve default to the current key's.
  bool new_account_key = false;
  std::string new_key_type;  // "" | ecdsa | rsa | ed25519
  int new_rsa_key_size = 0;  // 0: 2048, or the current RSA key's size
  std::string new_elliptic_curve;  // "" | secp256r1 | secp384r1

  // How to prove control.
  std::string authenticator;  // standalone | webroot | manual ("" = from renewal conf / standalone)
  int http01_port = 80;
  std::string http01_address;
  std::vector<std::string> webroot_paths;
  std::map<std::string, std::string> webroot_map;  // domain -> webroot (each -w applies to later -d)
  std::string manual_auth_hook;
  std::string manual_cleanup_hook;
  // Comma-separated, most preferred first: http, dns, tls-alpn-01,
  // dns-account-01, dns-persist-01 ("" = the authenticator's default).
  std::string preferred_challenges;
  int tls_alpn01_port = 443;  // signet: the standalone TLS-ALPN-01 server's port
  // --ip-address (certbot 5.3), canonical; also appended to `domains` after
  // the -d names, so everything downstream sees one list of names.
  std::vector<std::string> ip_addresses;
  // certbot-dns-rfc2136 (--dns-rfc2136): the credentials INI file, and the
  // upper bound on the wait for the authoritative servers (-1: certbot's 60).
  std::string dns_rfc2136_credentials;
  int dns_rfc2136_propagation_seconds = -1;

  // The certificate key.
  std::string key_type = "ecdsa";  // rsa | ecdsa
  int rsa_key_size = 2048;
  std::string elliptic_curve = "secp256r1";  // secp256r1 | secp384r1
  bool reuse_key = false;
  bool no_reuse_key = false;  // --no-reuse-key: unset reuse_key in the renewal conf
  bool new_cert_key = false;  // --new-key (certonly/renew): a new key even with reuse_key
  bool must_staple = false;   // --must-staple: the CSR asks for the TLS Feature status_request
  // Certificate profiles (certbot 4.0, draft-ietf-acme-profiles).
  std::string preferred_profile, required_profile;
  // --preferred-chain: the issuer CN of the topmost certificate of the chain
  // to keep (certbot's semantics; "" = the CA's default chain).
  std::string preferred_chain;

  // An existing lineage for the names (certbot's automation flags).
  bool keep_until_expiring = false;     // --keep-until-expiring/--keep/--reinstall
  bool expand = false;                  // --expand: replace a lineage with a subset of the names
  bool renew_with_new_domains = false;  // --renew-with-new-domains
  bool duplicate = false;               // --duplicate: always a new lineage
  bool allow_subset_of_names = false;   // --allow-subset-of-names
  bool debug_challenges = false;        // --debug-challenges: wait for Enter before the CA checks
  int issuance_timeout = 90;            // --issuance-timeout (seconds)
  std::string user_agent;               // --user-agent ("" = signet's)
  std::string user_agent_comment;       // --user-agent-comment
  // Installer (certbot's -i/--installer, --configurator; "" = none).
  std::string installer;
  bool plugins_installers_only = false;  // plugins --installers

  // Renewal.
  bool force_renewal = false;
  bool dry_run = false;
  bool no_random_sleep_on_renew = false;
  std::string pre_hook, post_hook, deploy_hook;
  bool directory_hooks = true;   // --no-directory-hooks: false
  bool no_autorenew = false;     // --no-autorenew: autorenew = False in the renewal conf
  bool validate_hooks = true;    // --disable-hook-validation: false

  // Revocation.
  std::string reason = "unspecified";
  std::string cert_path;
  std::string key_path;  // --key-path: revoke signed by the certificate key
  bool delete_after_revoke = false;
  bool no_delete_after_revoke = false;  // --no-delete-after-revoke

  // Files.
  std::string config_dir = "/etc/letsencrypt";
  std::string work_dir = "/var/lib/letsencrypt";
  std::string logs_dir = "/var/log/letsencrypt";
  // certonly --csr: where the certificate, chain and full chain go
  // (certbot's --cert-path, --chain-path, --fullchain-path; "" = ./NNNN_*.pem).
  std::string chain_path, fullchain_path;

  // Installing (certbot's nginx plugin, client/nginx): --nginx sets both
  // the authenticator and the installer; -i/--installer only the latter.
  std::string nginx_server_root = "/etc/nginx";
  std::string nginx_ctl = "nginx";
  int nginx_sleep_seconds = 1;
  int https_port = 443;
  bool redirect = false;      // --redirect (--no-redirect clears it)
  bool hsts = false;          // --hsts
  int rollback_checkpoints = 1;  // rollback --checkpoints

  // Output.
  bool quiet = false;
  int verbose = 0;
  bool json = false;  // --json: one JSON document on stdout, messages on stderr
};

}  // namespace signet::client
