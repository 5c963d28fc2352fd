#include "storage/sqlite/db.h"

namespace signet::storage::sqlite {

Result<std::unique_ptr<Db>> Db::Open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Db> db(new Db(raw));
  if (rc != SQLITE_OK) return db->LastError("cannot open " + path);
  sqlite3_busy_timeout(raw, 5000);
  // WAL: readers never block the writer. synchronous=NORMAL by default: a
  // process crash loses nothing, a power loss at most the last commits. The
  // commits that must survive a power loss (a serial before it is signed, an
  // issued certificate, a revocation) are Durability::kDurable transactions,
  // which switch to FULL for their commit: one fsync each (about 4 ms on the
  // development VM's disk, against 0.05 ms for a NORMAL commit).
  SIGNET_RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode=WAL"));
  SIGNET_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=NORMAL"));
  SIGNET_RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys=ON"));
  return db;
}

Transaction::Transaction(Db& db, Durability durability) : db_(db), durability_(durability) {
  // The connection's setting applies to its next commits: set for this
  // transaction before BEGIN, put back after its end.
  if (durability_ == Durability::kDurable && !db_.Exec("PRAGMA synchronous=FULL").ok()) return;
  begun_ = db_.Exec("BEGIN IMMEDIATE").ok();
}

Status Transaction::Commit() {
  done_ = true;
  SIGNET_RETURN_IF_ERROR(db_.Exec("COMMIT"));
  if (durability_ == Durability::kDurable) ++db_.durable_commits_;
  return OkStatus();
}

Transaction::~Transaction() {
  if (begun_ && !done_) (void)db_.Exec("ROLLBACK");
  if (durability_ == Durability::kDurable) (void)db_.Exec("PRAGMA synchronous=NORMAL");
}

Db::~Db() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Status Db::Exec(std::string_view sql) {
  char* msg = nullptr;
  std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string detail = msg ? msg : "unknown error";
    sqlite3_free(msg);
    return Error(ErrorCode::kServerInternal, "sqlite: " + detail);
  }
  return OkStatus();
}

Result<Stmt> Db::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Stmt(it->second);
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &s,
                         nullptr) != SQLITE_OK)
    return LastError("prepare");
  cache_.emplace(sql, s);
  return Stmt(s);
}

Error Db::LastError(std::string_view what) const {
  return Error(ErrorCode::kServerInternal,
               "sqlite " + std::string(what) + ": " + sqlite3_errmsg(db_));
}

Status Db::StepDone(Stmt& stmt, std::string_view what) {
  int rc = stmt.Step();
  if (rc != SQLITE_DONE) return LastError(what);
  return OkStatus();
}

}  // namespace signet::storage::sqlite
