#include "storage/open_store.h"

#include <gtest/gtest.h>

namespace signet::storage {
namespace {

TEST(OpenStoreTest, TheSettingNamesTheBackend) {
  auto def = ParseStoreSpec("", "/var/lib/signetd");
  ASSERT_TRUE(def.ok());
  EXPECT_EQ(def->kind, StoreSpec::Kind::kSqlite);
  EXPECT_EQ(def->target, "/var/lib/signetd/signetd.sqlite3");
  auto file = ParseStoreSpec("sqlite:/srv/ca.db", "/var/lib/signetd");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->kind, StoreSpec::Kind::kSqlite);
  EXPECT_EQ(file->target, "/srv/ca.db");
  for (const char* uri : {"postgresql://ca@db.internal/signet", "postgres:///signet?host=/run"}) {
    auto pg = ParseStoreSpec(uri, "/d");
    ASSERT_TRUE(pg.ok()) << uri;
    EXPECT_EQ(pg->kind, StoreSpec::Kind::kPostgres);
    EXPECT_EQ(pg->target, uri);
  }
}

TEST(OpenStoreTest, AnUnknownOrEmptySettingIsRefusedSayingWhatIsTaken) {
  for (const char* bad : {"mysql://x/y", "/var/lib/db.sqlite3", "sqlite:"}) {
    auto r = ParseStoreSpec(bad, "/d");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
    EXPECT_NE(r.error().detail.find("sqlite:"), std::string::npos) << r.error().detail;
  }
}

TEST(OpenStoreTest, TheDescriptionHidesThePassword) {
  StoreSpec pg{StoreSpec::Kind::kPostgres, "postgresql://ca:s3cret@db/signet"};
  EXPECT_EQ(DescribeStore(pg), "postgresql://ca:***@db/signet");
  StoreSpec no_password{StoreSpec::Kind::kPostgres, "postgresql://ca@db/signet"};
  EXPECT_EQ(DescribeStore(no_password), "postgresql://ca@db/signet");
  EXPECT_EQ(DescribeStore({StoreSpec::Kind::kSqlite, "/x.db"}), "sqlite:/x.db");
}

TEST(OpenStoreTest, AdminNeverCreatesASqliteDatabase) {
  auto r = OpenStore({StoreSpec::Kind::kSqlite, "/nonexistent-signet/signetd.sqlite3"},
                     OpenMode::kExisting);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_NE(r.error().detail.find("no signetd database at"), std::string::npos);
}

}  // namespace
}  // namespace signet::storage
