// Schema migrations, embedded from src/storage/migrations/*.sql at build
// time. Migration i (0-based) brings the schema from version i to i+1; the
// version lives in SQLite's PRAGMA user_version.
#pragma once

#include <string_view>
#include <vector>

namespace signet::storage {

extern const std::vector<std::string_view> kMigrations;

}  // namespace signet::storage
