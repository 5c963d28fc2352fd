#include "storage/sqlite/read_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

namespace signet::storage::sqlite {
namespace {

class ReadPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("read_pool_test_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "db.sqlite3").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(ReadPoolTest, LendsEachConnectionToOneHolderAndWaitsWhenAllAreOut) {
  auto pool = ReadPool::Open(path_, 2);
  ASSERT_TRUE(pool.ok()) << pool.error().ToString();
  std::atomic<bool> third_acquired{false};
  std::thread waiter;
  {
    auto a = (*pool)->Acquire();
    auto b = (*pool)->Acquire();
    EXPECT_NE(&*a, &*b);
    waiter = std::thread([&] {
      auto c = (*pool)->Acquire();
      third_acquired = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(third_acquired) << "a third lease while both connections are out";
  }  // a and b go back
  waiter.join();
  EXPECT_TRUE(third_acquired);
}

TEST_F(ReadPoolTest, ReadersSeeWhatTheWriterCommitted) {
  auto writer = Db::Open(path_);
  ASSERT_TRUE(writer.ok());
  auto pool = ReadPool::Open(path_, 1);
  ASSERT_TRUE(pool.ok());
  ASSERT_TRUE((*writer)->Exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (7)").ok());
  auto db = (*pool)->Acquire();
  auto s = db->Prepare("SELECT v FROM t");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  ASSERT_EQ(s->Step(), SQLITE_ROW);
  EXPECT_EQ(s->Int(0), 7);
}

}  // namespace
}  // namespace signet::storage::sqlite
