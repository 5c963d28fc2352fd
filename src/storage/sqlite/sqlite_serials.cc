// SqliteStore: serials recorded before they are signed (migration 0006).
#include "storage/codec.h"
#include "storage/sqlite/sqlite_store.h"

namespace signet::storage {

using Lock = std::lock_guard<std::mutex>;

Status SqliteStore::AddSerial(const SerialRecord& r) {
  // On disk when this returns, before the signer is asked.
  return Submit(sqlite::Durability::kDurable, [&](sqlite::Db&) -> Status {
    SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
        "INSERT INTO serials (serial, order_id, account_id, tbs_der, created_at) "
        "VALUES (?, ?, ?, ?, ?)"));
    s.Bind(1, r.serial).Bind(2, r.order_id).Bind(3, r.account_id).BindBlob(4, r.tbs_der)
        .Bind(5, ToUnix(r.created_at));
    return db_->StepDone(s, "record serial " + r.serial);
  });
}

Status SqliteStore::AddPrecertificate(const std::string& serial, const std::string& der) {
  // On disk before any log sees it: a serial submitted is a serial used.
  return Submit(sqlite::Durability::kDurable, [&](sqlite::Db&) -> Status {
    SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
        "UPDATE serials SET precertificate_der = ? WHERE serial = ?"));
    s.BindBlob(1, der).Bind(2, serial);
    SIGNET_RETURN_IF_ERROR(db_->StepDone(s, "record precertificate " + serial));
    if (db_->Changes() != 1)
      return Error(ErrorCode::kNotFound, "serial " + serial + " was never recorded");
    return OkStatus();
  });
}

uint64_t SqliteStore::DurableCommits() {
  Lock lock(mu_);
  return db_->durable_commits();
}

uint64_t SqliteStore::Commits() {
  Lock lock(mu_);
  return db_->commits();
}

Result<std::optional<SerialRecord>> SqliteStore::GetSerial(const std::string& serial) {
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db->Prepare(
      "SELECT serial, order_id, account_id, tbs_der, created_at, precertificate_der FROM serials "
      "WHERE serial = ?"));
  s.Bind(1, serial);
  int rc = s.Step();
  if (rc == SQLITE_DONE) return std::optional<SerialRecord>();
  if (rc != SQLITE_ROW) return db->LastError("read serial");
  SerialRecord r;
  r.serial = s.Text(0);
  r.order_id = s.Text(1);
  r.account_id = s.Text(2);
  r.tbs_der = s.Blob(3);
  r.created_at = FromUnix(s.Int(4));
  r.precertificate_der = s.Blob(5);  // NULL reads as empty
  return std::optional<SerialRecord>(std::move(r));
}

}  // namespace signet::storage
