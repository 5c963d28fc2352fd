// SqliteStore: leadership and published CRLs (migration 0014). One signetd
// uses a SQLite store, so it always leads.
#include "storage/codec.h"
#include "storage/sqlite/sqlite_store.h"

namespace signet::storage {

namespace {

class ExclusiveLock : public LeaderLock {
 public:
  Result<bool> Hold() override { return true; }
  bool exclusive() const override { return true; }
};

}  // namespace

std::unique_ptr<LeaderLock> SqliteStore::NewLeaderLock(const std::string&) {
  return std::make_unique<ExclusiveLock>();
}

Status SqliteStore::SaveCrl(const StoredCrl& crl) {
  std::lock_guard<std::mutex> lock(mu_);
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
      "INSERT INTO published_crls (shard, number, der, this_update, next_update, entries) "
      "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (shard) DO UPDATE SET number = excluded.number, "
      "der = excluded.der, this_update = excluded.this_update, "
      "next_update = excluded.next_update, entries = excluded.entries "
      "WHERE published_crls.number < excluded.number"));
  s.Bind(1, int64_t(crl.shard)).Bind(2, crl.number).BindBlob(3, crl.der)
      .Bind(4, ToUnix(crl.this_update)).Bind(5, ToUnix(crl.next_update)).Bind(6, crl.entries);
  return db_->StepDone(s, "save CRL");
}

Result<std::map<int, int64_t>> SqliteStore::StoredCrlNumbers() {
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db->Prepare("SELECT shard, number FROM published_crls"));
  std::map<int, int64_t> out;
  for (int rc; (rc = s.Step()) != SQLITE_DONE;) {
    if (rc != SQLITE_ROW) return db->LastError("read CRL numbers");
    out[int(s.Int(0))] = s.Int(1);
  }
  return out;
}

Result<std::optional<StoredCrl>> SqliteStore::GetStoredCrl(int shard) {
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db->Prepare(
      "SELECT number, der, this_update, next_update, entries FROM published_crls WHERE shard = ?"));
  s.Bind(1, int64_t(shard));
  int rc = s.Step();
  if (rc == SQLITE_DONE) return std::optional<StoredCrl>();
  if (rc != SQLITE_ROW) return db->LastError("read CRL");
  StoredCrl crl{shard, s.Int(0), s.Blob(1), FromUnix(s.Int(2)), FromUnix(s.Int(3)), s.Int(4)};
  return std::optional<StoredCrl>(std::move(crl));
}

}  // namespace signet::storage
