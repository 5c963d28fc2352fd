#include "storage/sqlite/writer_queue.h"

#include <algorithm>

namespace signet::storage::sqlite {

namespace {

// A statement without parameters, prepared once per connection.
Status Run(Db& db, const std::string& sql) {
  SIGNET_ASSIGN_OR_RETURN(Stmt s, db.Prepare(sql));
  return db.StepDone(s, sql);
}

}  // namespace

Status WriterQueue::Write(Durability durability, const Op& op) {
  Writer w(&op, durability);
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&w);
  w.cv.wait(lock, [&] { return w.done || queue_.front() == &w; });
  if (w.done) return w.result;  // a leader ran it

  // The leader: its own operation and those queued behind it.
  std::vector<Writer*> group(queue_.begin(),
                             queue_.begin() + std::min(queue_.size(), kMaxGroup));
  lock.unlock();
  {
    std::lock_guard<std::mutex> db_lock(db_mu_);
    if (group.size() == 1) {
      RunAlone(w);
    } else {
      RunGroup(group);
    }
  }
  lock.lock();
  ++groups_;
  operations_ += group.size();
  for (Writer* g : group) {
    queue_.pop_front();  // the group is the queue's head: only leaders pop
    if (g == &w) continue;
    g->done = true;
    g->cv.notify_one();
  }
  if (!queue_.empty()) queue_.front()->cv.notify_one();  // the next leader
  return w.result;
}

void WriterQueue::RunAlone(Writer& w) {
  Transaction tx(db_, w.durability);
  if (!tx.begun()) {
    w.result = db_.LastError("begin");
    return;
  }
  Status s = (*w.op)(db_);
  w.result = s.ok() ? tx.Commit() : s;  // an error: rolled back by ~Transaction
}

void WriterQueue::RunGroup(const std::vector<Writer*>& group) {
  bool durable = std::any_of(group.begin(), group.end(), [](const Writer* w) {
    return w->durability == Durability::kDurable;
  });
  bool lost = false;  // the transaction as a whole
  {
    Transaction tx(db_, durable ? Durability::kDurable : Durability::kFast);
    if (!tx.begun()) {  // e.g. another process holds the lock: it fails them all alike
      Error e = db_.LastError("begin");
      for (Writer* w : group) w->result = e;
      return;
    }
    for (Writer* w : group) {
      if (!Run(db_, "SAVEPOINT op").ok()) {
        lost = true;
        break;
      }
      Status s = (*w->op)(db_);
      if (!s.ok() && !db_.InTransaction()) {  // SQLite rolled the whole transaction back
        lost = true;
        break;
      }
      Status end = s.ok() ? Run(db_, "RELEASE op") : Run(db_, "ROLLBACK TO op");
      if (end.ok() && !s.ok()) end = Run(db_, "RELEASE op");
      if (!end.ok()) {
        lost = true;
        break;
      }
      w->result = std::move(s);
    }
    if (!lost) {
      Status commit = tx.Commit();
      if (commit.ok()) return;
      lost = true;
    }
  }  // rolled back
  for (Writer* w : group) RunAlone(*w);
}

uint64_t WriterQueue::groups() const {
  std::lock_guard<std::mutex> lock(mu_);
  return groups_;
}

uint64_t WriterQueue::operations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return operations_;
}

size_t WriterQueue::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

}  // namespace signet::storage::sqlite
