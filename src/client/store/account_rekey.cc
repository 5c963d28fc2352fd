// AccountStore's key rollover steps (account_store.h).
#include <sys/stat.h>

#include <boost/json/parse.hpp>

#include "base/files.h"
#include "client/store/account_store.h"
#include "client/store/fs_util.h"
#include "jose/jwk.h"

namespace signet::client {
namespace fs = std::filesystem;

namespace {
bool Exists(const fs::path& p) {
  struct stat st;
  return ::lstat(p.c_str(), &st) == 0;
}
}  // namespace

Status AccountStore::StageNewKey(const StoredAccount& current, const crypto::Key& new_key) {
  const std::string id = CertbotAccountId(new_key);
  if (id.empty() || id == current.id())
    return Error(ErrorCode::kMalformed, "the new account key is the current one");
  const fs::path dir = AccountDir(id);
  if (Exists(dir))
    return Error(ErrorCode::kMalformed, dir.string() + " already exists; not overwriting it");
  SIGNET_RETURN_IF_ERROR(store_internal::MakeDirs(dir, 0700));
  SIGNET_RETURN_IF_ERROR(WriteFileAtomic(dir / "private_key.json", AccountKeyJson(new_key), 0400));
  StoredAccount staged = current;
  staged.key = new_key;
  return SaveMeta(staged);
}

Status AccountStore::DiscardStagedKey(const crypto::Key& new_key) {
  const fs::path dir = AccountDir(CertbotAccountId(new_key));
  if (Exists(dir / "regr.json"))
    return Error(ErrorCode::kMalformed, dir.string() + " is a complete account, not a staged key");
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec)
    return Error(ErrorCode::kServerInternal, "cannot remove " + dir.string() + ": " + ec.message());
  return OkStatus();
}

std::vector<StoredAccount> AccountStore::StagedAccounts() const {
  std::vector<StoredAccount> staged;
  for (const std::string& id : store_internal::ListDir(dir_)) {
    const fs::path dir = dir_ / id;
    if (Exists(dir / "regr.json") || !Exists(dir / "private_key.json")) continue;
    auto object = [&](const char* name) -> std::optional<boost::json::object> {
      Result<std::string> text = ReadFile(dir / name);
      boost::system::error_code ec;
      boost::json::value v = text.ok() ? boost::json::parse(*text, ec) : boost::json::value();
      if (!text.ok() || ec || !v.is_object()) return std::nullopt;
      return v.get_object();
    };
    std::optional<boost::json::object> jwk = object("private_key.json");
    std::optional<boost::json::object> meta = object("meta.json");
    Result<crypto::Key> key = jwk ? jose::PrivateKeyFromJwk(*jwk) : Result<crypto::Key>(
                                        Error(ErrorCode::kMalformed, "no key"));
    if (!key.ok() || CertbotAccountId(*key) != id) continue;
    StoredAccount account;
    account.key = std::move(*key);
    account.meta = AccountMeta::Now();
    if (meta) {
      if (auto* v = meta->if_contains("creation_dt"); v && v->is_string())
        account.meta.creation_dt = std::string(v->get_string());
      if (auto* v = meta->if_contains("creation_host"); v && v->is_string())
        account.meta.creation_host = std::string(v->get_string());
      if (auto* v = meta->if_contains("register_to_eff"); v && v->is_string())
        account.meta.register_to_eff = std::string(v->get_string());
    }
    staged.push_back(std::move(account));
  }
  return staged;
}

}  // namespace signet::client
