#include "admin_key_pause_commands.h"

#include <iostream>

#include "admin_common.h"
#include "base/files.h"
#include "ca/ra/admin_block_key.h"
#include "ca/ra/admin_pausing.h"
#include "ca/wfe/render.h"

namespace signet::app {

using admin::Fail;
using admin::Field;
using admin::IdentifierText;

AdminKeyPauseCommands::AdminKeyPauseCommands(CLI::App& admin, admin::StoreLocation& data_dir)
    : data_dir_(data_dir) {
  block_key_ = admin.add_subcommand(
      "block-key", "refuse a key for all future certificates and accounts (no revocation)");
  auto* by_hash = block_key_->add_option("--spki-sha256", spki_sha256_,
                                         "SHA-256 (hex) of the key's SubjectPublicKeyInfo DER");
  auto* by_cert = block_key_->add_option("--cert", cert_file_,
                                         "PEM file of a certificate whose key to block");
  by_hash->excludes(by_cert);
  pause_ = admin.add_subcommand("pause", "pause an account for an identifier (newOrder refused)");
  unpause_ = admin.add_subcommand(
      "unpause", "unpause an account for an identifier, or for all it is paused for");
  paused_ = admin.add_subcommand("paused", "list the (account, identifier) pairs paused now");
  for (CLI::App* sub : {pause_, unpause_})
    sub->add_option("--account", account_, "account id (the last part of its URL)")->required();
  pause_->add_option("--identifier", identifier_, "dns:NAME or ip:ADDRESS")->required();
  unpause_->add_option("--identifier", identifier_, "dns:NAME or ip:ADDRESS (default: all)");
  paused_->add_option("--account", account_, "only this account's");
  paused_->add_option("--limit", limit_, "at most this many lines (100)");
  for (CLI::App* sub : {block_key_, pause_, unpause_, paused_})
    admin::AddStoreOptions(sub, data_dir_);
}

std::optional<int> AdminKeyPauseCommands::Run() {
  if (block_key_->parsed()) return BlockKey();
  if (pause_->parsed()) return Pause();
  if (unpause_->parsed()) return Unpause();
  if (paused_->parsed()) return Paused();
  return std::nullopt;
}

int AdminKeyPauseCommands::BlockKey() {
  if (spki_sha256_.empty() && cert_file_.empty())
    return Fail(Error(ErrorCode::kMalformed, "block-key needs --spki-sha256 HEX or --cert FILE"));
  std::string pem;
  if (!cert_file_.empty()) {  // read before the store is opened: bad input changes nothing
    auto read = ReadFile(cert_file_);
    if (!read.ok()) return Fail(read.error());
    pem = std::move(*read);
  }
  auto store = admin::OpenStore(data_dir_);
  if (!store.ok()) return Fail(store.error());
  auto blocked = cert_file_.empty() ? ca::AdminBlockKeyBySpkiHash(**store, spki_sha256_)
                                    : ca::AdminBlockKeyByCertificate(**store, pem);
  if (!blocked.ok()) return Fail(blocked.error());
  std::cout << "blocked\t" << blocked->spki_sha256 << "\t" << Field(blocked->serial)
            << (blocked->already ? "\talready" : "") << "\n";
  return 0;
}

int AdminKeyPauseCommands::Pause() {
  auto id = ca::ParseIdentifierArg(identifier_);
  if (!id.ok()) return Fail(id.error());
  auto store = admin::OpenStore(data_dir_);
  if (!store.ok()) return Fail(store.error());
  auto paused = ca::AdminPause(**store, account_, *id);
  if (!paused.ok()) return Fail(paused.error());
  std::cout << "paused\t" << Field(account_) << "\t" << IdentifierText(*id)
            << (*paused ? "" : "\talready") << "\n";
  return 0;
}

int AdminKeyPauseCommands::Unpause() {
  std::optional<acme::Identifier> only;
  if (!identifier_.empty()) {
    auto id = ca::ParseIdentifierArg(identifier_);
    if (!id.ok()) return Fail(id.error());
    only = *id;
  }
  auto store = admin::OpenStore(data_dir_);
  if (!store.ok()) return Fail(store.error());
  auto unpaused = ca::AdminUnpause(**store, account_, only);
  if (!unpaused.ok()) return Fail(unpaused.error());
  for (const acme::Identifier& id : *unpaused)
    std::cout << "unpaused\t" << Field(account_) << "\t" << IdentifierText(id) << "\n";
  return 0;
}

int AdminKeyPauseCommands::Paused() {
  auto store = admin::OpenStore(data_dir_);
  if (!store.ok()) return Fail(store.error());
  auto pairs = ca::AdminListPaused(**store, account_, limit_);
  if (!pairs.ok()) return Fail(pairs.error());
  for (const storage::PauseState& p : *pairs)
    std::cout << Field(p.account_id) << "\t" << IdentifierText(p.identifier) << "\t"
              << ca::Rfc3339(*p.paused_at) << "\t" << p.failures << "\n";
  return 0;
}

}  // namespace signet::app
