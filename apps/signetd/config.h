// signetd's configuration: command-line flags, optionally seeded from a TOML
// file (--config). Flags given on the command line win over the file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "ca/signer/profile.h"

namespace signet::app {

struct CaConfig {
  std::string data_dir = "/var/lib/signetd";
  // The store: "" (the data directory's SQLite database), "sqlite:PATH" or a
  // postgresql:// URI (storage/open_store.h).
  std::string store;
  std::string listen = "127.0.0.1:14000";
  std::string dns_resolver = "127.0.0.1:53";
  uint16_t http01_port = 80;
  uint16_t tlsalpn01_port = 443;  // reserved for TLS-ALPN-01 (RFC 8737)
  // Where an HTTP-01 redirect to https (port 443) is dialled; tests point it
  // at a test server, as --http01-port does for port 80.
  uint16_t http01_https_port = 443;
  // One overall bound per validation (challenge, CAA, remote perspectives)
  // and per CAA re-check: every DNS query and connection gets the time left.
  int validation_timeout_ms = 20000;
  bool allow_loopback_validation = false;
  std::string tls_cert;  // PEM chain for the HTTPS listener; default: issued by our intermediate
  std::string tls_key;
  // The intermediate's key (signer_options.h): "" = DATA_DIR/intermediate.key,
  // a key file path, or a PKCS#11 URI; its PIN file and PKCS#11 module.
  std::string signer;
  std::string signer_pin_file;
  std::string pkcs11_module;
  // A ceremony-made OCSP responder (signer_options.h): its certificate, and
  // its key ("" = the certificate's path with .key for .pem; a key file or a
  // PKCS#11 URI, with the PIN and module above). "" = issue one at start.
  std::string ocsp_responder_cert;
  std::string ocsp_responder_signer;
  // Create a hierarchy in an empty data directory (implied in testing).
  bool create_hierarchy = false;
  int threads = 2;          // I/O threads of each listener
  // Threads running requests (storage, signing, validation); -1: the ACME
  // listener's http::DefaultHandlerThreads for its store, 16 elsewhere.
  int handler_threads = -1;
  size_t max_connections = 10000;             // per listener; also kept below RLIMIT_NOFILE
  size_t max_connections_per_address = 1000;  // 0: no limit (behind a load balancer)
  int validation_workers = 16;
  // Validations and background issuances waiting for a worker, at most;
  // past it challenge and finalize requests are rateLimited with Retry-After.
  size_t validation_queue_capacity = 10000;
  // A challenge POST waits this long for its validation to end, to answer
  // valid/invalid at once (ca::RaConfig::challenge_answer_wait); 0: never.
  int challenge_answer_wait_ms = 25;
  std::string log_level = "info";  // reloaded on SIGHUP (from --config)
  std::string log_format = "json";  // or "logfmt" (log_wiring.h)
  std::string log_file;             // "": standard error; reopened on SIGHUP
  // SIGTERM: in-flight requests and validations get this long to finish.
  int shutdown_timeout_seconds = 30;
  std::string terms_of_service = "https://signet.invalid/terms";
  // CAA issuer domain names that mean this CA (RFC 8659); also directory
  // meta.caaIdentities.
  std::vector<std::string> caa_identities = {"signet.invalid"};
  std::vector<std::string> blocklist;  // names refused with all names under them
  // Largest RSA modulus accepted for account and certificate keys, 2048 to
  // 8192 bits (pki/key_policy.h).
  int max_rsa_key_bits = 4096;
  // DNSSEC trust anchor files (DS/DNSKEY, zone-file format) for the
  // validation resolver (BR 4.2.2.1.1). None given: the root anchor of
  // dns-root-data, except in testing (allow_loopback_validation), where
  // nothing is validated (dns/trust_anchors.h).
  std::vector<std::string> dns_trust_anchor_files;
  // false (--no-dnssec): no DNSSEC validation at all; not BR-compliant.
  bool dnssec = true;
  // RFC 8555 7.3.4: newAccount must carry an external account binding made
  // with a key from `signetd admin eab add` (directory meta.externalAccountRequired).
  bool eab_required = false;
  // Paused clients (pause_options.h): a run of this many failed validations
  // in a row (0: never), spanning at least pause_min_span, pauses an account
  // for a name.
  int64_t pause_after_failures = 3600;
  std::string pause_min_span = "7d";
  // Rate limits (ca/ratelimit/limits_file.h): a TOML file of limits and
  // overrides, reloaded on SIGHUP. "" = Let's Encrypt's numbers, or no
  // limits at all with allow_loopback_validation (the test contract).
  std::string rate_limits;
  // Certificate Transparency (ct_options.h): the log list ("" = no CT: a
  // precertificate is never made) and the SCT policy.
  std::string ct_log_list;
  int ct_min_scts = 2;
  int ct_min_operators = 2;
  int ct_timeout_ms = 10000;
  std::string ct_ca_file;

  // Multi-perspective validation (BR 3.2.2.9). On the primary: the remote
  // perspectives' URLs, the CA file their server certificates chain to, our
  // client certificate/key for mutual TLS, and the decision deadline.
  std::vector<std::string> remote_vas;
  std::string remote_va_ca;
  std::string remote_va_cert;
  std::string remote_va_key;
  int remote_va_timeout_ms = 10000;
  // Start without BR 3.2.2.9's deployment (5 remotes in 2 RIRs), even with
  // no remotes: for a CA that is not publicly trusted. Implied in testing.
  bool allow_incomplete_mpic = false;
  // On a remote perspective (signetd remote-va): the CA file that the
  // primary's client certificate must chain to, and the regional internet
  // registry whose service region it validates from (ARIN, RIPE, APNIC,
  // LACNIC, AFRINIC), declared in each answer to the primary.
  std::string client_ca;
  std::string rir;

  // Revocation publication and renewal (issue 5; publication_wiring.h).
  // The plain-HTTP listener serving CRLs and OCSP; "" = the listen host, its port + 80.
  std::string http_listen;
  // The operator listener (/metrics, /health/*); "" = the listen host, its port + 90.
  std::string operator_listen;
  // Base of the CRL/OCSP URLs put in certificates; "" = http://HTTP_LISTEN.
  std::string public_base_url;
  // Base of the ACME URLs no request names (the caIssuers URL in
  // certificates, the account URLs CAA accounturi and dns-account-01 are
  // checked against); "" = https://LISTEN. Behind a load balancer: its URL,
  // so that every instance agrees.
  std::string acme_base_url;
  bool ocsp = false;  // run the OCSP responder (AIA OCSP URL in certificates)
  int crl_shards = 4;
  int crl_interval_minutes = 60;  // every CRL is regenerated this often
  // Certificate profiles: [profiles.NAME] tables merged over the built-in
  // classic/tlsserver/shortlived (profile_config.h).
  std::vector<ca::Profile> profiles = ca::DefaultProfiles();
  std::string default_profile = "classic";
};

// Reads the keys of a TOML file into `config` (same names as the flags, with
// underscores: data_dir, listen, dns_resolver, http01_port, ...).
Status LoadConfigFile(const std::string& path, CaConfig& config);

// Splits "host:port" or "[v6]:port".
Result<std::pair<std::string, uint16_t>> SplitHostPort(const std::string& s);

}  // namespace signet::app
