// Test-only: a fresh SqliteStore in its own temp directory per test, and
// Reopen() to read it back as a restarted signetd would.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "storage/sqlite/sqlite_store.h"

namespace signet::storage {

class SqliteStoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("signet-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    auto s = SqliteStore::Open((dir_ / "ca.db").string());
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
};

}  // namespace signet::storage
