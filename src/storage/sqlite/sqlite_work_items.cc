// SqliteStore: work in flight (migration 0013). One signetd writes a SQLite
// store, so a claim needs no row locks: the writer's mutex orders them.
#include <limits>

#include "storage/sqlite/sqlite_store.h"

namespace signet::storage {

using Lock = std::lock_guard<std::mutex>;

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status SqliteStore::AddWorkItem(const std::string& kind, const std::string& object_id,
                                const std::string& owner, std::chrono::milliseconds lease) {
  return Submit(sqlite::Durability::kFast, [&](sqlite::Db&) -> Status {
    const int64_t now = NowMs();
    SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
        "INSERT INTO work_items (kind, object_id, owner, lease_until, attempts, created_at) "
        "VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (kind, object_id) DO UPDATE SET "
        "owner = excluded.owner, lease_until = excluded.lease_until, attempts = 1"));
    s.Bind(1, kind).Bind(2, object_id).Bind(3, owner).Bind(4, now + lease.count()).Bind(5, now);
    return db_->StepDone(s, "add work item");
  });
}

Status SqliteStore::EnsureWorkItem(const std::string& kind, const std::string& object_id) {
  return Submit(sqlite::Durability::kFast, [&](sqlite::Db&) -> Status {
    SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
        "INSERT INTO work_items (kind, object_id, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING"));
    s.Bind(1, kind).Bind(2, object_id).Bind(3, NowMs());
    return db_->StepDone(s, "record work item");
  });
}

Result<std::vector<WorkItem>> SqliteStore::ClaimWorkItems(const std::string& owner,
                                                          std::chrono::milliseconds lease,
                                                          size_t limit, WorkClaim which) {
  Lock lock(mu_);
  const int64_t now = NowMs();
  const int64_t before =
      which == WorkClaim::kAll ? std::numeric_limits<int64_t>::max() : now;
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
      "UPDATE work_items SET owner = ?, lease_until = ?, attempts = attempts + 1 "
      "WHERE (kind, object_id) IN (SELECT kind, object_id FROM work_items "
      "WHERE lease_until < ? ORDER BY lease_until LIMIT ?) "
      "RETURNING kind, object_id, attempts"));
  s.Bind(1, owner).Bind(2, now + lease.count()).Bind(3, before).Bind(4, int64_t(limit));
  std::vector<WorkItem> out;
  for (int rc; (rc = s.Step()) != SQLITE_DONE;) {
    if (rc != SQLITE_ROW) return db_->LastError("claim work items");
    out.push_back({s.Text(0), s.Text(1), int(s.Int(2))});
  }
  return out;
}

Result<bool> SqliteStore::RenewWorkItem(const std::string& kind, const std::string& object_id,
                                        const std::string& owner,
                                        std::chrono::milliseconds lease) {
  Lock lock(mu_);
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
      "UPDATE work_items SET lease_until = ? WHERE kind = ? AND object_id = ? AND owner = ?"));
  s.Bind(1, NowMs() + lease.count()).Bind(2, kind).Bind(3, object_id).Bind(4, owner);
  SIGNET_RETURN_IF_ERROR(db_->StepDone(s, "renew work item"));
  return db_->Changes() == 1;
}

Result<int64_t> SqliteStore::RenewWorkItems(const std::string& owner,
                                            std::chrono::milliseconds lease) {
  Lock lock(mu_);
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
      "UPDATE work_items SET lease_until = ? WHERE owner = ?"));
  s.Bind(1, NowMs() + lease.count()).Bind(2, owner);
  SIGNET_RETURN_IF_ERROR(db_->StepDone(s, "renew work items"));
  return int64_t(db_->Changes());
}

Status SqliteStore::FinishWorkItem(const std::string& kind, const std::string& object_id,
                                   const std::string& owner) {
  return Submit(sqlite::Durability::kFast, [&](sqlite::Db&) -> Status {
    SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
        "DELETE FROM work_items WHERE kind = ? AND object_id = ? AND owner = ?"));
    s.Bind(1, kind).Bind(2, object_id).Bind(3, owner);
    return db_->StepDone(s, "finish work item");
  });
}

Status SqliteStore::ReleaseWorkItems(const std::string& owner) {
  Lock lock(mu_);
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
      "UPDATE work_items SET lease_until = 0 WHERE owner = ?"));
  s.Bind(1, owner);
  return db_->StepDone(s, "release work items");
}

}  // namespace signet::storage
