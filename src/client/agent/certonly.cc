// certonly and renew: obtain or renew certificates into lineages.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <thread>

#include "base/files.h"
#include "client/agent/commands.h"
#include "client/agent/install.h"
#include "client/agent/issue.h"
#include "client/agent/obtain.h"
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
  return locks;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// The existing lineage certifying exactly `names`, if any.
std::optional<std::string> FindLineageFor(const StoreLayout& layout,
                                          const std::vector<std::string>& names) {
  for (const auto& name : Lineage::ListNames(layout)) {
    auto lineage = Lineage::Open(layout, name);
    if (!lineage.ok()) continue;
    auto current = lineage->CurrentNames();
    if (current.ok() && Sorted(*current) == Sorted(names)) return name;
  }
  return std::nullopt;
}

std::string FreeLineageName(const StoreLayout& layout, const std::string& base) {
  std::string name = base;
  for (int n = 1; std::filesystem::exists(layout.RenewalConfPath(name)) ||
                  std::filesystem::exists(layout.LiveDir(name));
       ++n)
    name = LineageNameCandidate(base, n);
  return name;
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
  std::filesystem::path cert = o.cert_path.empty() ? path("cert") : std::filesystem::path(o.cert_path);
  for (auto [p, data] : {std::pair{cert, got->cert_pem}, std::pair{path("chain"), got->chain_pem},
                         std::pair{path("fullchain"), got->fullchain_pem}}) {
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

int CertonlyRun(const AgentOptions& o, const Output& out, std::vector<RunOutcome>& outcomes) {
  if (!o.csr_path.empty()) return CertonlyWithCsr(o, out, outcomes);
  if (o.domains.empty() && o.cert_name.empty())
    return out.Fail("no domain names were provided; use -d/--domains (or --cert-name for an "
                    "existing certificate)"),
           1;
  auto lock = LockConfigDir(o);
  if (!lock.ok()) return out.Fail(lock.error().detail), 1;
  StoreLayout layout(o.config_dir);

  std::optional<std::string> existing;
  if (!o.cert_name.empty() && std::filesystem::exists(layout.RenewalConfPath(o.cert_name)))
    existing = o.cert_name;
  else if (!o.domains.empty() && o.cert_name.empty())
    existing = FindLineageFor(layout, o.domains);

  AgentOptions opts = o;
  std::optional<Lineage> lineage;
  std::string reason;
  if (existing) {
    auto opened = Lineage::Open(layout, *existing);
    if (!opened.ok()) return out.Fail("cannot read lineage " + *existing, opened.error()), 1;
    lineage.emplace(std::move(*opened));
    if (opts.domains.empty()) {
      auto names = lineage->CurrentNames();
      if (names.ok()) opts.domains = *names;
    }
    RenewalInfoSource source;
    auto due = o.force_renewal || o.dry_run ? Result<RenewalCheck>(ForcedRenewal(ForceReason(o)))
                                            : CheckDue(*lineage, o, source, out);
    if (due.ok() && !due->due) {
      out.Step("Certificate not yet due for renewal; no action taken (" + due->reason + ").");
      out.Step("Certificate is at: " + lineage->LivePath(LineageItem::kFullchain).string());
      outcomes.push_back(Skipped(*existing, opts.domains, *due));
      return 0;
    }
    if (due.ok()) reason = due->reason;
  }
  auto plan = PlanFromOptions(opts);
  if (!plan.ok()) return out.Fail(plan.error().detail), 1;
  std::string name = existing ? *existing
                              : FreeLineageName(layout, ChooseLineageName(opts.domains, o.cert_name));
  if (auto s = CheckLineageName(name); !s.ok()) return out.Fail(s.error().detail), 1;
  RunUserHook("pre-hook", plan->pre_hook, out);
  Status s = IssueIntoLineage(*plan, opts, out, name, lineage ? &*lineage : nullptr);
  RunUserHook("post-hook", plan->post_hook, out);
  if (!s.ok()) {
    out.Fail("could not obtain a certificate", s.error());
    outcomes.push_back(Failed(name, opts.domains, out));
    return 1;
  }
  outcomes.push_back(Done(existing ? RunOutcome::kRenewed : RunOutcome::kObtained, o, name,
                          opts.domains, reason));
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
  bool hooks_ran = false;
  std::string post_hook;
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
    if (!hooks_ran) {
      RunUserHook("pre-hook", plan->pre_hook, out);
      hooks_ran = true;
    }
    post_hook = plan->post_hook;
    out.Step("Renewing " + name);
    Status s = IssueIntoLineage(*plan, o, out, name, &*lineage);
    // certbot's renew reloads the recorded installer (the live/ links
    // already point at the new files; a certonly lineage stays uninstalled).
    if (s.ok() && plan->installer == "nginx" && !o.dry_run) {
      out.Step("Reloading nginx server after certificate renewal");
      s = nginx::TestAndReload(plan->nginx);
    }
    if (s.ok()) {
      ++renewed;
      outcomes.push_back(
          Done(RunOutcome::kRenewed, o, name, *current, due.ok() ? due->reason : ""));
    } else {
      out.Fail("failed to renew " + name, s.error());
      fail(*current);
    }
  }
  if (hooks_ran) RunUserHook("post-hook", post_hook, out);
  out.Step(std::to_string(renewed) + " renewed, " + std::to_string(skipped) + " not due, " +
           std::to_string(failed) + " failed");
  return failed == 0 ? 0 : 1;
}

// certbot's run: obtain (certonly, with the nginx authenticator unless
// another is named), then install into nginx, even when the certificate
// was not due (certbot installs the existing one).
int RunRun(const AgentOptions& o, const Output& out, std::vector<RunOutcome>& outcomes) {
  AgentOptions obtain = o;
  if (obtain.installer.empty())
    return out.Fail("run obtains and installs: name the installer with --nginx (or -i nginx), or "
                    "use certonly to obtain without installing"),
           1;
  if (obtain.installer != "nginx")
    return out.Fail("unknown installer " + obtain.installer + "; signet installs into nginx only"),
           1;
  if (obtain.authenticator.empty()) obtain.authenticator = "nginx";
  // The installer must work before anything is obtained (certbot's prepare).
  if (auto ready = PrepareNginxInstaller(o); !ready.ok())
    return out.Fail("nginx installer: " + ready.error().detail), 1;
  int rc = CertonlyRun(obtain, out, outcomes);
  if (rc != 0 || o.dry_run || outcomes.empty() || outcomes.back().name.empty()) return rc;
  auto lock = LockConfigDir(o);
  if (!lock.ok()) return out.Fail(lock.error().detail), 1;
  if (auto s = DeployLineage(o, NginxSettingsFrom(o, nullptr), outcomes.back().name, out); !s.ok())
    return out.Fail("could not install the certificate: " + s.error().detail), 1;
  return 0;
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

int Renew(const AgentOptions& o) { return RunAndReport(o, "renew", RenewRun); }

int Run(const AgentOptions& o) { return RunAndReport(o, "run", RunRun); }

}  // namespace signet::client
