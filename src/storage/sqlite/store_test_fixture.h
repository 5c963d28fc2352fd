// Test-only: a fresh store per test, on each backend the suite is
// instantiated for (SIGNET_STORE_BACKENDS), and Reopen() to read it back as
// a restarted signetd would. SQLite: a database in the test's own temp
// directory. PostgreSQL: a fresh database on the binary's throwaway server
// (postgres/test_server.h).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "storage/postgres/postgres_store.h"
#include "storage/postgres/test_server.h"
#include "storage/sqlite/sqlite_store.h"

namespace signet::storage {

enum class Backend { kSqlite, kPostgres };

class SqliteStoreFixture : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "-" + info->name();
    for (char& c : name)
      if (c == '/') c = '_';  // Sqlite/Suite.Test/0
    dir_ = std::filesystem::temp_directory_path() /
           ("signet-store-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    if (GetParam() == Backend::kPostgres) {
      auto server = pg::TestServer::Get();
      ASSERT_TRUE(server.ok()) << server.error().ToString();
      server_ = *server;
      auto uri = server_->FreshDatabase();
      ASSERT_TRUE(uri.ok()) << uri.error().ToString();
      uri_ = *uri;
    }
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    if (GetParam() == Backend::kPostgres) {
      auto s = PostgresStore::Open(uri_);
      ASSERT_TRUE(s.ok()) << s.error().ToString();
      store_ = std::move(*s);
    } else {
      auto s = SqliteStore::Open((dir_ / "ca.db").string());
      ASSERT_TRUE(s.ok()) << s.error().ToString();
      store_ = std::move(*s);
    }
  }
  // The SQLite store, or nullptr on another backend.
  SqliteStore* sqlite() { return dynamic_cast<SqliteStore*>(store_.get()); }

  std::filesystem::path dir_;
  std::string uri_;                     // PostgreSQL: this test's database
  pg::TestServer* server_ = nullptr;    // PostgreSQL: the binary's server
  std::unique_ptr<Store> store_;
};

// Runs every TEST_P of `suite` on SQLite and on PostgreSQL
// (Sqlite/suite.Test/0, Postgres/suite.Test/0).
#define SIGNET_STORE_BACKENDS(suite)                                                        \
  INSTANTIATE_TEST_SUITE_P(Sqlite, suite, ::testing::Values(::signet::storage::Backend::kSqlite)); \
  INSTANTIATE_TEST_SUITE_P(Postgres, suite,                                                 \
                           ::testing::Values(::signet::storage::Backend::kPostgres))

}  // namespace signet::storage
