#include "storage/sqlite/db.h"

#include <sys/statvfs.h>

#include <filesystem>
#include <thread>

namespace signet::storage::sqlite {

Error StorageError(int rc, std::string_view what, std::string_view message) {
  const char* cause = nullptr;
  switch (rc & 0xff) {  // the primary code of an extended one
    case SQLITE_BUSY:
    case SQLITE_LOCKED: cause = "the database is locked by another process"; break;
    case SQLITE_FULL: cause = "the data directory's disk is full"; break;
    case SQLITE_READONLY: cause = "the database or its directory is read-only"; break;
    case SQLITE_IOERR: cause = "a disk I/O error"; break;
    case SQLITE_CANTOPEN: cause = "the database file cannot be opened"; break;
    default: break;
  }
  std::string detail = "sqlite " + std::string(what) + ": " + std::string(message);
  if (cause == nullptr) return Error(ErrorCode::kServerInternal, detail);
  Error e(ErrorCode::kServerInternal, "storage unavailable (" + std::string(cause) + "): " +
                                          detail + "; retry in " +
                                          std::to_string(kStorageRetryAfterSeconds) + " s");
  e.retry_after_seconds = kStorageRetryAfterSeconds;
  return e;
}

int Db::OnBusy(void* self, int attempts) {
  Db& db = *static_cast<Db*>(self);
  auto now = std::chrono::steady_clock::now();
  if (attempts == 0) db.busy_since_ = now;
  if (now < db.fail_fast_until_) return 0;
  if (now - db.busy_since_ >= kBusyWait) {
    db.fail_fast_until_ = now + kBusyFailFast;
    return 0;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(attempts < 10 ? 2 : 20));
  return 1;
}

namespace {

// Why a database cannot be opened, for the one line signetd prints before
// exiting: a read-only file system is named as such (SQLite only says
// "unable to open database file" when it cannot create the WAL's files).
Error OpenError(const std::string& path, const Error& cause) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  struct statvfs fs {};
  if (statvfs(dir.c_str(), &fs) == 0 && (fs.f_flag & ST_RDONLY))
    return Error(ErrorCode::kServerInternal,
                 "cannot open the database " + path + ": " + dir.string() +
                     " is on a read-only file system; remount it read-write");
  return Error(ErrorCode::kServerInternal, "cannot open the database " + path + ": " + cause.detail);
}

}  // namespace

Result<std::unique_ptr<Db>> Db::Open(const std::string& path) {
  Result<std::unique_ptr<Db>> db = OpenUnchecked(path);
  if (!db.ok()) return OpenError(path, db.error());
  return db;
}

Result<std::unique_ptr<Db>> Db::OpenUnchecked(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Db> db(new Db(raw));
  if (rc != SQLITE_OK) return db->LastError("open");
  sqlite3_busy_handler(raw, &Db::OnBusy, db.get());
  sqlite3_commit_hook(raw, [](void* self) { ++static_cast<Db*>(self)->commits_; return 0; },
                      db.get());
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
  // A COMMIT that fails (the disk full, the database locked) may leave the
  // transaction open: then the destructor rolls it back, or every later
  // BEGIN on this connection would fail ("within a transaction") long after
  // the fault ended.
  SIGNET_RETURN_IF_ERROR(db_.Exec("COMMIT"));
  done_ = true;
  if (durability_ == Durability::kDurable) ++db_.durable_commits_;
  return OkStatus();
}

Transaction::~Transaction() {
  if (begun_ && !done_ && !sqlite3_get_autocommit(db_.db_)) (void)db_.Exec("ROLLBACK");
  if (durability_ == Durability::kDurable) (void)db_.Exec("PRAGMA synchronous=NORMAL");
}

Db::~Db() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Status Db::Exec(std::string_view sql) {
  char* msg = nullptr;
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &msg);
  if (rc != SQLITE_OK) {
    std::string detail = msg ? msg : "unknown error";
    sqlite3_free(msg);
    return StorageError(sqlite3_extended_errcode(db_), sql.substr(0, sql.find(' ')), detail);
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
  return StorageError(sqlite3_extended_errcode(db_), what, sqlite3_errmsg(db_));
}

Status Db::StepDone(Stmt& stmt, std::string_view what) {
  int rc = stmt.Step();
  if (rc != SQLITE_DONE) return LastError(what);
  return OkStatus();
}

}  // namespace signet::storage::sqlite
