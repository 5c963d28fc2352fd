#include "client/agent/issue.h"

#include <algorithm>

#include "base/files.h"
#include "acme/ip_identifier.h"
#include "client/acme/profiles.h"
#include "client/agent/challenge_prefs.h"
#include "client/agent/debug_challenges.h"
#include "client/agent/obtain.h"
#include "client/agent/session.h"
#include "client/nginx/authenticator.h"
#include "client/rfc2136/solver.h"
#include "client/solvers/by_type_solver.h"
#include "client/solvers/dns_records.h"
#include "client/solvers/hooks.h"
#include "client/solvers/manual_solver.h"
#include "client/solvers/standalone_solver.h"
#include "client/solvers/tls_alpn_solver.h"
#include "client/solvers/webroot_solver.h"
#include "pki/ari_cert_id.h"
#include "pki/certificate.h"
#include "pki/csr_builder.h"

namespace signet::client {
namespace {

bool AnyIpAddress(const std::vector<std::string>& names) {
  return std::any_of(names.begin(), names.end(),
                     [](const auto& n) { return acme::IsIpAddress(n); });
}

// Sets the plan's challenge types from `preferred` (canonical) and the
// authenticator; wildcards need a DNS challenge type (dns-01, dns-account-01
// or dns-persist-01) among them.
Status SetChallengeTypes(IssuePlan& p, std::vector<std::string> preferred) {
  p.preferred_challenges = std::move(preferred);
  SIGNET_ASSIGN_OR_RETURN(p.challenge_types,
                          ChallengesFor(p.authenticator, p.preferred_challenges,
                                        AnyIpAddress(p.names)));
  p.challenge_type = p.challenge_types.front();
  bool dns = std::any_of(p.challenge_types.begin(), p.challenge_types.end(), IsDnsChallenge);
  for (const auto& n : p.names)
    if (n.rfind("*.", 0) == 0 && !dns)
      return Error(ErrorCode::kMalformed,
                   "wildcard " + n + " needs a DNS challenge: --preferred-challenges dns with "
                   "--manual, or --dns-rfc2136");
  return OkStatus();
}

// What applies to this run only, never saved in the renewal conf.
void CopyRunFlags(const AgentOptions& o, IssuePlan& p) {
  p.new_key = o.new_cert_key;
  p.issuance_timeout = o.issuance_timeout;
  p.debug_challenges = o.debug_challenges;
  p.interactive = o.interactive;
  p.allow_subset_of_names = o.allow_subset_of_names;
  p.no_autorenew = o.no_autorenew;
}

}  // namespace

Result<IssuePlan> PlanFromOptions(const AgentOptions& o) {
  IssuePlan p;
  p.names = o.domains;
  p.server = o.server;
  p.account = o.account;
  p.authenticator = o.authenticator.empty() ? "standalone" : o.authenticator;
  p.http01_port = o.http01_port;
  p.http01_port_set = o.http01_port != 80;
  p.http01_address = o.http01_address;
  p.webroot_paths = o.webroot_paths;
  for (const auto& name : o.domains) {
    auto it = o.webroot_map.find(name);
    if (it != o.webroot_map.end()) p.webroot_map.emplace_back(name, it->second);
    else if (!o.webroot_paths.empty()) p.webroot_map.emplace_back(name, o.webroot_paths.back());
  }
  p.manual_auth_hook = o.manual_auth_hook;
  p.manual_cleanup_hook = o.manual_cleanup_hook;
  p.tls_alpn01_port = o.tls_alpn01_port;
  p.tls_alpn01_port_set = o.tls_alpn01_port != 443;
  p.dns_rfc2136_credentials = o.dns_rfc2136_credentials;
  p.dns_rfc2136_propagation_seconds = o.dns_rfc2136_propagation_seconds;
  if (p.authenticator == "dns-rfc2136" && p.dns_rfc2136_credentials.empty())
    return Error(ErrorCode::kMalformed,
                 "--dns-rfc2136 needs --dns-rfc2136-credentials FILE (the RFC 2136 "
                 "credentials INI file)");
  SIGNET_ASSIGN_OR_RETURN(std::vector<std::string> preferred,
                          ParsePreferredChallenges(o.preferred_challenges));
  SIGNET_RETURN_IF_ERROR(SetChallengeTypes(p, std::move(preferred)));
  p.key_type = o.key_type;
  p.rsa_key_size = o.rsa_key_size;
  p.elliptic_curve = o.elliptic_curve;
  p.reuse_key = o.reuse_key;
  CopyRunFlags(o, p);
  p.must_staple = o.must_staple;
  p.preferred_profile = o.preferred_profile;
  p.required_profile = o.required_profile;
  p.preferred_chain = o.preferred_chain;
  p.pre_hook = o.pre_hook;
  p.post_hook = o.post_hook;
  p.deploy_hook = o.deploy_hook;
  if (p.authenticator == "webroot" && p.webroot_map.size() != p.names.size())
    return Error(ErrorCode::kMalformed, "--webroot needs a webroot (-w) for every domain");
  p.installer = o.installer;
  p.nginx = NginxSettingsFrom(o, nullptr);
  return p;
}

Result<IssuePlan> PlanFromConf(const RenewalConf& conf, const std::vector<std::string>& names,
                               const AgentOptions& o) {
  IssuePlan p;
  p.base_params = conf.Params();
  p.names = names;
  auto param = [&](const char* key, std::string def) { return conf.Param(key).value_or(def); };
  p.server = param("server", o.server);
  p.account = param("account", "");
  p.authenticator = o.authenticator.empty() ? param("authenticator", "standalone") : o.authenticator;
  if (auto port = conf.Param("http01_port")) {
    p.http01_port = std::atoi(port->c_str());
    p.http01_port_set = true;
  }
  if (o.http01_port != 80) {
    p.http01_port = o.http01_port;
    p.http01_port_set = true;
  }
  p.http01_address = o.http01_address.empty() ? param("http01_address", "") : o.http01_address;
  p.webroot_paths = conf.ParamList("webroot_path").value_or(std::vector<std::string>{});
  p.webroot_map = conf.WebrootMap();
  p.manual_auth_hook = o.manual_auth_hook.empty() ? param("manual_auth_hook", "") : o.manual_auth_hook;
  p.manual_cleanup_hook =
      o.manual_cleanup_hook.empty() ? param("manual_cleanup_hook", "") : o.manual_cleanup_hook;
  p.dns_rfc2136_credentials = o.dns_rfc2136_credentials.empty()
                                  ? param("dns_rfc2136_credentials", "")
                                  : o.dns_rfc2136_credentials;
  p.dns_rfc2136_propagation_seconds =
      o.dns_rfc2136_propagation_seconds >= 0
          ? o.dns_rfc2136_propagation_seconds
          : std::atoi(param("dns_rfc2136_propagation_seconds", "-1").c_str());
  if (auto port = conf.Param("tls_alpn01_port")) {
    p.tls_alpn01_port = std::atoi(port->c_str());
    p.tls_alpn01_port_set = true;
  }
  if (o.tls_alpn01_port != 443) {
    p.tls_alpn01_port = o.tls_alpn01_port;
    p.tls_alpn01_port_set = true;
  }
  std::vector<std::string> preferred;
  if (!o.preferred_challenges.empty()) {
    SIGNET_ASSIGN_OR_RETURN(preferred, ParsePreferredChallenges(o.preferred_challenges));
  } else {
    // An entry this agent does not know (an old certbot's tls-sni-01) is skipped.
    for (const auto& entry : conf.ParamList("pref_challs").value_or(std::vector<std::string>{}))
      if (auto known = ParsePreferredChallenges(entry); known.ok())
        preferred.insert(preferred.end(), known->begin(), known->end());
  }
  SIGNET_RETURN_IF_ERROR(SetChallengeTypes(p, std::move(preferred)));
  p.key_type = param("key_type", "rsa");  // certbot < 2.0 wrote no key_type: RSA
  p.rsa_key_size = std::atoi(param("rsa_key_size", "2048").c_str());
  p.elliptic_curve = param("elliptic_curve", "secp256r1");
  p.reuse_key = !o.no_reuse_key && (o.reuse_key || conf.ParamBool("reuse_key").value_or(false));
  CopyRunFlags(o, p);
  p.must_staple = o.must_staple || conf.ParamBool("must_staple").value_or(false);
  p.allow_subset_of_names =
      o.allow_subset_of_names || conf.ParamBool("allow_subset_of_names").value_or(false);
  p.preferred_profile = o.preferred_profile.empty() ? param("preferred_profile", "")
                                                   : o.preferred_profile;
  p.required_profile = o.required_profile.empty() ? param("required_profile", "")
                                                 : o.required_profile;
  p.preferred_chain =
      o.preferred_chain.empty() ? param("preferred_chain", "") : o.preferred_chain;
  p.pre_hook = o.pre_hook.empty() ? param("pre_hook", "") : o.pre_hook;
  p.post_hook = o.post_hook.empty() ? param("post_hook", "") : o.post_hook;
  p.deploy_hook = o.deploy_hook.empty() ? param("renew_hook", "") : o.deploy_hook;
  p.installer = o.installer.empty() ? param("installer", "") : o.installer;
  if (p.installer == "None") p.installer.clear();
  p.nginx = NginxSettingsFrom(o, &conf);
  p.nginx.http_port = p.http01_port;
  return p;
}

std::unique_ptr<Solver> MakeSolver(const IssuePlan& plan, const Output* out) {
  if (plan.authenticator == "dns-rfc2136") {
    int wait = plan.dns_rfc2136_propagation_seconds < 0 ? 60 : plan.dns_rfc2136_propagation_seconds;
    auto log = [out](const std::string& line) {
      if (out) out->Step(line);
    };
    return std::make_unique<rfc2136::Solver>(plan.dns_rfc2136_credentials,
                                             std::chrono::seconds(wait), log);
  }
  if (plan.authenticator == "webroot") {
    std::map<std::string, std::filesystem::path> map;
    for (const auto& [d, w] : plan.webroot_map) map[d] = w;
    return std::make_unique<WebrootSolver>(std::move(map));
  }
  if (plan.authenticator == "nginx") {
    auto log = [out](const std::string& line) {
      if (out) out->Step(line);
    };
    return std::make_unique<nginx::NginxAuthenticator>(plan.nginx, log);
  }
  if (plan.authenticator == "manual")
    return std::make_unique<ManualSolver>(plan.manual_auth_hook, plan.manual_cleanup_hook);
  // Standalone: the HTTP server for http-01, the TLS one for tls-alpn-01,
  // both on --http-01-address; each binds only when a challenge needs it.
  auto standalone = std::make_unique<ByTypeSolver>();
  standalone->Add("http-01", std::make_unique<StandaloneSolver>(plan.http01_address,
                                                                uint16_t(plan.http01_port)));
  standalone->Add("tls-alpn-01", std::make_unique<TlsAlpnSolver>(plan.http01_address,
                                                                 uint16_t(plan.tls_alpn01_port)));
  return standalone;
}

Result<std::string> OrderProfile(AcmeClient& acme, const IssuePlan& plan, const Output& out) {
  if (plan.preferred_profile.empty() && plan.required_profile.empty()) return std::string();
  SIGNET_ASSIGN_OR_RETURN(Directory dir, acme.FetchDirectory());
  SIGNET_ASSIGN_OR_RETURN(ProfileChoice choice,
                          ChooseProfile(dir, {plan.preferred_profile, plan.required_profile}));
  if (!choice.note.empty()) out.Step("Note: " + choice.note);
  return choice.profile;
}

void RunUserHook(const std::string& what, const std::string& command, const Output& out,
                 const std::vector<std::pair<std::string, std::string>>& env) {
  if (command.empty()) return;
  out.Step("Running " + what + " command: " + command);
  std::string stdout_text, stderr_text;
  Status s = RunHook(command, env, &stdout_text, &stderr_text);
  if (!s.ok()) out.Fail(what + " command failed", s.error());
}

namespace {

Result<crypto::Key> NewCertificateKey(const IssuePlan& plan) {
  if (plan.key_type == "rsa") return crypto::Key::Generate(crypto::KeyType::kRsa, plan.rsa_key_size);
  if (plan.elliptic_curve == "secp384r1") return crypto::Key::Generate(crypto::KeyType::kEcP384);
  return crypto::Key::Generate(crypto::KeyType::kEcP256);
}

}  // namespace

nginx::NginxSettings NginxSettingsFrom(const AgentOptions& o, const RenewalConf* conf) {
  nginx::NginxSettings s;
  const AgentOptions defaults;
  auto pick = [&](const std::string& cli, const std::string& def, const char* key) {
    if (cli != def || !conf) return cli;
    return conf->Param(key).value_or(cli);
  };
  auto pick_int = [&](int cli, int def, const char* key) {
    if (cli != def || !conf || !conf->Param(key)) return cli;
    return std::atoi(conf->Param(key)->c_str());
  };
  s.server_root = pick(o.nginx_server_root, defaults.nginx_server_root, "nginx_server_root");
  s.ctl = pick(o.nginx_ctl, defaults.nginx_ctl, "nginx_ctl");
  s.sleep_seconds = pick_int(o.nginx_sleep_seconds, defaults.nginx_sleep_seconds,
                             "nginx_sleep_seconds");
  s.https_port = pick_int(o.https_port, defaults.https_port, "https_port");
  s.http_port = pick_int(o.http01_port, defaults.http01_port, "http01_port");
  s.config_dir = std::filesystem::absolute(o.config_dir);
  s.work_dir = std::filesystem::absolute(o.work_dir);
  return s;
}

namespace {

RenewalParams ParamsToSave(const IssuePlan& plan, const std::string& account_id) {
  RenewalParams params = plan.base_params;
  params.Set("account", account_id);
  if (plan.http01_port_set) params.SetInt("http01_port", plan.http01_port);
  if (!plan.http01_address.empty()) params.Set("http01_address", plan.http01_address);
  params.Set("server", plan.server);
  params.Set("authenticator", plan.authenticator);
  if (plan.authenticator == "webroot") {
    params.SetList("webroot_path", plan.webroot_paths);
    params.SetWebrootMap(plan.webroot_map);
  }
  if (plan.authenticator == "manual") {
    if (!plan.manual_auth_hook.empty()) params.Set("manual_auth_hook", plan.manual_auth_hook);
    if (!plan.manual_cleanup_hook.empty()) params.Set("manual_cleanup_hook", plan.manual_cleanup_hook);
  }
  if (plan.authenticator == "dns-rfc2136") {
    // certbot stores the path made absolute.
    params.Set("dns_rfc2136_credentials",
               std::filesystem::absolute(plan.dns_rfc2136_credentials).string());
    if (plan.dns_rfc2136_propagation_seconds >= 0)
      params.SetInt("dns_rfc2136_propagation_seconds", plan.dns_rfc2136_propagation_seconds);
  }
  // The preference as given; without one, a DNS default (dns-rfc2136's
  // dns-01) is still recorded, so the conf says which record renew publishes.
  if (!plan.preferred_challenges.empty())
    params.SetList("pref_challs", plan.preferred_challenges);
  else if (IsDnsChallenge(plan.challenge_type))
    params.SetList("pref_challs", {plan.challenge_type});
  if (plan.tls_alpn01_port_set) params.SetInt("tls_alpn01_port", plan.tls_alpn01_port);
  if (!plan.installer.empty()) params.Set("installer", plan.installer);
  if (plan.authenticator == "nginx" || plan.installer == "nginx") {
    const nginx::NginxSettings defaults;
    if (plan.nginx.server_root != defaults.server_root)
      params.Set("nginx_server_root", plan.nginx.server_root.string());
    if (plan.nginx.ctl != defaults.ctl) params.Set("nginx_ctl", plan.nginx.ctl);
    if (plan.nginx.sleep_seconds != defaults.sleep_seconds)
      params.SetInt("nginx_sleep_seconds", plan.nginx.sleep_seconds);
    if (plan.nginx.https_port != defaults.https_port)
      params.SetInt("https_port", plan.nginx.https_port);
  }
  params.Set("key_type", plan.key_type);
  if (plan.key_type == "rsa" && plan.rsa_key_size != 2048) params.SetInt("rsa_key_size", plan.rsa_key_size);
  if (plan.key_type == "ecdsa" && plan.elliptic_curve != "secp256r1")
    params.Set("elliptic_curve", plan.elliptic_curve);
  if (plan.reuse_key) params.SetBool("reuse_key", true);
  else params.Remove("reuse_key");
  if (plan.must_staple) params.SetBool("must_staple", true);
  if (plan.allow_subset_of_names) params.SetBool("allow_subset_of_names", true);
  if (plan.no_autorenew) params.SetBool("autorenew", false);
  for (auto [key, value] : {std::pair{"preferred_profile", &plan.preferred_profile},
                            std::pair{"required_profile", &plan.required_profile}}) {
    if (value->empty()) params.Remove(key);
    else params.Set(key, *value);
  }
  if (!plan.preferred_chain.empty()) params.Set("preferred_chain", plan.preferred_chain);
  if (!plan.pre_hook.empty()) params.Set("pre_hook", plan.pre_hook);
  if (!plan.post_hook.empty()) params.Set("post_hook", plan.post_hook);
  if (!plan.deploy_hook.empty()) params.Set("renew_hook", plan.deploy_hook);
  return params;
}

// RFC 9773 5: the ARI CertID of the lineage's certificate, when the CA
// offers renewal information and issued it (the conf's server is the
// plan's); "" otherwise.
Result<std::string> ReplacesFor(AcmeClient& acme, const IssuePlan& plan, const Lineage& lineage) {
  if (lineage.conf().Param("server").value_or("") != plan.server) return std::string();
  SIGNET_ASSIGN_OR_RETURN(Directory dir, acme.FetchDirectory());
  if (dir.renewal_info.empty()) return std::string();
  auto files = lineage.ReadCurrent();
  if (!files.ok()) return std::string();
  auto cert = pki::CertFromPem(files->cert);
  return cert.ok() ? pki::AriCertIdOf(cert->get()) : std::string();
}

std::string JoinNames(const std::vector<std::string>& names, const char* sep) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : sep) + n;
  return out;
}

}  // namespace

std::vector<std::string> WithoutFailedNames(const std::vector<std::string>& names,
                                            const Error& error) {
  std::vector<std::string> rest;
  for (const auto& name : names) {
    std::string base = name.rfind("*.", 0) == 0 ? name.substr(2) : name;
    bool failed = std::any_of(error.subproblems.begin(), error.subproblems.end(),
                              [&](const Error& e) { return e.identifier_value == base; });
    if (!failed) rest.push_back(name);
  }
  return rest;
}

namespace {

}  // namespace

Status IssueIntoLineage(const IssuePlan& plan, const AgentOptions& options, const Output& out,
                        const std::string& name, Lineage* lineage) {
  SIGNET_ASSIGN_OR_RETURN(auto session,
                          Session::Open(options, plan.server, out, true, plan.account));
  crypto::Key key;
  if (lineage && plan.reuse_key && !plan.new_key) {
    SIGNET_ASSIGN_OR_RETURN(CertificateFiles current, lineage->ReadCurrent());
    SIGNET_ASSIGN_OR_RETURN(key, crypto::Key::FromPem(current.privkey));
  } else {
    SIGNET_ASSIGN_OR_RETURN(key, NewCertificateKey(plan));
  }
  SIGNET_ASSIGN_OR_RETURN(std::string csr, pki::BuildCsr(key, plan.names, plan.must_staple));
  std::unique_ptr<Solver> solver = MakeSolver(plan, &out);
  if (plan.debug_challenges) solver = PausingSolver(std::move(solver), plan.interactive, out);
  ObtainRequest request{plan.names, csr, plan.challenge_type};
  request.timeout = std::chrono::seconds(std::max(300, plan.issuance_timeout));
  request.challenge_types = plan.challenge_types;
  SIGNET_ASSIGN_OR_RETURN(request.profile, OrderProfile(session->acme(), plan, out));
  request.preferred_chain = plan.preferred_chain;
  // A dry run's order must not use up the certificate's one replacement.
  if (lineage && !options.dry_run) {
    SIGNET_ASSIGN_OR_RETURN(request.replaces, ReplacesFor(session->acme(), plan, *lineage));
  }
  auto log = [&out](const std::string& line) { out.Step(line); };
  Result<Obtained> obtained = ObtainCertificate(session->acme(), *solver, request, log);
  if (!obtained.ok() && plan.allow_subset_of_names) {
    // certbot's --allow-subset-of-names: order again without the names
    // whose validation failed.
    std::vector<std::string> rest = WithoutFailedNames(request.names, obtained.error());
    if (!rest.empty() && rest.size() < request.names.size()) {
      out.Step("Unable to obtain a certificate for every name; trying again for " +
               JoinNames(rest, ", "));
      SIGNET_ASSIGN_OR_RETURN(request.csr_der, pki::BuildCsr(key, rest, plan.must_staple));
      request.names = rest;
      obtained = ObtainCertificate(session->acme(), *solver, request, log);
    }
  }
  SIGNET_ASSIGN_OR_RETURN(Obtained got, std::move(obtained));
  if (options.dry_run) {
    out.Step("The dry run was successful.");
    return OkStatus();
  }
  CertificateFiles files{got.cert_pem, got.chain_pem, key.PrivatePem()};
  RenewalParams params = ParamsToSave(plan, session->account().id());
  std::optional<Lineage> written;
  if (lineage) {
    SIGNET_ASSIGN_OR_RETURN(int version, lineage->AddVersion(files, params));
    out.Step("Renewed " + name + " (version " + std::to_string(version) + ")");
  } else {
    SIGNET_ASSIGN_OR_RETURN(Lineage created,
                            Lineage::Create(StoreLayout(options.config_dir), name, files, params));
    written.emplace(std::move(created));
    lineage = &*written;
  }
  out.Step("Certificate is saved at: " + lineage->LivePath(LineageItem::kFullchain).string());
  out.Step("Key is saved at:         " + lineage->LivePath(LineageItem::kPrivkey).string());
  HookEnv env{{"RENEWED_LINEAGE", (StoreLayout(options.config_dir).LiveDir(name)).string()},
              {"RENEWED_DOMAINS", JoinNames(request.names, " ")}};
  for (const auto& hook : plan.deploy_dir_hooks) RunUserHook("deploy-hook", hook, out, env);
  const auto& dir_hooks = plan.deploy_dir_hooks;
  if (std::find(dir_hooks.begin(), dir_hooks.end(), plan.deploy_hook) == dir_hooks.end())
    RunUserHook("deploy-hook", plan.deploy_hook, out, env);
  return OkStatus();
}

}  // namespace signet::client
