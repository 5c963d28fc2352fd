#include "options.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include <CLI/CLI.hpp>

#include "acme/ip_identifier.h"
#include "base/files.h"
#include "certbot_flags.h"
#include "config_files.h"
#include "nginx_options.h"

namespace signet::app {
namespace {

const std::map<std::string, std::string>& VerbHelp() {
  static const std::map<std::string, std::string> kHelp = {
      {"run", "Obtain & install a certificate in your current webserver (the default)"},
      {"certonly", "Obtain or renew a certificate, but do not install it"},
      {"renew", "Renew all previously obtained certificates that are near expiry"},
      {"revoke", "Revoke a certificate (by --cert-path or --cert-name)"},
      {"delete", "Delete a certificate lineage (by --cert-name)"},
      {"certificates", "Display information about certificates you have from Signet or Certbot"},
      {"register", "Create an ACME account"},
      {"update_account", "Update an ACME account's contact e-mail (-m) or key (--new-key)"},
      {"unregister", "Deactivate an ACME account"},
      {"show_account", "Display account details"},
      {"plugins", "List plugins that are installed and available on your system"},
      {"update_symlinks", "Recreate symlinks in your live directory after moving archive/"},
  };
  static const std::map<std::string, std::string> kAll = [] {
    auto all = kHelp;
    all.insert(NginxVerbHelp().begin(), NginxVerbHelp().end());
    return all;
  }();
  return kAll;
}

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// certbot's -w/-d pairing: each -w applies to the -d values after it.
// Scans argv in order; values may be attached ("-dX", "--domains=X").
void PairWebroots(const std::vector<std::string>& args, AgentOptions& o) {
  std::string current;
  auto value_of = [&](size_t& i, const std::string& a, const std::string& s,
                      const std::string& l) -> std::optional<std::string> {
    if (a == s || a == l) return i + 1 < args.size() ? std::optional(args[++i]) : std::nullopt;
    if (a.rfind(l + "=", 0) == 0) return a.substr(l.size() + 1);
    if (a.size() > 2 && a.rfind(s, 0) == 0 && a[1] != '-') return a.substr(2);
    return std::nullopt;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (auto w = value_of(i, a, "-w", "--webroot-path")) {
      current = *w;
    } else if (auto d = value_of(i, a, "-d", "--domains")) {
      for (const auto& name : SplitCommas(*d)) {
        if (std::find(o.domains.begin(), o.domains.end(), name) == o.domains.end())
          o.domains.push_back(name);
        if (!current.empty() && !o.webroot_map.count(name)) o.webroot_map[name] = current;
      }
    } else if (auto ip = value_of(i, a, "--ip-address", "--ip-address")) {
      auto canonical = acme::CanonicalIpAddress(*ip);
      const std::string name = canonical.ok() ? *canonical : *ip;
      if (!current.empty() && !o.webroot_map.count(name)) o.webroot_map[name] = current;
    } else if (a == "--domain") {
      if (i + 1 < args.size()) ++i;
    }
  }
}

// certbot 5.3's --ip-address: IP addresses go by --ip-address only; they
// follow the -d names in the list of names, in canonical form.
Status AddIpAddresses(AgentOptions& o) {
  for (const auto& name : o.domains)
    if (acme::IsIpAddress(name))
      return Error(ErrorCode::kMalformed,
                   "-d " + name + " is an IP address; request it with --ip-address " + name);
  std::vector<std::string> ips;
  for (const auto& raw : o.ip_addresses) {
    auto ip = acme::CanonicalIpAddress(raw);
    if (!ip.ok()) return Error(ErrorCode::kMalformed, "--ip-address: " + ip.error().detail);
    if (std::find(ips.begin(), ips.end(), *ip) == ips.end()) ips.push_back(*ip);
  }
  o.ip_addresses = ips;
  o.domains.insert(o.domains.end(), ips.begin(), ips.end());
  return OkStatus();
}

// External account binding, account key rollover and profiles (issue 17).
void AddAccountOptions(CLI::App& app, AgentOptions& o, const std::string& verb) {
  app.add_option("--eab-kid", o.eab_kid, "Key Identifier for External Account Binding")
      ->group("account");
  app.add_option("--eab-hmac-key", o.eab_hmac_key, "HMAC key for External Account Binding")
      ->group("account");
  app.add_option("--eab-hmac-alg", o.eab_hmac_alg, "HMAC algorithm for External Account Binding")
      ->check(CLI::IsMember({"HS256", "HS384", "HS512"}))->group("account");
  if (verb == "update_account") {
    app.add_flag("--new-key", o.new_account_key, "roll the account key over (RFC 8555 7.3.5)")
        ->group("account");
  } else {
    app.add_flag("--new-key", o.new_cert_key,
                 "a new certificate key even when the lineage reuses its key")->group("key");
  }
  {
    app.add_option("--new-key-type", o.new_key_type, "type of the new account key")
        ->check(CLI::IsMember({"ecdsa", "rsa", "ed25519"}))->group("account");
    app.add_option("--new-rsa-key-size", o.new_rsa_key_size, "RSA modulus bits of the new key")
        ->check(CLI::IsMember({2048, 3072, 4096}))->group("account");
    app.add_option("--new-elliptic-curve", o.new_elliptic_curve, "curve of the new key")
        ->check(CLI::IsMember({"secp256r1", "secp384r1"}))->group("account");
  }
  if (verb == "certonly" || verb == "renew" || verb == "run") {
    app.add_option("--preferred-profile", o.preferred_profile,
                   "ask for this profile when the CA offers it")->group("certificate");
    app.add_option("--required-profile", o.required_profile,
                   "ask for this profile; fail if the CA does not offer it")->group("certificate");
  }
}

// ACME Renewal Information (RFC 9773) and machine-readable output.
void AddAriJsonOptions(CLI::App& app, AgentOptions& o, const std::string& verb) {
  if (verb == "certonly" || verb == "renew" || verb == "certificates" || verb == "run")
    app.add_flag("--json", o.json, "print one JSON document on stdout (messages go to stderr)")
        ->group("output");
}

void AddOptions(CLI::App& app, AgentOptions& o, const std::string& verb,
                std::vector<std::string>& ignored_domains, std::string& webroot_map) {
  app.add_option("--server", o.server, "ACME directory URL")->group("account");
  app.add_option("-m,--email", o.email, "account contact e-mail")->group("account");
  app.add_flag("--agree-tos", o.agree_tos, "agree to the CA's terms of service")->group("account");
  app.add_flag("--register-unsafely-without-email", o.register_unsafely_without_email,
               "register without a contact e-mail")->group("account");
  app.add_option("--account", o.account, "account ID to use")->group("account");
  app.add_option("--account-key-type", o.account_key_type,
                 "key of a new account: ecdsa (ES256, default), rsa (RS256) or ed25519 (EdDSA)")
      ->check(CLI::IsMember({"ecdsa", "rsa", "ed25519"}))->group("account");
  app.add_flag("-n,--non-interactive,--noninteractive", o.non_interactive,
               "never ask for input")->group("output");
  app.add_flag("-q,--quiet", o.quiet, "print only errors")->group("output");
  app.add_flag("-v,--verbose", o.verbose, "more output (repeatable)")->group("output");
  app.add_option("-c,--config", o.config_files, "configuration file (default: CONFIG_DIR/cli.ini and "
                 "~/.config/letsencrypt/cli.ini)")->group("paths");
  app.add_option("--config-dir", o.config_dir, "configuration directory")->group("paths");
  app.add_option("--work-dir", o.work_dir, "working directory")->group("paths");
  app.add_option("--logs-dir", o.logs_dir, "logs directory")->group("paths");
  app.add_option("--cert-name", o.cert_name, "lineage name")->group("certificate");
  app.add_option("-d,--domains,--domain", ignored_domains,
                 "domain names (repeatable, comma-separated)")->group("certificate");
  app.add_flag("--dry-run", o.dry_run, "test without saving certificates")->group("certificate");
  {
    app.add_option("--csr", o.csr_path, "use this CSR (DER or PEM)")->group("certificate");
    app.add_flag("--standalone", [&o](int64_t) { o.authenticator = "standalone"; },
                 "answer HTTP-01 (or TLS-ALPN-01) with a built-in server")->group("authenticator");
    app.add_flag("--webroot", [&o](int64_t) { o.authenticator = "webroot"; },
                 "place HTTP-01 files in a webroot (-w)")->group("authenticator");
    app.add_flag("--manual", [&o](int64_t) { o.authenticator = "manual"; },
                 "answer challenges through hooks")->group("authenticator");
    app.add_option("-a,--authenticator", o.authenticator, "standalone, webroot, manual or nginx")
        ->check(CLI::IsMember({"standalone", "webroot", "manual", "dns-rfc2136", "nginx"}))
        ->group("authenticator");
    app.add_option("-w,--webroot-path", o.webroot_paths, "webroot for the -d values that follow")
        ->group("authenticator");
    app.add_option("--http-01-port", o.http01_port,
                   "port of the standalone server; nginx's plain HTTP port (80)")
        ->check(CLI::Range(1, 65535))->group("authenticator");
    app.add_option("--http-01-address", o.http01_address, "address of the standalone server")
        ->group("authenticator");
    app.add_option("--manual-auth-hook", o.manual_auth_hook, "command that publishes a challenge")
        ->group("authenticator");
    app.add_option("--manual-cleanup-hook", o.manual_cleanup_hook, "command that removes it")
        ->group("authenticator");
    app.add_option("--preferred-challenges", o.preferred_challenges,
                   "challenge types in order of preference, comma-separated: http, dns, "
                   "tls-alpn-01, dns-account-01, dns-persist-01")
        ->group("authenticator");
    app.add_flag("--dns-rfc2136", [&o](int64_t) { o.authenticator = "dns-rfc2136"; },
                 "answer DNS challenges with RFC 2136 dynamic updates (TSIG)")
        ->group("authenticator");
    app.add_option("--dns-rfc2136-credentials", o.dns_rfc2136_credentials,
                   "RFC 2136 credentials INI file")->group("authenticator");
    app.add_option("--dns-rfc2136-propagation-seconds", o.dns_rfc2136_propagation_seconds,
                   "longest wait for every authoritative server to answer the TXT (60)")
        ->check(CLI::NonNegativeNumber)->group("authenticator");
    app.add_option("--tls-alpn-01-port", o.tls_alpn01_port,
                   "port of the standalone TLS-ALPN-01 server (443), on --http-01-address")
        ->check(CLI::Range(1, 65535))->group("authenticator");
    app.add_option("--ip-address", o.ip_addresses,
                   "IP address to certify (repeatable; RFC 8738; http-01 or tls-alpn-01 only)")
        ->group("certificate");
    app.add_option("--key-type", o.key_type, "rsa or ecdsa")
        ->check(CLI::IsMember({"rsa", "ecdsa"}))->group("key");
    app.add_option("--rsa-key-size", o.rsa_key_size, "RSA modulus bits")
        ->check(CLI::IsMember({2048, 3072, 4096}))->group("key");
    app.add_option("--elliptic-curve", o.elliptic_curve, "secp256r1 or secp384r1")
        ->check(CLI::IsMember({"secp256r1", "secp384r1"}))->group("key");
    app.add_flag("--reuse-key", o.reuse_key, "keep the private key when renewing")->group("key");
    app.add_option("--preferred-chain", o.preferred_chain,
                   "keep the CA's chain whose topmost issuer has this common name (else the "
                   "default)")
        ->group("certificate");
    app.add_flag("--force-renewal,--renew-by-default", o.force_renewal,
                 "renew even if not due")->group("renewal");
    app.add_flag("--no-random-sleep-on-renew", o.no_random_sleep_on_renew,
                 "no jitter before renewing")->group("renewal");
    app.add_option("--webroot-map", webroot_map, "JSON object of names to webroots (implies -d)")
        ->group("authenticator");
    app.add_option("--pre-hook", o.pre_hook, "command run before obtaining")->group("hooks");
    app.add_option("--post-hook", o.post_hook, "command run after obtaining")->group("hooks");
    app.add_option("--deploy-hook", o.deploy_hook, "command run for each new certificate")
        ->group("hooks");
  }
  {
    app.add_option("--cert-path", o.cert_path, "certificate to revoke (or where certonly --csr "
                   "writes it)")->group("paths");
    app.add_option("--key-path", o.key_path, "revoke: sign with this certificate key")
        ->group("paths");
    app.add_option("--reason", o.reason, "revocation reason")
        ->check(CLI::IsMember({"unspecified", "keycompromise", "affiliationchanged", "superseded",
                               "cessationofoperation"}, CLI::ignore_case))
        ->group("revocation");
    app.add_flag("--delete-after-revoke", o.delete_after_revoke, "delete the lineage too")
        ->group("revocation");
  }
  AddAccountOptions(app, o, verb);
  AddAriJsonOptions(app, o, verb);
  AddNginxOptions(app, o, verb);
}

// Every option takes its last value, as with certbot's argparse; the
// repeatable ones (-d, -w, --ip-address) and -v's count keep them all.
void LastValueWins(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    if (opt->get_name().empty() || opt->check_name("-v") || opt->check_name("-d") ||
        opt->check_name("-w") || opt->check_name("--ip-address"))
      continue;
    opt->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }
}

// certbot's checks after parsing (HelpfulArgumentParser.parse_args).
Status AfterParse(AgentOptions& o, bool staging, bool server_given) {
  if (o.verb == "renew" && o.force_interactive)
    return Error(ErrorCode::kMalformed, "--force-interactive cannot be used with renew");
  if (o.force_interactive && o.non_interactive)
    return Error(ErrorCode::kMalformed,
                 "Flag for non-interactive mode and --force-interactive conflict");
  bool default_server = !server_given || o.server == kDefaultServer || o.server == kStagingServer;
  if (staging && !default_server)
    return Error(ErrorCode::kMalformed, "--server value conflicts with --staging");
  if (staging || (o.dry_run && default_server && o.verb != "renew")) o.server = kStagingServer;
  if (o.dry_run && o.verb != "certonly" && o.verb != "renew")
    return Error(ErrorCode::kMalformed,
                 "--dry-run currently only works with the 'certonly' or 'renew' subcommands ('" +
                     o.verb + "')");
  if (o.allow_subset_of_names) {
    if (!o.csr_path.empty())
      return Error(ErrorCode::kMalformed, "--allow-subset-of-names cannot be used with --csr");
    for (const auto& d : o.domains)
      if (d.rfind("*.", 0) == 0)
        return Error(ErrorCode::kMalformed,
                     "Using --allow-subset-of-names with a wildcard domain is not supported.");
  }
  if (o.eff_email)
    o.notes.push_back("--eff-email: signet does not share e-mail addresses with EFF");
  if (o.validate_hooks)
    for (auto [name, cmd] : {std::pair{"pre", &o.pre_hook}, std::pair{"post", &o.post_hook},
                             std::pair{"deploy", &o.deploy_hook}})
      SIGNET_RETURN_IF_ERROR(ValidateHook(*cmd, name));
  return OkStatus();
}

}  // namespace

Status ValidateHook(const std::string& command, const std::string& name) {
  std::string program = command.substr(0, command.find_first_of(" \t"));
  if (program.empty()) return OkStatus();
  auto executable = [](const std::string& p) {
    return ::access(p.c_str(), X_OK) == 0 && !std::filesystem::is_directory(p);
  };
  if (program.find('/') != std::string::npos) {
    if (executable(program)) return OkStatus();
  } else {
    // certbot's path_surgery: the usual sbin/bin directories count too.
    const char* path = std::getenv("PATH");
    std::stringstream dirs(std::string(path ? path : "") +
                           ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':'))
      if (!dir.empty() && executable(dir + "/" + program)) return OkStatus();
  }
  if (std::filesystem::exists(program))
    return Error(ErrorCode::kMalformed,
                 name + "-hook command " + program + " exists, but is not executable.");
  const char* path = std::getenv("PATH");
  return Error(ErrorCode::kMalformed, "Unable to find " + name + "-hook command " + program +
                                          " in the PATH (PATH is " + (path ? path : "") +
                                          "); pass --disable-hook-validation to skip this check");
}

const std::vector<std::string>& Verbs() {
  static const std::vector<std::string> kVerbs = {"run", "certonly", "renew", "revoke", "delete",
                                                  "certificates", "register", "update_account",
                                                  "unregister", "show_account", "plugins",
                                                  "update_symlinks", "install", "enhance",
                                                  "rollback"};
  return kVerbs;
}

void DecideInteractive(AgentOptions& o, bool on_terminal) {
  o.interactive = (on_terminal || o.force_interactive) && !o.non_interactive && !o.quiet &&
                  o.verb != "renew";
}

Result<AgentOptions> ParseAgentOptions(int argc, char** argv, std::string* help_text) {
  AgentOptions o;
  std::vector<std::string> args;
  bool verb_seen = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    const auto& verbs = Verbs();
    if (!verb_seen && std::find(verbs.begin(), verbs.end(), a) != verbs.end()) {
      o.verb = a;
      verb_seen = true;
      continue;
    }
    if (a == "-h" || a == "--help") {
      o.help = true;
      continue;
    }
    if (a == "--version") {
      o.version = true;
      return o;
    }
    args.push_back(std::move(a));
  }
  CLI::App app{"signet " + o.verb + ": " + VerbHelp().at(o.verb), "signet " + o.verb};
  std::vector<std::string> domains;
  std::string webroot_map;
  bool staging = false;
  AddOptions(app, o, o.verb, domains, webroot_map);
  AddCertbotOptions(app, o, staging);
  LastValueWins(app);
  if (o.help) {
    if (help_text) *help_text = app.help();
    return o;
  }
  SIGNET_ASSIGN_OR_RETURN(std::vector<std::string> all, ConfigFileArgs(app, args, o));
  all.insert(all.end(), args.begin(), args.end());
  std::vector<std::string> reversed(all.rbegin(), all.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    if (what.empty()) what = e.get_name();
    return Error(ErrorCode::kMalformed, what);
  }
  DropConfigFileNotes(app, args, all, o);
  PairWebroots(all, o);
  if (!webroot_map.empty()) SIGNET_RETURN_IF_ERROR(ApplyWebrootMap(webroot_map, o));
  if (auto s = AddIpAddresses(o); !s.ok()) return std::move(s).error();
  if ((!o.webroot_paths.empty() || !o.webroot_map.empty()) && o.authenticator.empty())
    o.authenticator = "webroot";
  // run -i nginx: nginx answers the challenges too (certbot's run pairs an
  // installer that also authenticates with itself when no authenticator is named).
  if (o.verb == "run" && o.installer == "nginx" && o.authenticator.empty())
    o.authenticator = "nginx";
  if (o.no_reuse_key) o.reuse_key = false;
  std::transform(o.reason.begin(), o.reason.end(), o.reason.begin(), ::tolower);
  SIGNET_RETURN_IF_ERROR(AfterParse(o, staging, app.count("--server") > 0));
  return o;
}

}  // namespace signet::app
