#include "admin_command.h"

#include <iostream>

#include "admin_common.h"
#include "base/base64url.h"
#include "base/duration.h"
#include "ca/ratelimit/store_overrides.h"
#include "ca/ra/admin.h"
#include "ca/ra/eab.h"
#include "ca/wfe/render.h"

namespace signet::app {

using admin::Fail;
using admin::OpenStore;

AdminCommand::AdminCommand(CLI::App& app) {
  admin_ = app.add_subcommand("admin", "operator actions on the CA's database");
  admin_->require_subcommand(1);
  revoke_ = admin_->add_subcommand("revoke", "revoke a certificate by serial");
  ari_window_ = admin_->add_subcommand(
      "ari-window", "move the suggested renewal window (RFC 9773) of certificates");
  for (CLI::App* sub : {revoke_, ari_window_}) {
    admin::AddStoreOptions(sub, data_dir_);
    sub->add_option("--explanation", explanation_, "explanationURL for renewalInfo");
  }
  revoke_->add_option("--serial", serials_, "certificate serial (hex)")->required()->expected(1);
  revoke_->add_option("--reason", reason_, "RFC 5280 reason: 0, 1, 3, 4, 5 or 9")->required();
  ari_window_->add_option("--serial", serials_, "certificate serial (hex; repeatable)")->required();
  ari_window_->add_option("--start", start_, "window start (RFC 3339)")->required();
  ari_window_->add_option("--end", end_, "window end (RFC 3339)")->required();
  CLI::App* eab = admin_->add_subcommand(
      "eab", "external account binding keys (RFC 8555 7.3.4) for --eab-required");
  eab->require_subcommand(1);
  eab_add_ = eab->add_subcommand(
      "add", "create a key; prints its kid and base64url HMAC key (certbot --eab-kid, "
             "--eab-hmac-key)");
  eab_list_ = eab->add_subcommand("list", "list keys: kid, created, bound account or unbound");
  for (CLI::App* sub : {eab_add_, eab_list_})
    admin::AddStoreOptions(sub, data_dir_);
  queries_ = std::make_unique<AdminQueryCommands>(*admin_, data_dir_);
  keys_and_pauses_ = std::make_unique<AdminKeyPauseCommands>(*admin_, data_dir_);
  CLI::App* ratelimit = admin_->add_subcommand("ratelimit", "rate limits");
  ratelimit->require_subcommand(1);
  CLI::App* overrides = ratelimit->add_subcommand(
      "override", "per-key overrides, over the --rate-limits file's; running signetd read them "
                  "within seconds");
  overrides->require_subcommand(1);
  override_add_ = overrides->add_subcommand("add", "add or replace an override");
  override_list_ = overrides->add_subcommand("list", "list overrides: limit, key, count, period");
  override_remove_ = overrides->add_subcommand("remove", "remove an override");
  for (CLI::App* sub : {override_add_, override_list_, override_remove_})
    admin::AddStoreOptions(sub, data_dir_);
  for (CLI::App* sub : {override_add_, override_remove_}) {
    sub->add_option("--limit", limit_, "limit name, e.g. certificates_per_domain")->required();
    sub->add_option("--key", key_, "account id, registered domain, IP, ... (see README)")
        ->required();
  }
  override_add_->add_option("--count", count_, "requests per period")->required();
  override_add_->add_option("--period", period_, "period: N[smhd] or seconds")->required();
}

int AdminCommand::Run() {
  if (revoke_->parsed()) return Revoke();
  if (ari_window_->parsed()) return AriWindow();
  if (eab_add_->parsed()) return EabAdd();
  if (eab_list_->parsed()) return EabList();
  if (auto rc = queries_->Run()) return *rc;
  if (auto rc = keys_and_pauses_->Run()) return *rc;
  if (override_add_->parsed()) return OverrideAdd();
  if (override_list_->parsed()) return OverrideList();
  if (override_remove_->parsed()) return OverrideRemove();
  return Fail(Error(ErrorCode::kMalformed, "unknown admin command"));
}

int AdminCommand::Revoke() {
  auto store = OpenStore(data_dir_);
  if (!store.ok()) return Fail(store.error());
  Status s = ca::AdminRevoke(**store, serials_.at(0), reason_, explanation_);
  if (!s.ok()) return Fail(s.error());
  std::cout << "revoked " << *ca::NormalizeSerial(serials_[0]) << " (reason " << reason_ << ")\n";
  return 0;
}

int AdminCommand::AriWindow() {
  auto start = ca::ParseRfc3339(start_);
  if (!start.ok()) return Fail(start.error());
  auto end = ca::ParseRfc3339(end_);
  if (!end.ok()) return Fail(end.error());
  auto store = OpenStore(data_dir_);
  if (!store.ok()) return Fail(store.error());
  Status s = ca::AdminSetRenewalWindow(**store, serials_, *start, *end, explanation_);
  if (!s.ok()) return Fail(s.error());
  std::cout << "renewal window of " << serials_.size() << " certificate(s) set to " << start_
            << " .. " << end_ << "\n";
  return 0;
}

int AdminCommand::EabAdd() {
  auto store = OpenStore(data_dir_);
  if (!store.ok()) return Fail(store.error());
  auto key = ca::AdminCreateEabKey(**store);
  if (!key.ok()) return Fail(key.error());
  // Exactly these two lines, for scripts and for certbot's flags.
  std::cout << "kid: " << key->kid << "\n"
            << "hmac_key: " << Base64UrlEncode(key->hmac_key) << "\n";
  return 0;
}

int AdminCommand::EabList() {
  auto store = OpenStore(data_dir_);
  if (!store.ok()) return Fail(store.error());
  auto keys = (*store)->ListEabKeys();
  if (!keys.ok()) return Fail(keys.error());
  for (const storage::EabKey& k : *keys) {
    std::cout << k.kid << " " << ca::Rfc3339(k.created_at) << " "
              << (k.account_id.empty() ? "unbound" : k.account_id) << "\n";
  }
  return 0;
}

int AdminCommand::OverrideAdd() {
  auto store = OpenStore(data_dir_);
  if (!store.ok()) return Fail(store.error());
  Status s = ca::ratelimit::AddStoredOverride(**store, limit_, key_, count_, period_);
  if (!s.ok()) return Fail(s.error());
  std::cout << "override of " << limit_ << " for " << key_ << ": " << count_ << " per "
            << period_ << "\n";
  return 0;
}

int AdminCommand::OverrideList() {
  auto store = OpenStore(data_dir_);
  if (!store.ok()) return Fail(store.error());
  auto overrides = (*store)->ListRateLimitOverrides();
  if (!overrides.ok()) return Fail(overrides.error());
  for (const storage::RateLimitOverride& o : *overrides)
    std::cout << o.limit << " " << o.key << " " << o.count << " "
              << FormatDuration(std::chrono::seconds(o.period_seconds)) << "\n";
  return 0;
}

int AdminCommand::OverrideRemove() {
  auto store = OpenStore(data_dir_);
  if (!store.ok()) return Fail(store.error());
  Status s = ca::ratelimit::RemoveStoredOverride(**store, limit_, key_);
  if (!s.ok()) return Fail(s.error());
  std::cout << "removed the override of " << limit_ << " for " << key_ << "\n";
  return 0;
}

}  // namespace signet::app
