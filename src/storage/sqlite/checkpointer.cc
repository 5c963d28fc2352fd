#include "storage/sqlite/checkpointer.h"

namespace signet::storage::sqlite {

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(Db& writer, const std::string& path) {
  SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<Db> own, Db::Open(path));
  std::unique_ptr<Checkpointer> c(new Checkpointer(writer, std::move(own)));
  c->thread_ = std::thread([p = c.get()] { p->Run(); });
  sqlite3_wal_hook(writer.handle(), &Checkpointer::OnCommit, c.get());
  return c;
}

Checkpointer::~Checkpointer() {
  sqlite3_wal_autocheckpoint(writer_.handle(), kCheckpointPages);  // replaces our hook
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

int Checkpointer::OnCommit(void* self, sqlite3* db, const char* name, int pages) {
  auto& c = *static_cast<Checkpointer*>(self);
  if (pages >= kInlineCheckpointPages) {  // the thread is behind: as SQLite's default would
    (void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (pages >= kCheckpointPages) {
    // While readers keep the WAL from starting over, every commit finds it
    // past the threshold: ask again only when a quarter more was written
    // (each checkpoint syncs the WAL and the database file).
    std::lock_guard<std::mutex> lock(c.mu_);
    if (pages < c.requested_at_ || pages >= c.requested_at_ + kCheckpointPages / 4) {
      c.requested_at_ = pages;
      c.due_ = true;
      c.wake_.notify_one();
    }
  }
  return SQLITE_OK;
}

void Checkpointer::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return due_ || stop_; });
    if (stop_) return;
    due_ = false;
    lock.unlock();
    // PASSIVE: never waits for the writer or a reader, and never calls the
    // busy handler; what it cannot copy now, the next one will.
    (void)sqlite3_wal_checkpoint_v2(db_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                    nullptr);
    lock.lock();
    ++checkpoints_;
  }
}

uint64_t Checkpointer::checkpoints() const {
  std::lock_guard<std::mutex> lock(mu_);
  return checkpoints_;
}

}  // namespace signet::storage::sqlite
