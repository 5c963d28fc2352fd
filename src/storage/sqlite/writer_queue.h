// Group commit for the store's one writer connection, after leveldb's writer
// queue: concurrent writes share one transaction, and so one commit (one
// fsync of the WAL when any of them is durable).
//
// Each caller queues its operation and waits. The caller at the front of the
// queue is the leader: it takes the operations queued so far (its own first),
// runs them in one BEGIN IMMEDIATE ... COMMIT, each inside a SAVEPOINT of its
// own, and then wakes each caller with that caller's own result. An operation
// that fails is rolled back to its savepoint alone; the others commit. A
// caller returns only after the commit holding its write has returned, with
// synchronous=FULL when any operation of the group asked for kDurable, so a
// durable write is on disk when its caller returns, as before.
//
// If the group's transaction is lost as a whole (its COMMIT fails, or a
// failure such as a full disk made SQLite roll it all back), every operation
// of the group is run again alone in a transaction of its own, so that no
// caller is answered with another's error and none is left half-written.
// Operations must therefore be safe to run again after a rollback: they
// write their outputs afresh on each run.
//
// Thread-safe. The leader holds `db_mu` while it uses the connection, so
// code that takes that mutex itself (migrations, rarely used writes) stays
// serialised with the groups.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "storage/sqlite/db.h"

namespace signet::storage::sqlite {

class WriterQueue {
 public:
  // The writes of one store call. Runs on the leader's thread, with the
  // connection to itself; its error rolls back its writes alone.
  using Op = std::function<Status(Db&)>;
  // Most operations one transaction takes: bounds the leader's own wait.
  static constexpr size_t kMaxGroup = 128;

  // `db` and `db_mu` outlive the queue.
  WriterQueue(Db& db, std::mutex& db_mu) : db_(db), db_mu_(db_mu) {}

  // Runs `op` in the next group and returns its result once the group's
  // commit returned. REQUIRES: not called from inside an Op (it would wait
  // for itself).
  [[nodiscard]] Status Write(Durability durability, const Op& op);

  // How many groups committed, and how many operations they held.
  uint64_t groups() const;
  uint64_t operations() const;
  // Callers waiting, the leader's group included (tests).
  size_t queued() const;

 private:
  struct Writer {
    Writer(const Op* o, Durability d) : op(o), durability(d) {}
    const Op* op;
    Durability durability;
    Status result = OkStatus();
    bool done = false;
    std::condition_variable cv;
  };

  // REQUIRES: db_mu_ held. Sets each writer's result.
  void RunGroup(const std::vector<Writer*>& group);
  void RunAlone(Writer& w);

  Db& db_;
  std::mutex& db_mu_;
  mutable std::mutex mu_;
  std::deque<Writer*> queue_;  // GUARDED_BY(mu_); the front one leads
  uint64_t groups_ = 0;        // GUARDED_BY(mu_)
  uint64_t operations_ = 0;    // GUARDED_BY(mu_)
};

}  // namespace signet::storage::sqlite
