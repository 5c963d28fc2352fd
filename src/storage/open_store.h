// The one place a store implementation is chosen, by one setting (signetd's
// --store, config key "store"):
//   ""                      the SQLite database in the data directory (the default)
//   "sqlite:PATH"           a SQLite database at PATH
//   "postgresql://..."      PostgreSQL (also "postgres://..."), libpq's URI syntax
// apps/ call OpenStore and see only the Store interface.
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "storage/store.h"

namespace signet::storage {

struct StoreSpec {
  enum class Kind { kSqlite, kPostgres };
  Kind kind = Kind::kSqlite;
  std::string target;  // the SQLite file, or the PostgreSQL URI
};

// `setting` as above; `data_dir` gives the default SQLite file. kMalformed
// for an unknown scheme.
Result<StoreSpec> ParseStoreSpec(const std::string& setting, const std::string& data_dir);

enum class OpenMode {
  kCreate,    // signetd serve: create the database (SQLite) and migrate
  kExisting,  // signetd admin: a SQLite file must exist already (kNotFound)
};

// Opens the store `spec` names and applies pending migrations.
Result<std::unique_ptr<Store>> OpenStore(const StoreSpec& spec, OpenMode mode);

// A human-readable name of where the store is, without any password.
std::string DescribeStore(const StoreSpec& spec);

}  // namespace signet::storage
