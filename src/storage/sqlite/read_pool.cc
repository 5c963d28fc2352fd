#include "storage/sqlite/read_pool.h"

namespace signet::storage::sqlite {

Result<std::unique_ptr<ReadPool>> ReadPool::Open(const std::string& path, size_t size) {
  std::unique_ptr<ReadPool> pool(new ReadPool());
  for (size_t i = 0; i < size; ++i) {
    SIGNET_ASSIGN_OR_RETURN(auto db, Db::Open(path));
    pool->idle_.push_back(db.get());
    pool->all_.push_back(std::move(db));
  }
  return pool;
}

ReadPool::Lease ReadPool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  returned_.wait(lock, [this] { return !idle_.empty(); });
  Db* db = idle_.back();
  idle_.pop_back();
  return Lease(*this, db);
}

void ReadPool::Return(Db* db) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(db);
  }
  returned_.notify_one();
}

}  // namespace signet::storage::sqlite
