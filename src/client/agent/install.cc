// install, enhance, rollback (and run's nginx installer): certbot's installer verbs, with the
// nginx plugin (client/nginx) as the one installer.
#include "client/agent/install.h"

#include <algorithm>

#include "client/agent/commands.h"
#include "client/nginx/installer.h"
#include "client/store/lineage.h"
#include "client/store/lock.h"

namespace signet::client {
namespace {

// certbot's lock on the config and work dirs, so signet and certbot never
// edit the nginx configuration at once.
Result<std::vector<StoreLock>> LockDirs(const AgentOptions& o) {
  std::vector<StoreLock> locks;
  for (const std::string& dir : {o.config_dir, o.work_dir}) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Error(ErrorCode::kServerInternal, "cannot create " + dir + ": " + ec.message());
    if (!locks.empty() && std::filesystem::equivalent(dir, o.config_dir, ec)) continue;
    auto lock = StoreLock::LockDir(dir);
    if (!lock.ok())
      return Error(ErrorCode::kServerInternal,
                   "another instance of signet or certbot is already running (" +
                       lock.error().detail + ")");
    locks.push_back(std::move(*lock));
  }
  return locks;
}

// The installer the verb names: --nginx / -i nginx (certbot asks when none
// is given; signet has one installer, so none means nginx too).
bool CheckInstaller(const AgentOptions& o, const Output& out) {
  if (o.installer.empty() || o.installer == "nginx") return true;
  out.Fail("unknown installer " + o.installer + "; signet installs into nginx only (--nginx)");
  return false;
}

nginx::Enhancements EnhancementsFrom(const AgentOptions& o) { return {o.redirect, o.hsts}; }

nginx::LogFn StepLog(const Output& out) {
  return [&out](const std::string& line) { out.Step(line); };
}

}  // namespace

Status DeployLineage(const AgentOptions& o, const nginx::NginxSettings& settings,
                     const std::string& name, const Output& out) {
  StoreLayout layout(o.config_dir);
  SIGNET_ASSIGN_OR_RETURN(Lineage lineage, Lineage::Open(layout, name));
  std::vector<std::string> names = o.domains;
  if (names.empty()) {
    SIGNET_ASSIGN_OR_RETURN(names, lineage.CurrentNames());
  }
  std::string fullchain = std::filesystem::absolute(lineage.LivePath(LineageItem::kFullchain));
  std::string key = std::filesystem::absolute(lineage.LivePath(LineageItem::kPrivkey));
  nginx::NginxInstaller installer(settings, StepLog(out));
  SIGNET_RETURN_IF_ERROR(installer.Install(names, fullchain, key, EnhancementsFrom(o)));
  out.Step("Successfully deployed certificate " + name + " to nginx");
  return OkStatus();
}

Status PrepareNginxInstaller(const AgentOptions& o) {
  nginx::NginxSettings settings = NginxSettingsFrom(o, nullptr);
  if (auto cfg = nginx::NginxConfig::Load(settings.server_root); !cfg.ok()) return cfg.error();
  if (auto t = nginx::RunNginx(settings, {"-t"}); !t.ok())
    return Error(ErrorCode::kServerInternal,
                 "nginx -t fails before any change: " + t.error().detail);
  return OkStatus();
}

Status InstallIntoNginx(const AgentOptions& o, const std::string& name,
                        const std::vector<std::string>& domains, const Output& out) {
  SIGNET_ASSIGN_OR_RETURN(std::vector<StoreLock> locks, LockDirs(o));
  AgentOptions with = o;
  with.domains = domains;
  return DeployLineage(with, NginxSettingsFrom(o, nullptr), name, out);
}

int Install(const AgentOptions& o) {
  Output out(o.quiet, o.verbose, false);
  if (!CheckInstaller(o, out)) return 1;
  if (o.cert_name.empty())
    return out.Fail("install needs --cert-name NAME (see `signet certificates`)"), 1;
  auto locks = LockDirs(o);
  if (!locks.ok()) return out.Fail(locks.error().detail), 1;
  if (!std::filesystem::exists(StoreLayout(o.config_dir).RenewalConfPath(o.cert_name)))
    return out.Fail("no certificate named " + o.cert_name + " in " + o.config_dir), 1;
  if (auto s = DeployLineage(o, NginxSettingsFrom(o, nullptr), o.cert_name, out); !s.ok())
    return out.Fail("could not install the certificate: " + s.error().detail), 1;
  return 0;
}

int Enhance(const AgentOptions& o) {
  Output out(o.quiet, o.verbose, false);
  if (!CheckInstaller(o, out)) return 1;
  if (!o.redirect && !o.hsts)
    return out.Fail("enhance needs an enhancement: --redirect or --hsts"), 1;
  auto locks = LockDirs(o);
  if (!locks.ok()) return out.Fail(locks.error().detail), 1;
  std::vector<std::string> names = o.domains;
  if (names.empty() && !o.cert_name.empty()) {
    auto lineage = Lineage::Open(StoreLayout(o.config_dir), o.cert_name);
    if (!lineage.ok()) return out.Fail("cannot read lineage " + o.cert_name, lineage.error()), 1;
    auto current = lineage->CurrentNames();
    if (current.ok()) names = *current;
  }
  if (names.empty()) return out.Fail("enhance needs -d NAME or --cert-name NAME"), 1;
  nginx::NginxInstaller installer(NginxSettingsFrom(o, nullptr), StepLog(out));
  if (auto s = installer.Enhance(names, EnhancementsFrom(o)); !s.ok())
    return out.Fail("could not enhance the configuration: " + s.error().detail), 1;
  return 0;
}

int Rollback(const AgentOptions& o) {
  Output out(o.quiet, o.verbose, false);
  if (!CheckInstaller(o, out)) return 1;
  if (o.rollback_checkpoints < 0) return out.Fail("--checkpoints must be at least 0"), 1;
  auto locks = LockDirs(o);
  if (!locks.ok()) return out.Fail(locks.error().detail), 1;
  nginx::NginxInstaller installer(NginxSettingsFrom(o, nullptr), StepLog(out));
  if (auto s = installer.Rollback(o.rollback_checkpoints); !s.ok())
    return out.Fail("rollback failed: " + s.error().detail), 1;
  return 0;
}

}  // namespace signet::client
