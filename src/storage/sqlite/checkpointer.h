// Checkpoints the store's WAL on a thread of its own, so that no write waits
// for one.
//
// By default SQLite checkpoints inside the commit that takes the WAL past
// 1000 pages: that writer (and, with group commit, every writer queued
// behind it) waits while the WAL's pages are copied into the database file
// and the file is fsynced. In a store of a million certificates those pages
// lie all over a file of gigabytes, and that wait grew enough to cost the
// whole store a tenth of its throughput (docs/performance.md). Here the
// writer's commit only wakes this thread when the WAL has kCheckpointPages,
// and the thread runs a PASSIVE checkpoint on its own connection: it copies
// what no reader still needs while writers keep appending, and the next
// writer after a complete one starts the WAL over. Durability is unchanged:
// a commit is durable (or not) by its WAL write; a checkpoint only moves
// committed pages.
//
// Should the thread fall behind (a slow disk), the writer checkpoints
// itself once the WAL reaches kInlineCheckpointPages, so the WAL stays
// bounded as with SQLite's default.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "storage/sqlite/db.h"

namespace signet::storage::sqlite {

class Checkpointer {
 public:
  static constexpr int kCheckpointPages = 1000;  // SQLite's wal_autocheckpoint
  static constexpr int kInlineCheckpointPages = 16 * kCheckpointPages;

  // Takes over `writer`'s checkpoints (its WAL hook) and checkpoints the
  // database at `path` through a connection of its own. `writer` outlives
  // the Checkpointer.
  static Result<std::unique_ptr<Checkpointer>> Start(Db& writer, const std::string& path);
  // Stops the thread, and gives the checkpoints back to `writer`.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Checkpoints this thread ran (tests, figures).
  uint64_t checkpoints() const;

 private:
  Checkpointer(Db& writer, std::unique_ptr<Db> own) : writer_(writer), db_(std::move(own)) {}
  // sqlite3_wal_hook: after each commit on the writer, with the WAL's size.
  static int OnCommit(void* self, sqlite3* db, const char* name, int pages);
  void Run();

  Db& writer_;
  std::unique_ptr<Db> db_;  // used by the thread only
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool due_ = false;           // GUARDED_BY(mu_)
  int requested_at_ = 0;       // GUARDED_BY(mu_): the WAL's pages at the last request
  bool stop_ = false;          // GUARDED_BY(mu_)
  uint64_t checkpoints_ = 0;   // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace signet::storage::sqlite
