// SqliteStore under storage faults: the database locked by another process
// and the disk full give kServerInternal with Retry-After, fail fast, and
// the store works again once the fault ends.
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "storage/sqlite/db.h"
#include "storage/sqlite/sqlite_store.h"

namespace signet::storage {
namespace {

using Clock = std::chrono::steady_clock;

class SqliteFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sqlite_faults_test_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "ca.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static acme::Account Account(const std::string& id) {
    acme::Account a;
    a.id = id;
    a.thumbprint = "tp-" + id;
    a.jwk_json = "{}";
    a.created_at = acme::Clock::now();
    return a;
  }

  std::filesystem::path dir_;
  std::string path_;
};

// Another process (an operator's sqlite3 shell) holds BEGIN EXCLUSIVE: every
// write fails within about kBusyWait with a retryable serverInternal naming
// the lock, even when many are queued behind the store's writer mutex
// (each used to wait the 5 s busy timeout in turn: 8 writers took 40 s).
TEST_F(SqliteFaultsTest, LockedDatabaseFailsFastWithRetryAfterAndResumes) {
  auto store = SqliteStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);

  constexpr int kWriters = 8;
  std::vector<Status> results(kWriters);
  auto start = Clock::now();
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i)
    writers.emplace_back([&, i] { results[i] = (*store)->CreateAccount(Account("a" + std::to_string(i))); });
  for (auto& t : writers) t.join();
  auto took = Clock::now() - start;
  EXPECT_LT(took, sqlite::kBusyWait * 2 + std::chrono::seconds(1));
  for (const Status& s : results) {
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kServerInternal);
    EXPECT_EQ(s.error().retry_after_seconds, sqlite::kStorageRetryAfterSeconds);
    EXPECT_NE(s.error().detail.find("locked by another process"), std::string::npos)
        << s.error().detail;
  }
  // Reads do not wait for the lock (WAL).
  auto read = (*store)->GetAccount("a0");
  ASSERT_TRUE(read.ok()) << read.error().ToString();

  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  std::this_thread::sleep_for(sqlite::kBusyFailFast);
  Status again = (*store)->CreateAccount(Account("after"));
  EXPECT_TRUE(again.ok()) << again.error().ToString();
}

// A full disk (here: the page limit, which SQLite reports as SQLITE_FULL like
// ENOSPC) is a retryable serverInternal saying so; the connection is not
// left inside the failed transaction, so writes work once there is room.
TEST_F(SqliteFaultsTest, FullDiskIsRetryableAndTheConnectionRecovers) {
  auto db = sqlite::Db::Open(path_);
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t (v BLOB)").ok());
  ASSERT_TRUE((*db)->Exec("PRAGMA max_page_count=20").ok());
  Status failed = OkStatus();
  for (int i = 0; i < 100 && failed.ok(); ++i) {
    sqlite::Transaction tx(**db);
    ASSERT_TRUE(tx.begun());
    failed = (*db)->Exec("INSERT INTO t VALUES (zeroblob(4000))");
    if (failed.ok()) failed = tx.Commit();
  }
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kServerInternal);
  EXPECT_EQ(failed.error().retry_after_seconds, sqlite::kStorageRetryAfterSeconds);
  EXPECT_NE(failed.error().detail.find("disk is full"), std::string::npos) << failed.error().detail;

  ASSERT_TRUE((*db)->Exec("PRAGMA max_page_count=100000").ok());
  sqlite::Transaction tx(**db);
  ASSERT_TRUE(tx.begun());
  ASSERT_TRUE((*db)->Exec("INSERT INTO t VALUES (zeroblob(4000))").ok());
  EXPECT_TRUE(tx.Commit().ok());
}

// Not a storage fault: no Retry-After.
TEST_F(SqliteFaultsTest, OtherFailuresAreNotRetryable) {
  Error e = sqlite::StorageError(SQLITE_CONSTRAINT_UNIQUE, "insert", "UNIQUE constraint failed");
  EXPECT_EQ(e.code, ErrorCode::kServerInternal);
  EXPECT_EQ(e.retry_after_seconds, 0);
  EXPECT_EQ(e.detail, "sqlite insert: UNIQUE constraint failed");
}

}  // namespace
}  // namespace signet::storage
