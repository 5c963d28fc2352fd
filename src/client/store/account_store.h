// ACME accounts as certbot 2.1 stores them (account.py AccountFileStorage):
//
//   CONFIG/accounts/SERVER_PATH/ID/           directories 0700
//     private_key.json  0400  the account key as a private JWK
//                             (RSA: n, e, d, p, q, dp, dq, qi, kty;
//                              EC: d, x, y, crv, kty)
//     regr.json         0644  {"body": {}, "uri": "ACCOUNT_URL"}
//     meta.json         0644  {"creation_dt": "2026-01-02T03:04:05Z",
//                              "creation_host": "host.example"}
//
// SERVER_PATH is the directory URL's host[:port] and path
// ("https://acme-v02.api.letsencrypt.org/directory" ->
// "acme-v02.api.letsencrypt.org/directory"); ID is the hex MD5 of the
// public key's SubjectPublicKeyInfo PEM. JSON is written as Python's
// json.dumps writes it, so the files are byte-identical to certbot's.
//
// An AccountStore is a plain value naming one server's account directory.
// REQUIRES: writers hold the config directory's lock (StoreLock).
#pragma once

#include <boost/json/object.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "client/store/layout.h"
#include "crypto/key.h"

namespace signet::client {

// account.Account.Meta.
struct AccountMeta {
  std::string creation_dt;                     // RFC 3339, UTC, whole seconds ("...Z")
  std::string creation_host;                   // the creating host's FQDN (socket.getfqdn())
  std::optional<std::string> register_to_eff;  // omitted when unset

  // Now, on this host, as certbot fills it for a new account.
  static AccountMeta Now();
};

// One account on disk.
struct StoredAccount {
  crypto::Key key;  // the account key pair
  std::string uri;  // the account URL (RFC 8555 7.3, newAccount's Location)
  AccountMeta meta;
  // regr.json as read (certbot before 1.x stored the account object in
  // "body"); empty for accounts made here. Save writes certbot 2.1's form.
  boost::json::object regr;

  std::string id() const;
};

// certbot's account id for `key`.
std::string CertbotAccountId(const crypto::Key& key);

// certbot's configuration.server_path: netloc + path of `server_url`.
// kMalformed for a URL without scheme and host.
Result<std::string> ServerPath(std::string_view server_url);

// private_key.json / regr.json / meta.json texts, as certbot writes them.
std::string AccountKeyJson(const crypto::Key& key);
std::string RegrJson(std::string_view uri);
std::string MetaJson(const AccountMeta& meta);

class AccountStore {
 public:
  static Result<AccountStore> ForServer(const StoreLayout& layout, std::string_view server_url);

  // accounts/SERVER_PATH
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path AccountDir(std::string_view id) const { return dir_ / id; }

  // Writes all three files (certbot's save); the key file is not rewritten
  // if present, as its content is determined by the id.
  Status Save(const StoredAccount& account);
  // Rewrites regr.json (certbot's update_regr) or meta.json (update_meta).
  Status SaveRegr(const StoredAccount& account);
  Status SaveMeta(const StoredAccount& account);

  // kNotFound when there is no such account directory.
  Result<StoredAccount> Load(std::string_view id) const;
  // Every loadable account for this server, by id; broken ones are skipped,
  // as certbot's find_all does. For Let's Encrypt's v02 directories, falls
  // back to the v01 accounts certbot reuses (constants.LE_REUSE_SERVERS).
  std::vector<StoredAccount> LoadAll() const;
  // Removes the account directory, then this server's directory if empty.
  Status Delete(std::string_view id);

  // Account key rollover (RFC 8555 7.3.5) on disk, around the CA's answer,
  // so that a key the CA may hold is never lost. The id is the key's (see
  // CertbotAccountId), so the new key makes a new account directory:
  //  1. StageNewKey, before asking the CA: NEW_ID/private_key.json (0400,
  //     written atomically) and meta.json, but no regr.json, so neither
  //     certbot nor signet loads it yet (both skip an account without it).
  //  2a. The CA accepted: the caller points renewal confs at NEW_ID,
  //     Deletes OLD_ID, and Saves the account with the new key, which
  //     writes regr.json last: only then is NEW_ID an account.
  //  2b. The CA refused: DiscardStagedKey removes NEW_ID.
  // A run killed after 1 leaves a staged account: StagedAccounts finds it
  // (key and meta; the URL is the CA's to tell). kMalformed if NEW_ID
  // already exists.
  Status StageNewKey(const StoredAccount& current, const crypto::Key& new_key);
  Status DiscardStagedKey(const crypto::Key& new_key);
  std::vector<StoredAccount> StagedAccounts() const;

 private:
  AccountStore(std::filesystem::path accounts_root, std::filesystem::path dir,
               std::string server_path)
      : accounts_root_(std::move(accounts_root)),
        dir_(std::move(dir)),
        server_path_(std::move(server_path)) {}

  std::filesystem::path accounts_root_;  // CONFIG/accounts
  std::filesystem::path dir_;
  std::string server_path_;
};

}  // namespace signet::client
