// Schema migrations, embedded at build time, one list per SQL dialect:
// src/storage/sqlite/migrations/*.sql and src/storage/postgres/migrations/*.sql.
// Migration i (0-based) brings the schema from version i to i+1; the version
// lives in SQLite's PRAGMA user_version, and in PostgreSQL's
// signet_schema_version table. Both lists describe the same schema, version
// for version.
#pragma once

#include <string_view>
#include <vector>

namespace signet::storage {

extern const std::vector<std::string_view> kSqliteMigrations;
extern const std::vector<std::string_view> kPostgresMigrations;

}  // namespace signet::storage
