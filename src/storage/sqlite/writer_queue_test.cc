// The writer queue: concurrent writes share one commit, each keeps its own
// all-or-nothing result, and a lost group is run again write by write.
#include "storage/sqlite/writer_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include "storage/sqlite/sqlite_store.h"

namespace signet::storage::sqlite {
namespace {

class WriterQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("writer_queue_test_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    auto db = Db::Open((dir_ / "db.sqlite3").string());
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Exec("CREATE TABLE t (v TEXT PRIMARY KEY)").ok());
    queue_ = std::make_unique<WriterQueue>(*db_, db_mu_);
  }
  void TearDown() override {
    queue_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  static Status Insert(Db& db, const std::string& v) {
    SIGNET_ASSIGN_OR_RETURN(Stmt s, db.Prepare("INSERT INTO t (v) VALUES (?)"));
    s.Bind(1, v);
    return db.StepDone(s, "insert " + v);
  }
  bool Has(const std::string& v) {
    std::lock_guard<std::mutex> lock(db_mu_);
    auto s = db_->Prepare("SELECT 1 FROM t WHERE v = ?");
    if (!s.ok()) return false;
    s->Bind(1, v);
    return s->Step() == SQLITE_ROW;
  }
  uint64_t Commits() {
    std::lock_guard<std::mutex> lock(db_mu_);
    return db_->commits();
  }

  // Runs ops[i] on its own thread, all queued while a first write holds the
  // connection, so that ops run as one group after it. Returns each result.
  std::vector<Status> RunQueued(const std::vector<WriterQueue::Op>& ops,
                                Durability durability = Durability::kFast) {
    std::atomic<bool> release{false};
    std::string first_value = "first" + std::to_string(++runs_);
    std::thread first([&] {
      EXPECT_TRUE(queue_->Write(Durability::kFast, [&](Db& db) {
        while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return Insert(db, first_value);
      }).ok());
    });
    while (queue_->queued() < 1) std::this_thread::yield();
    std::vector<Status> results(ops.size(), OkStatus());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < ops.size(); ++i)
      threads.emplace_back([&, i] { results[i] = queue_->Write(durability, ops[i]); });
    while (queue_->queued() < ops.size() + 1) std::this_thread::yield();
    release = true;
    first.join();
    for (auto& t : threads) t.join();
    return results;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Db> db_;
  std::mutex db_mu_;
  std::unique_ptr<WriterQueue> queue_;
  int runs_ = 0;
};

TEST_F(WriterQueueTest, WritesQueuedTogetherShareOneCommit) {
  constexpr int kWriters = 16;
  std::vector<WriterQueue::Op> ops;
  for (int i = 0; i < kWriters; ++i)
    ops.push_back([i](Db& db) { return Insert(db, "w" + std::to_string(i)); });
  uint64_t before = Commits();
  std::vector<Status> results = RunQueued(ops);
  // The first write's commit, then one for the sixteen queued behind it.
  EXPECT_EQ(Commits() - before, 2u);
  EXPECT_EQ(queue_->groups(), 2u);
  EXPECT_EQ(queue_->operations(), uint64_t(kWriters) + 1);
  for (int i = 0; i < kWriters; ++i) {
    EXPECT_TRUE(results[i].ok()) << results[i].error().ToString();
    EXPECT_TRUE(Has("w" + std::to_string(i))) << i;
  }
}

// One write of the group fails after a first statement: that statement is
// rolled back (its savepoint), the others commit, and only it sees the error.
TEST_F(WriterQueueTest, AFailingWriteRollsBackAloneAndOnlyItsCallerSeesTheError) {
  ASSERT_TRUE(queue_->Write(Durability::kFast, [](Db& db) { return Insert(db, "taken"); }).ok());
  std::vector<WriterQueue::Op> ops = {
      [](Db& db) { return Insert(db, "a"); },
      [](Db& db) -> Status {
        SIGNET_RETURN_IF_ERROR(Insert(db, "half"));
        return Insert(db, "taken");  // UNIQUE constraint
      },
      [](Db& db) { return Insert(db, "b"); },
  };
  uint64_t before = Commits();
  std::vector<Status> results = RunQueued(ops);
  EXPECT_EQ(Commits() - before, 2u);
  EXPECT_TRUE(results[0].ok());
  ASSERT_FALSE(results[1].ok());
  EXPECT_EQ(results[1].error().code, ErrorCode::kServerInternal);
  EXPECT_NE(results[1].error().detail.find("UNIQUE constraint failed"), std::string::npos)
      << results[1].error().detail;
  EXPECT_TRUE(results[2].ok());
  EXPECT_TRUE(Has("a"));
  EXPECT_TRUE(Has("b"));
  EXPECT_FALSE(Has("half")) << "the failed write's first statement was committed";
}

// A group with one durable write commits with synchronous=FULL once; a
// group of fast writes does not.
TEST_F(WriterQueueTest, AGroupIsDurableWhenAnyOfItsWritesIs) {
  uint64_t before = db_->durable_commits();
  std::vector<Status> fast = RunQueued({[](Db& db) { return Insert(db, "f1"); },
                                        [](Db& db) { return Insert(db, "f2"); }});
  EXPECT_EQ(db_->durable_commits(), before);
  std::vector<Status> durable = RunQueued(
      {[](Db& db) { return Insert(db, "d1"); }, [](Db& db) { return Insert(db, "d2"); }},
      Durability::kDurable);
  EXPECT_EQ(db_->durable_commits(), before + 1);
  for (const auto& r : durable) EXPECT_TRUE(r.ok());
  EXPECT_TRUE(Has("d1") && Has("d2"));
}

// A write whose failure ended the whole transaction (as SQLite does for some
// I/O errors; here the write rolls back itself) takes the group's earlier
// writes with it: each is run again alone, so they commit and only the
// failing caller gets an error.
TEST_F(WriterQueueTest, ALostGroupIsRunAgainWriteByWrite) {
  std::vector<WriterQueue::Op> ops = {
      [](Db& db) { return Insert(db, "before"); },
      [](Db& db) -> Status {
        SIGNET_RETURN_IF_ERROR(db.Exec("ROLLBACK"));
        return Error(ErrorCode::kServerInternal, "sqlite insert: disk I/O error");
      },
      [](Db& db) { return Insert(db, "after"); },
  };
  std::vector<Status> results = RunQueued(ops);
  EXPECT_TRUE(results[0].ok()) << results[0].error().ToString();
  ASSERT_FALSE(results[1].ok());
  EXPECT_EQ(results[1].error().detail, "sqlite insert: disk I/O error");
  EXPECT_TRUE(results[2].ok()) << results[2].error().ToString();
  EXPECT_TRUE(Has("before"));
  EXPECT_TRUE(Has("after"));
}

// The store's writes from many threads (as signetd's handlers and
// validation workers make them): fewer commits than writes, durable ones
// included, and each caller gets its own result.
TEST(SqliteStoreGroupCommitTest, ConcurrentWritesShareCommitsAndKeepTheirResults) {
  auto dir = std::filesystem::temp_directory_path() /
             ("group_commit_test_" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  {
    auto store = SqliteStore::Open((dir / "ca.db").string());
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    SqliteStore& st = **store;
    acme::Account account;
    account.id = "a";
    account.thumbprint = "tp";
    account.jwk_json = "{}";
    account.created_at = acme::Clock::now();
    ASSERT_TRUE(st.CreateAccount(account).ok());
    acme::Order order;
    order.id = "o";
    order.account_id = "a";
    order.expires = order.created_at = acme::Clock::now();
    ASSERT_TRUE(st.CreateOrder(order, {}).ok());
    constexpr int kThreads = 8, kEach = 20;
    uint64_t commits = st.Commits(), durable = st.DurableCommits();
    std::vector<int> failures(kThreads, 0), redeemed(kThreads, 0), replayed(kThreads, 0);
    std::vector<std::thread> threads;
    auto expires = acme::Clock::now() + std::chrono::hours(1);
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          std::string serial = std::to_string(t) + "-" + std::to_string(i);
          if (!st.AddSerial({serial, "o", "a", "tbs", acme::Clock::now(), {}}).ok()) ++failures[t];
          // The same serial again: refused (primary key), alone.
          if (i == 0 && st.AddSerial({serial, "o", "a", "tbs", acme::Clock::now(), {}}).ok())
            ++failures[t];
          auto first = st.RedeemNonce("n" + serial, expires);
          auto again = st.RedeemNonce("n" + serial, expires);
          if (first.ok() && *first) ++redeemed[t];
          if (again.ok() && !*again) ++replayed[t];
        }
      });
    }
    for (auto& th : threads) th.join();
    const uint64_t writes = kThreads * (kEach * 3 + 1), durable_writes = kThreads * (kEach + 1);
    EXPECT_LT(st.Commits() - commits, writes);
    EXPECT_LT(st.DurableCommits() - durable, durable_writes);
    for (int t = 0; t < kThreads; ++t) {
      EXPECT_EQ(failures[t], 0) << t;
      EXPECT_EQ(redeemed[t], kEach) << t;
      EXPECT_EQ(replayed[t], kEach) << t;
      for (int i = 0; i < kEach; ++i) {
        auto r = st.GetSerial(std::to_string(t) + "-" + std::to_string(i));
        ASSERT_TRUE(r.ok() && r->has_value()) << t << "-" << i;
      }
    }
    std::printf("%llu writes (%llu durable) in %llu commits (%llu durable)\n",
                (unsigned long long)writes, (unsigned long long)durable_writes,
                (unsigned long long)(st.Commits() - commits),
                (unsigned long long)(st.DurableCommits() - durable));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace signet::storage::sqlite
