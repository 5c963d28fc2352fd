// SqliteStore: external account binding keys (migration 0007).
#include "storage/codec.h"
#include "storage/sqlite/sqlite_store.h"

namespace signet::storage {

using Lock = std::lock_guard<std::mutex>;

namespace {

#define EAB_COLUMNS "kid, hmac_key, created_at, account_id, bound_at"

EabKey ReadEabKey(const sqlite::Stmt& s) {
  EabKey k;
  k.kid = s.Text(0);
  k.hmac_key = s.Blob(1);
  k.created_at = FromUnix(s.Int(2));
  k.account_id = s.Text(3);
  if (!s.IsNull(4)) k.bound_at = FromUnix(s.Int(4));
  return k;
}

}  // namespace

Result<std::optional<EabKey>> SqliteStore::GetEabKey(const std::string& kid) {
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s,
                          db->Prepare("SELECT " EAB_COLUMNS " FROM eab_keys WHERE kid = ?"));
  s.Bind(1, kid);
  int rc = s.Step();
  if (rc == SQLITE_DONE) return std::optional<EabKey>();
  if (rc != SQLITE_ROW) return db->LastError("read EAB key");
  return std::optional<EabKey>(ReadEabKey(s));
}

Result<std::vector<EabKey>> SqliteStore::ListEabKeys() {
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db->Prepare(
      "SELECT " EAB_COLUMNS " FROM eab_keys ORDER BY created_at, kid"));
  std::vector<EabKey> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.push_back(ReadEabKey(s));
  if (rc != SQLITE_DONE) return db->LastError("list EAB keys");
  return out;
}

Status SqliteStore::AddEabKey(const EabKey& k) {
  Lock lock(mu_);
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
      "INSERT INTO eab_keys (kid, hmac_key, created_at) VALUES (?, ?, ?)"));
  s.Bind(1, k.kid).BindBlob(2, k.hmac_key).Bind(3, ToUnix(k.created_at));
  return db_->StepDone(s, "add EAB key " + k.kid);
}

Status SqliteStore::CreateAccountWithEab(const acme::Account& a, const std::string& kid) {
  return Submit(sqlite::Durability::kFast, [&](sqlite::Db&) -> Status {
    SIGNET_RETURN_IF_ERROR(InsertAccount(a));
    // The compare-and-set that makes a key bind one account: only an unbound
    // key is claimed; the transaction holds the write lock from BEGIN IMMEDIATE.
    SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt claim, db_->Prepare(
        "UPDATE eab_keys SET account_id = ?, bound_at = ? WHERE kid = ? AND account_id IS NULL"));
    claim.Bind(1, a.id).Bind(2, ToUnix(a.created_at)).Bind(3, kid);
    SIGNET_RETURN_IF_ERROR(db_->StepDone(claim, "bind EAB key " + kid));
    if (db_->Changes() == 0) {
      SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt known,
                              db_->Prepare("SELECT 1 FROM eab_keys WHERE kid = ?"));
      known.Bind(1, kid);
      if (known.Step() != SQLITE_ROW)
        return Error(ErrorCode::kUnauthorized,
                     "EAB key \"" + kid + "\" is not known to this CA; ask its operator for one");
      return Error(ErrorCode::kUnauthorized,
                   "EAB key already used: \"" + kid + "\" is bound to another account; ask the "
                   "CA's operator for a new one");
    }
    return OkStatus();
  });
}

}  // namespace signet::storage
