#include "storage/open_store.h"

#include <filesystem>

#include "storage/postgres/postgres_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace signet::storage {

namespace {

bool StartsWith(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

Result<StoreSpec> ParseStoreSpec(const std::string& setting, const std::string& data_dir) {
  if (setting.empty()) return StoreSpec{StoreSpec::Kind::kSqlite, data_dir + "/signetd.sqlite3"};
  if (StartsWith(setting, "sqlite:")) {
    std::string path = setting.substr(7);
    if (path.empty())
      return Error(ErrorCode::kMalformed, "--store sqlite: needs a path, e.g. sqlite:/var/lib/signetd/signetd.sqlite3");
    return StoreSpec{StoreSpec::Kind::kSqlite, path};
  }
  if (StartsWith(setting, "postgresql://") || StartsWith(setting, "postgres://"))
    return StoreSpec{StoreSpec::Kind::kPostgres, setting};
  return Error(ErrorCode::kMalformed,
               "--store takes sqlite:PATH or a postgresql:// URI, not \"" + setting + "\"");
}

Result<std::unique_ptr<Store>> OpenStore(const StoreSpec& spec, OpenMode mode) {
  if (spec.kind == StoreSpec::Kind::kPostgres) {
    SIGNET_ASSIGN_OR_RETURN(auto store, PostgresStore::Open(spec.target));
    return std::unique_ptr<Store>(std::move(store));
  }
  if (mode == OpenMode::kExisting && !std::filesystem::exists(spec.target))
    return Error(ErrorCode::kNotFound, "no signetd database at " + spec.target);
  SIGNET_ASSIGN_OR_RETURN(auto store, SqliteStore::Open(spec.target));
  return std::unique_ptr<Store>(std::move(store));
}

std::string DescribeStore(const StoreSpec& spec) {
  if (spec.kind == StoreSpec::Kind::kSqlite) return "sqlite:" + spec.target;
  // postgresql://user:password@host/db: drop the password.
  std::string s = spec.target;
  size_t scheme = s.find("://");
  size_t at = s.find('@', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme != std::string::npos && at != std::string::npos) {
    size_t colon = s.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) s.replace(colon, at - colon, ":***");
  }
  return s;
}

}  // namespace signet::storage
