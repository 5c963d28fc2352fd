// A few connections for lookups, lent out one caller at a time, so that a
// read never waits behind the writer's mutex or another reader's query: in
// WAL mode readers and the writer do not block each other, and each read
// sees every transaction committed before it began.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/sqlite/db.h"

namespace signet::storage::sqlite {

class ReadPool {
 public:
  static Result<std::unique_ptr<ReadPool>> Open(const std::string& path, size_t size);

  // A connection, exclusively the holder's until the lease ends.
  class Lease {
   public:
    Lease(ReadPool& pool, Db* db) : pool_(pool), db_(db) {}
    ~Lease() { pool_.Return(db_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Db& operator*() const { return *db_; }
    Db* operator->() const { return db_; }

   private:
    ReadPool& pool_;
    Db* db_;
  };

  // Waits while every connection is lent out.
  Lease Acquire();

 private:
  ReadPool() = default;
  void Return(Db* db);

  std::vector<std::unique_ptr<Db>> all_;
  std::mutex mu_;
  std::condition_variable returned_;
  std::vector<Db*> idle_;  // GUARDED_BY(mu_)
};

}  // namespace signet::storage::sqlite
