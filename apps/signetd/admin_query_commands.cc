#include "admin_query_commands.h"

#include <iostream>

#include "admin_common.h"
#include "ca/ra/admin_queries.h"
#include "ca/wfe/render.h"

namespace signet::app {

using admin::Fail;
using admin::Field;

namespace {

std::string Joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ",") + v;
  return out;
}

void PrintAccount(const acme::Account& a) {
  std::cout << Field(a.id) << "\t" << acme::StatusName(a.status) << "\t"
            << ca::Rfc3339(a.created_at) << "\t" << Field(a.thumbprint) << "\t"
            << Field(Joined(a.contacts)) << "\n";
}

void PrintCertificate(const storage::CertificateSummary& c, acme::TimePoint now) {
  const char* status = c.revoked_at ? "revoked" : c.not_after <= now ? "expired" : "valid";
  std::vector<std::string> names;
  for (const auto& id : c.identifiers) names.push_back(id.value);
  std::cout << Field(c.serial) << "\t" << status << "\t" << ca::Rfc3339(c.not_after) << "\t"
            << Field(c.account_id) << "\t" << Field(c.profile) << "\t" << Field(Joined(names))
            << "\n";
}

}  // namespace

AdminQueryCommands::AdminQueryCommands(CLI::App& admin, admin::StoreLocation& data_dir)
    : data_dir_(data_dir) {
  CLI::App* accounts = admin.add_subcommand("accounts", "list and search ACME accounts");
  accounts->require_subcommand(1);
  accounts_list_ = accounts->add_subcommand("list", "every account, oldest first");
  accounts_search_ = accounts->add_subcommand(
      "search", "accounts matching every filter given (--id, --contact, --thumbprint)");
  accounts_search_->add_option("--id", accounts_.id, "account id (the last part of its URL)");
  accounts_search_->add_option("--contact", accounts_.contact_substring,
                               "text anywhere in a contact URL (any case)");
  accounts_search_->add_option("--thumbprint", accounts_.thumbprint,
                               "RFC 7638 thumbprint of the account key (base64url)");
  CLI::App* certificates =
      admin.add_subcommand("certificates", "list and search issued certificates");
  certificates->require_subcommand(1);
  certificates_list_ = certificates->add_subcommand("list", "every certificate, oldest first");
  certificates_search_ = certificates->add_subcommand(
      "search", "certificates matching every filter given (--serial, --name, --account)");
  certificates_search_->add_option("--serial", certificates_.serial, "serial (hex)");
  certificates_search_->add_option("--name", certificates_.name,
                                   "a name the certificate holds, exactly (dns name or IP)");
  certificates_search_->add_option("--account", certificates_.account_id, "account id");
  for (CLI::App* sub : {accounts_list_, accounts_search_})
    sub->add_option("--after", accounts_.after_id, "continue after this account id");
  for (CLI::App* sub : {certificates_list_, certificates_search_})
    sub->add_option("--after", certificates_.after_serial, "continue after this serial");
  for (CLI::App* sub : {accounts_list_, accounts_search_})
    sub->add_option("--limit", accounts_.limit, "at most this many lines (100)");
  for (CLI::App* sub : {certificates_list_, certificates_search_})
    sub->add_option("--limit", certificates_.limit, "at most this many lines (100)");
  counts_ = admin.add_subcommand(
      "counts", "how many accounts, orders, certificates, authorizations, EAB keys, pauses");
  for (CLI::App* sub : {accounts_list_, accounts_search_, certificates_list_,
                        certificates_search_, counts_})
    admin::AddStoreOptions(sub, data_dir_);
}

std::optional<int> AdminQueryCommands::Run() {
  if (accounts_list_->parsed()) return Accounts(false);
  if (accounts_search_->parsed()) return Accounts(true);
  if (certificates_list_->parsed()) return Certificates(false);
  if (certificates_search_->parsed()) return Certificates(true);
  if (counts_->parsed()) return Counts();
  return std::nullopt;
}

int AdminQueryCommands::Accounts(bool search) {
  if (search && accounts_.id.empty() && accounts_.contact_substring.empty() &&
      accounts_.thumbprint.empty())
    return Fail(Error(ErrorCode::kMalformed,
                      "accounts search needs --id, --contact or --thumbprint (or use list)"));
  auto store = admin::OpenStore(data_dir_);
  if (!store.ok()) return Fail(store.error());
  auto page = ca::AdminFindAccounts(**store, accounts_);
  if (!page.ok()) return Fail(page.error());
  for (const acme::Account& a : page->items) PrintAccount(a);
  if (page->more) admin::MoreFollow(page->items.back().id);
  return 0;
}

int AdminQueryCommands::Certificates(bool search) {
  if (search && certificates_.serial.empty() && certificates_.name.empty() &&
      certificates_.account_id.empty())
    return Fail(Error(ErrorCode::kMalformed,
                      "certificates search needs --serial, --name or --account (or use list)"));
  auto store = admin::OpenStore(data_dir_);
  if (!store.ok()) return Fail(store.error());
  auto page = ca::AdminFindCertificates(**store, certificates_);
  if (!page.ok()) return Fail(page.error());
  acme::TimePoint now = acme::Clock::now();
  for (const auto& c : page->items) PrintCertificate(c, now);
  if (page->more) admin::MoreFollow(page->items.back().serial);
  return 0;
}

int AdminQueryCommands::Counts() {
  auto store = admin::OpenStore(data_dir_);
  if (!store.ok()) return Fail(store.error());
  auto c = ca::AdminCounts(**store, acme::Clock::now());
  if (!c.ok()) return Fail(c.error());
  const std::pair<const char*, int64_t> lines[] = {
      {"accounts_valid", c->accounts_valid},
      {"accounts_deactivated", c->accounts_deactivated},
      {"orders_pending", c->orders_pending},
      {"orders_ready", c->orders_ready},
      {"orders_processing", c->orders_processing},
      {"orders_valid", c->orders_valid},
      {"orders_invalid", c->orders_invalid},
      {"certificates_valid", c->certificates_valid},
      {"certificates_revoked", c->certificates_revoked},
      {"certificates_expired", c->certificates_expired},
      {"authorizations_pending", c->authorizations_pending},
      {"eab_keys_unbound", c->eab_keys_unbound},
      {"eab_keys_bound", c->eab_keys_bound},
      {"paused_pairs", c->paused_pairs},
  };
  for (const auto& [key, n] : lines) std::cout << key << ": " << n << "\n";
  return 0;
}

}  // namespace signet::app
