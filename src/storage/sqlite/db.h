// A thin RAII layer over the SQLite C API: a connection and prepared
// statements with bind/step/column helpers. Not thread-safe: SqliteStore
// serialises access to one Db with its mutex.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include <sqlite3.h>

#include "base/result.h"

namespace signet::storage::sqlite {

// A use of a cached prepared statement; resets it when the use ends.
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  ~Stmt() { if (s_) sqlite3_reset(s_), sqlite3_clear_bindings(s_); }
  Stmt(Stmt&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& operator=(Stmt&&) = delete;

  Stmt& Bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), int(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob(s_, i, v.data(), int(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); return *this; }
  Stmt& Bind(int i, std::optional<int64_t> v) {
    if (v) sqlite3_bind_int64(s_, i, *v); else sqlite3_bind_null(s_, i);
    return *this;
  }
  Stmt& BindNullable(int i, std::string_view v) {
    if (v.empty()) sqlite3_bind_null(s_, i); else Bind(i, v);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(s_); }
  std::string Text(int col) const {
    const unsigned char* t = sqlite3_column_text(s_, col);
    return t ? std::string(reinterpret_cast<const char*>(t), size_t(sqlite3_column_bytes(s_, col)))
             : std::string();
  }
  std::string Blob(int col) const {
    const void* b = sqlite3_column_blob(s_, col);
    return b ? std::string(static_cast<const char*>(b), size_t(sqlite3_column_bytes(s_, col)))
             : std::string();
  }
  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* s_;
};

// How long a statement waits for a write lock held by another process
// (another signetd on the same file, an operator's sqlite3 shell) before
// giving up, and how long after such a give-up every other wait on this
// connection gives up at once: callers queued behind the store's writer
// mutex then fail in turn within milliseconds instead of each waiting the
// full time (a queue of 16 handler threads x 5 s was a minute-long hang).
inline constexpr std::chrono::milliseconds kBusyWait{1500};
inline constexpr std::chrono::milliseconds kBusyFailFast{1000};
// Retry-After of a storage fault (locked, full, read-only, I/O error).
inline constexpr int kStorageRetryAfterSeconds = 5;

// The Error for SQLite result code `rc` while doing `what`: every failure is
// kServerInternal; the transient ones (the database locked, the disk full,
// read-only or failing) say so in the detail and carry Retry-After, as the
// service resumes by itself when the fault ends.
Error StorageError(int rc, std::string_view what, std::string_view message);

class Db {
 public:
  static Result<std::unique_ptr<Db>> Open(const std::string& path);
  ~Db();

  Status Exec(std::string_view sql);
  // A cached prepared statement for `sql` (prepared once per connection).
  Result<Stmt> Prepare(const std::string& sql);
  Error LastError(std::string_view what) const;
  // Runs `step` on `stmt` and maps anything but SQLITE_DONE to an Error.
  Status StepDone(Stmt& stmt, std::string_view what);
  int Changes() const { return sqlite3_changes(db_); }
  // The extended result code of the last failure (e.g. SQLITE_CONSTRAINT_UNIQUE).
  int ExtendedErrorCode() const { return sqlite3_extended_errcode(db_); }
  // Transactions committed with Durability::kDurable on this connection.
  uint64_t durable_commits() const { return durable_commits_; }
  // Every transaction committed on this connection, explicit or implicit
  // (counted by sqlite3_commit_hook).
  uint64_t commits() const { return commits_; }
  // Inside BEGIN ... COMMIT (false once SQLite rolled a failed one back).
  bool InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }
  // The connection, for hooks (sqlite/checkpointer.h).
  sqlite3* handle() const { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  static Result<std::unique_ptr<Db>> OpenUnchecked(const std::string& path);
  friend class Transaction;
  // sqlite3_busy_handler: waits up to kBusyWait per statement, none while
  // fail_fast_until_ is ahead.
  static int OnBusy(void* self, int attempts);
  sqlite3* db_;
  std::chrono::steady_clock::time_point busy_since_;
  std::chrono::steady_clock::time_point fail_fast_until_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
  uint64_t durable_commits_ = 0;
  uint64_t commits_ = 0;
};

// How a commit reaches the disk (WAL mode). kFast (synchronous=NORMAL, the
// connection's default): consistent after a crash of the process, but a
// power loss may take the last commits. kDurable (synchronous=FULL for this
// commit): the WAL is fsynced before COMMIT returns. The WAL is written in
// commit order, so a durable commit also makes every earlier one durable.
enum class Durability { kFast, kDurable };

// BEGIN IMMEDIATE ... COMMIT, rolled back on destruction unless committed.
class Transaction {
 public:
  explicit Transaction(Db& db, Durability durability = Durability::kFast);
  ~Transaction();
  bool begun() const { return begun_; }
  Status Commit();

 private:
  Db& db_;
  Durability durability_;
  bool begun_ = false;
  bool done_ = false;
};

}  // namespace signet::storage::sqlite
