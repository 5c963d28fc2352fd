// The checkpointer: the WAL is checkpointed on its thread, stays bounded
// while writes go on, and every write is in the database file after.
#include "storage/sqlite/checkpointer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

namespace signet::storage::sqlite {
namespace {

class CheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("checkpointer_test_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "db.sqlite3").string();
    auto db = Db::Open(path_);
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Exec("CREATE TABLE t (v BLOB)").ok());
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  // `n` commits of one 4 KB row each: a page or two of WAL per commit.
  void Write(int n) {
    for (int i = 0; i < n; ++i) {
      Transaction tx(*db_);
      ASSERT_TRUE(tx.begun());
      ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (randomblob(4000))").ok());
      ASSERT_TRUE(tx.Commit().ok());
    }
  }
  uintmax_t WalBytes() { return std::filesystem::file_size(path_ + "-wal"); }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<Db> db_;
};

TEST_F(CheckpointerTest, CheckpointsOnItsThreadAndKeepsTheWalBounded) {
  auto c = Checkpointer::Start(*db_, path_);
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  constexpr int kRows = 5 * Checkpointer::kCheckpointPages;
  Write(kRows);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((*c)->checkpoints() == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_GT((*c)->checkpoints(), 0u);
  // Without checkpoints the WAL would hold every row (about 5 x 4000 pages);
  // checkpointed and started over, it stays near the threshold.
  EXPECT_LT(WalBytes(), uintmax_t(Checkpointer::kInlineCheckpointPages) * 4096)
      << "the WAL grew as if nothing checkpointed it";
  EXPECT_GT(std::filesystem::file_size(path_), uintmax_t(kRows) * 4000 / 2)
      << "the rows did not reach the database file";
  auto count = db_->Prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count.ok());
  ASSERT_EQ(count->Step(), SQLITE_ROW);
  EXPECT_EQ(count->Int(0), kRows);
}

// Stopped, it hands the checkpoints back to the writer (SQLite's default).
TEST_F(CheckpointerTest, StoppedTheWriterCheckpointsAgain) {
  { auto c = Checkpointer::Start(*db_, path_); ASSERT_TRUE(c.ok()); }
  Write(3 * Checkpointer::kCheckpointPages);
  EXPECT_LT(WalBytes(), uintmax_t(2 * Checkpointer::kCheckpointPages + 100) * 4096);
}

}  // namespace
}  // namespace signet::storage::sqlite
