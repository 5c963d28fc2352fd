// certonly and renew: obtain or renew certificates into lineages.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <thread>

#include "base/files.h"
#include "client/agent/commands.h"
#include "client/agent/hook_dirs.h"
#include "client/agent/install.h"
#include "client/agent/issue.h"
#include "client/agent/lineage_choice.h"
#include "client/agent/obtain.h"
#include "client/agent/prompt.h"
#include "client/agent/renewal_source.h"
#include "client/agent/report.h"
#include "client/agent/session.h"
#include "client/store/lock.h"
#include "pki/certificate.h"
#include "pki/csr.h"
#include "pki/csr_builder.h"

namespace signet::client {
namespace {

// Creates the config, work and logs dirs (certbot: 0755) and takes
// certbot's lock on each, so signet and certbot never run at once.
Result<std::vector<StoreLock>> LockConfigDir(const AgentOptions& o) {
  std::vector<StoreLock> locks;
  std::vector<std::filesystem::path> locked;
  for (const std::string& dir : {o.config_dir, o.work_dir, o.logs_dir}) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Error(ErrorCode::kServerInternal, "cannot create " + dir + ": " + ec.message());
    auto canonical = std::filesystem::weakly_canonical(dir, ec);
    if (std::find(locked.begin(), locked.end(), canonical) != locked.end()) continue;
    locked.push_back(canonical);
    if (::access(dir.c_str(), W_OK) != 0)
      return Error(ErrorCode::kServerInternal, dir + " is not writable");
    auto lock = StoreLock::LockDir(dir);
    if (!lock.ok())
      return Error(ErrorCode::kServerInternal,
                   "another instance of signet or certbot is already running (" +
                       lock.error().detail + ")");
    locks.push_back(std::move(*lock));
  }
  std::error_code ignored;  // certbot makes the hook directories for operators to fill
  for (const char* hooks : {"pre", "deploy", "post"})
    std::filesystem::create_directories(std::filesystem::path(o.config_dir) / "renewal-hooks" / hooks,
                                        ignored);
  return locks;
}


std::string ForceReason(const AgentOptions& o) {
  return o.force_renewal ? "--force-renewal" : "--dry-run";
}

// Whether `lineage` is due (renewal_check.h: the CA's ARI window, else the
// expiry rule), asking the CA it was issued by on every run, as certbot 4.1
// does: an operator's new window (an incident, a mass revocation) is seen by
// the next renew. The timer runs renew twice a day, so a CA is asked about
// a certificate no more often than its usual Retry-After (6 hours) allows.
Result<RenewalCheck> CheckDue(const Lineage& lineage, const AgentOptions& o,
                              RenewalInfoSource& source, const Output& out) {
  if (lineage.conf().ParamBool("autorenew") == false) {  // certbot's --no-autorenew
    RenewalCheck off;
    off.basis = "expiry";
    off.reason = "autorenew is off in its renewal conf (--no-autorenew); --force-renewal renews it";
    auto not_after = lineage.CurrentNotAfter();  // "renew_at" in --json: never before expiry
    off.renew_at = not_after.ok() ? *not_after : std::chrono::system_clock::now();
    return off;
  }
  std::string server = lineage.conf().Param("server").value_or(o.server);
  return CheckLineageRenewal(lineage, StoreLayout(o.config_dir), server, source,
                             [&out](const std::string& line) { out.Step(line); },
                             /*refresh=*/true);
}

// certonly --csr: certbot writes the chain files into the working directory.
int CertonlyWithCsr(const AgentOptions& o, const Output& out, std::vector<RunOutcome>& outcomes) {
  auto contents = ReadFile(o.csr_path);
  if (!contents.ok()) return out.Fail("cannot read " + o.csr_path), 1;
  auto der = pki::CsrDerFromFileContents(*contents);
  if (!der.ok()) return out.Fail("bad --csr", der.error()), 1;
  auto csr = pki::ParseCsr(*der);
  if (!csr.ok()) return out.Fail("bad --csr", csr.error()), 1;
  auto plan = PlanFromOptions(o);
  if (!plan.ok()) return out.Fail(plan.error().detail), 1;
  plan->names = pki::CsrDnsNames(*csr);
  plan->names.insert(plan->names.end(), csr->ip_addresses.begin(), csr->ip_addresses.end());
  auto session = Session::Open(o, plan->server, out, true);
  if (!session.ok()) return out.Fail("account", session.error()), 1;
  auto solver = MakeSolver(*plan, &out);
  auto profile = OrderProfile((*session)->acme(), *plan, out);
  if (!profile.ok()) return out.Fail("could not obtain the certificate", profile.error()), 1;
  ObtainRequest request{plan->names, *der, plan->challenge_type};
  request.challenge_types = plan->challenge_types;
  request.profile = *profile;
  auto got = ObtainCertificate((*session)->acme(), *solver, request,
                               [&out](const std::string& l) { out.Step(l); });
  if (!got.ok()) return out.Fail("could not obtain the certificate", got.error()), 1;
  if (o.dry_run) return out.Step("The dry run was successful."), 0;
  int n = 0;
  auto path = [&](const char* what) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%04d_%s.pem", n, what);
    return std::filesystem::path(buf);
  };
  while (std::filesystem::exists(path("cert")) || std::filesystem::exists(path("chain"))) ++n;
  auto given = [&](const std::string& flag, const char* what) {
    return flag.empty() ? path(what) : std::filesystem::path(flag);
  };
  std::filesystem::path cert = given(o.cert_path, "cert");
  for (auto [p, data] : {std::pair{cert, got->cert_pem},
                         std::pair{given(o.chain_path, "chain"), got->chain_pem},
                         std::pair{given(o.fullchain_path, "fullchain"), got->fullchain_pem}}) {
    if (auto s = WriteFileAtomic(p, data, 0644); !s.ok()) return out.Fail("save", s.error()), 1;
  }
  out.Step("Certificate is saved at: " + std::filesystem::absolute(cert).string());
  RunOutcome r;  // no lineage: name "" (null in --json)
  r.kind = RunOutcome::kObtained;
  r.domains = plan->names;
  r.cert_path = std::filesystem::absolute(cert).string();
  if (auto leaf = pki::CertFromPem(got->cert_pem); leaf.ok()) {
    r.serial = pki::SerialHex(leaf->get());
    r.expiry = pki::NotAfter(leaf->get());
  }
  outcomes.push_back(std::move(r));
  return 0;
}

}  // namespace

namespace {

// A renewed or obtained lineage as --json reports it.
RunOutcome Done(RunOutcome::Kind kind, const AgentOptions& o, const std::string& name,
                const std::vector<std::string>& domains, const std::string& reason) {
  RunOutcome r;
  r.kind = kind;
  r.name = name;
  r.domains = domains;
  r.reason = reason;
  if (!o.dry_run) {
    LineageInfo info = ReadLineageInfo(StoreLayout(o.config_dir), name);
    r.serial = info.serial;
    r.expiry = info.not_after;
    r.cert_path = info.fullchain_path;
  }
  return r;
}

RunOutcome Skipped(const std::string& name, const std::vector<std::string>& domains,
                   const RenewalCheck& check) {
  RunOutcome r;
  r.kind = RunOutcome::kSkipped;
  r.name = name;
  r.domains = domains;
  r.reason = check.reason;
  r.basis = check.basis;
  r.renew_at = check.renew_at;
  return r;
}

RunOutcome Failed(const std::string& name, const std::vector<std::string>& domains,
                  const Output& out) {
  RunOutcome r;
  r.kind = RunOutcome::kFailed;
  r.name = name;
  r.domains = domains;
  r.reason = out.last_failure();
  return r;
}

// certbot's domain prompt, when neither -d nor --cert-name was given.
Status AskDomains(AgentOptions& o, const Prompter& prompter) {
  if (!prompter.interactive())
    return Error(ErrorCode::kMalformed,
                 "no domain names were provided; use -d/--domains (or --cert-name for an "
                 "existing certificate)");
  auto typed = prompter.Input(
      "Please enter the domain name(s) you would like on your certificate (comma and/or space "
      "separated)");
  if (typed) o.domains = SplitNameList(*typed);
  if (o.domains.empty())
    return Error(ErrorCode::kMalformed,
                 "Please specify --domains, or --installer that will help in domain names "
                 "autodiscovery, or --cert-name for an existing certificate name.");
  return OkStatus();
}

int CertonlyRun(const AgentOptions& options, const Output& out, std::vector<RunOutcome>& outcomes) {
  if (!options.csr_path.empty()) return CertonlyWithCsr(options, out, outcomes);
  AgentOptions o = options;
  Prompter prompter(o.interactive);
  if (o.interactive) {
    // certbot's order on a terminal: the account (e-mail, terms), then the names.
    auto session = Session::Open(o, o.server, out, true);
    if (!session.ok()) return out.Fail("account", session.error()), 1;
  }
  if (o.domains.empty() && o.cert_name.empty())
    if (auto s = AskDomains(o, prompter); !s.ok()) return out.Fail(s.error().detail), 1;
  auto lock = LockConfigDir(o);
  if (!lock.ok()) return out.Fail(lock.error().detail), 1;
  StoreLayout layout(o.config_dir);
  RenewalInfoSource source;
  auto due = [&](const Lineage& lineage) -> Result<RenewalCheck> {
    if (o.force_renewal || o.dry_run) return ForcedRenewal(ForceReason(o));
    return CheckDue(lineage, o, source, out);
  };
  auto choice = ChooseLineage(o, layout, prompter, due);
  if (!choice.ok()) return out.Fail(choice.error().detail), 1;
  AgentOptions opts = o;
  opts.domains = choice->names;
  std::optional<Lineage> lineage;
  if (choice->action != LineageChoice::kNew) {
    auto opened = Lineage::Open(layout, choice->name);
    if (!opened.ok()) return out.Fail("cannot read lineage " + choice->name, opened.error()), 1;
    lineage.emplace(std::move(*opened));
  }
  if (choice->action == LineageChoice::kKeep) {
    std::string why = choice->check ? " (" + choice->check->reason + ")" : "";
    out.Step("Certificate not yet due for renewal; no action taken" + why + ".");
    out.Step("Certificate is at: " + lineage->LivePath(LineageItem::kFullchain).string());
    RenewalCheck check = choice->check.value_or(RenewalCheck{});
    outcomes.push_back(Skipped(choice->name, opts.domains, check));
    return 0;
  }
  auto plan = PlanFromOptions(opts);
  if (!plan.ok()) return out.Fail(plan.error().detail), 1;
  std::string name = lineage ? choice->name
                             : Lineage::FreeName(layout, ChooseLineageName(opts.domains, o.cert_name));
  if (auto s = CheckLineageName(name); !s.ok()) return out.Fail(s.error().detail), 1;
  // certbot's renew_cert runs the deploy directory for a replaced lineage.
  if (lineage && o.directory_hooks)
    plan->deploy_dir_hooks = ListHookDir(std::filesystem::path(o.config_dir) / "renewal-hooks" / "deploy");
  RunUserHook("pre-hook", plan->pre_hook, out);
  Status s = IssueIntoLineage(*plan, opts, out, name, lineage ? &*lineage : nullptr);
  RunUserHook("post-hook", plan->post_hook, out);
  if (!s.ok()) {
    out.Fail("could not obtain a certificate", s.error());
    outcomes.push_back(Failed(name, opts.domains, out));
    return 1;
  }
  outcomes.push_back(Done(lineage ? RunOutcome::kRenewed : RunOutcome::kObtained, o, name,
                          opts.domains, choice->reason));
  return 0;
}

int RenewRun(const AgentOptions& o, const Output& out, std::vector<RunOutcome>& outcomes) {
  auto lock = LockConfigDir(o);
  if (!lock.ok()) return out.Fail(lock.error().detail), 1;
  StoreLayout layout(o.config_dir);
  std::vector<std::string> names = Lineage::ListNames(layout);
  if (!o.cert_name.empty()) {
    if (std::find(names.begin(), names.end(), o.cert_name) == names.end())
      return out.Fail("no certificate named " + o.cert_name + " in " + o.config_dir), 1;
    names = {o.cert_name};
  }
  if (!o.no_random_sleep_on_renew && !::isatty(STDIN_FILENO) && !names.empty()) {
    std::mt19937 rng(std::random_device{}());
    int seconds = std::uniform_int_distribution<int>(1, 480)(rng);
    out.Step("Non-interactive renewal: random delay of " + std::to_string(seconds) + " seconds");
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
  }
  RenewalInfoSource source;
  int renewed = 0, failed = 0, skipped = 0;
  RenewHooks hooks(o.config_dir, o.directory_hooks, out);
  for (const auto& name : names) {
    auto fail = [&](const std::vector<std::string>& domains) {
      outcomes.push_back(Failed(name, domains, out));
      ++failed;
    };
    auto lineage = Lineage::Open(layout, name);
    if (!lineage.ok()) {
      out.Fail("cannot read lineage " + name, lineage.error());
      fail({});
      continue;
    }
    auto current = lineage->CurrentNames();
    if (!current.ok()) {
      out.Fail("cannot read the certificate of " + name, current.error());
      fail({});
      continue;
    }
    auto due = o.force_renewal || o.dry_run ? Result<RenewalCheck>(ForcedRenewal(ForceReason(o)))
                                            : CheckDue(*lineage, o, source, out);
    if (due.ok() && !due->due) {
      out.Step(name + ": not due for renewal yet: " + due->reason);
      outcomes.push_back(Skipped(name, *current, *due));
      ++skipped;
      continue;
    }
    auto plan = PlanFromConf(lineage->conf(), *current, o);
    if (!plan.ok()) {
      out.Fail(name, plan.error());
      fail(*current);
      continue;
    }
    hooks.BeforeRenewal(plan->pre_hook);
    plan->deploy_dir_hooks = hooks.deploy_dir_hooks();
    out.Step("Renewing " + name);
    Status s = IssueIntoLineage(*plan, o, out, name, &*lineage);
    // certbot's renew reloads the recorded installer (the live/ links
    // already point at the new files; a certonly lineage stays uninstalled).
    if (s.ok() && plan->installer == "nginx" && !o.dry_run) {
      out.Step("Reloading nginx server after certificate renewal");
      s = nginx::TestAndReload(plan->nginx);
    }
    hooks.AfterRenewal(plan->post_hook);
    if (s.ok()) {
      ++renewed;
      outcomes.push_back(
          Done(RunOutcome::kRenewed, o, name, *current, due.ok() ? due->reason : ""));
    } else {
      out.Fail("failed to renew " + name, s.error());
      fail(*current);
    }
  }
  hooks.RunPostHooks();
  out.Step(std::to_string(renewed) + " renewed, " + std::to_string(skipped) + " not due, " +
           std::to_string(failed) + " failed");
  return failed == 0 ? 0 : 1;
}

// Runs `run`, then with --json prints what happened; a failure before any
// lineage was looked at is reported as one "failed" entry.
int RunAndReport(const AgentOptions& o, const std::string& command,
                 int (*run)(const AgentOptions&, const Output&, std::vector<RunOutcome>&)) {
  Output out(o.quiet, o.verbose, o.json);
  std::vector<RunOutcome> outcomes;
  int rc = run(o, out, outcomes);
  if (!o.json) return rc;
  bool reported = std::any_of(outcomes.begin(), outcomes.end(),
                              [](const RunOutcome& r) { return r.kind == RunOutcome::kFailed; });
  if (rc != 0 && !reported) outcomes.push_back(Failed(o.cert_name, o.domains, out));
  PrintJson(RunJson(command, o.dry_run, outcomes));
  return rc;
}

}  // namespace

int Certonly(const AgentOptions& o) { return RunAndReport(o, "certonly", CertonlyRun); }

int ObtainCertificates(const AgentOptions& o, const Output& out, std::vector<RunOutcome>& outcomes) {
  return CertonlyRun(o, out, outcomes);
}

int Renew(const AgentOptions& o) { return RunAndReport(o, "renew", RenewRun); }

}  // namespace signet::client
