#include "ct/log_store.h"

#include "crypto/digest.h"

namespace signet::ct {

using storage::sqlite::Db;
using storage::sqlite::Durability;
using storage::sqlite::Transaction;

Result<std::unique_ptr<LogStore>> LogStore::Open(const std::string& path) {
  SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path));
  SIGNET_RETURN_IF_ERROR(db->Exec(
      "CREATE TABLE IF NOT EXISTS ct_entries ("
      " idx INTEGER PRIMARY KEY, identity BLOB NOT NULL UNIQUE, leaf_hash BLOB NOT NULL,"
      " timestamp INTEGER NOT NULL, leaf_input BLOB NOT NULL, extra_data BLOB NOT NULL,"
      " sct_signature BLOB NOT NULL);"
      "CREATE INDEX IF NOT EXISTS ct_entries_leaf_hash ON ct_entries(leaf_hash);"
      "CREATE TABLE IF NOT EXISTS ct_issuers (fingerprint BLOB PRIMARY KEY, der BLOB NOT NULL);"
      "CREATE TABLE IF NOT EXISTS ct_sync (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
      "INSERT OR IGNORE INTO ct_sync VALUES (1, 0);"));
  return std::unique_ptr<LogStore>(new LogStore(std::move(db)));
}

Status LogStore::ForEachLeafHash(const std::function<void(uint64_t, const std::string&)>& fn) {
  SIGNET_ASSIGN_OR_RETURN(auto stmt,
                          db_->Prepare("SELECT idx, leaf_hash FROM ct_entries ORDER BY idx"));
  uint64_t expect = 0;
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    if (uint64_t(stmt.Int(0)) != expect) {
      return Error(ErrorCode::kServerInternal,
                   "the log's entries have a gap at " + std::to_string(expect));
    }
    std::string hash = stmt.Blob(1);
    if (hash.size() != 32) {
      return Error(ErrorCode::kServerInternal,
                   "entry " + std::to_string(expect) + " has a malformed leaf hash");
    }
    fn(expect++, hash);
  }
  if (rc != SQLITE_DONE) return db_->LastError("reading the entries");
  return OkStatus();
}

namespace {
StoredEntry Row(storage::sqlite::Stmt& s) {
  return StoredEntry{uint64_t(s.Int(0)), uint64_t(s.Int(1)), s.Blob(2), s.Blob(3), s.Blob(4)};
}
constexpr const char* kColumns = "idx, timestamp, leaf_input, extra_data, sct_signature";
}  // namespace

Result<std::optional<StoredEntry>> LogStore::FindByIdentity(const std::string& identity) {
  SIGNET_ASSIGN_OR_RETURN(auto stmt, db_->Prepare(std::string("SELECT ") + kColumns +
                                                  " FROM ct_entries WHERE identity = ?"));
  stmt.BindBlob(1, identity);
  int rc = stmt.Step();
  if (rc == SQLITE_DONE) return std::optional<StoredEntry>();
  if (rc != SQLITE_ROW) return db_->LastError("looking up an entry");
  return std::optional<StoredEntry>(Row(stmt));
}

Result<std::optional<uint64_t>> LogStore::FindByLeafHash(const std::string& leaf_hash) {
  SIGNET_ASSIGN_OR_RETURN(
      auto stmt,
      db_->Prepare("SELECT idx FROM ct_entries WHERE leaf_hash = ? ORDER BY idx LIMIT 1"));
  stmt.BindBlob(1, leaf_hash);
  int rc = stmt.Step();
  if (rc == SQLITE_DONE) return std::optional<uint64_t>();
  if (rc != SQLITE_ROW) return db_->LastError("looking up a leaf hash");
  return std::optional<uint64_t>(uint64_t(stmt.Int(0)));
}

Status LogStore::Append(const StoredEntry& e, const std::string& identity,
                        const std::string& leaf_hash, const std::vector<std::string>& issuers) {
  // One transaction (not durable: Sync is), so an entry never lacks its issuers.
  Transaction tx(*db_);
  if (!tx.begun()) return db_->LastError("begin");
  for (const std::string& der : issuers) {
    SIGNET_ASSIGN_OR_RETURN(
        auto ins,
        db_->Prepare("INSERT OR IGNORE INTO ct_issuers (fingerprint, der) VALUES (?, ?)"));
    ins.BindBlob(1, crypto::Sha256(der)).BindBlob(2, der);
    SIGNET_RETURN_IF_ERROR(db_->StepDone(ins, "recording an issuer"));
  }
  SIGNET_ASSIGN_OR_RETURN(
      auto stmt,
      db_->Prepare(
          "INSERT INTO ct_entries (idx, identity, leaf_hash, timestamp, leaf_input, extra_data,"
          " sct_signature) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  stmt.Bind(1, int64_t(e.index)).BindBlob(2, identity).BindBlob(3, leaf_hash);
  stmt.Bind(4, int64_t(e.timestamp_ms)).BindBlob(5, e.leaf_input).BindBlob(6, e.extra_data);
  stmt.BindBlob(7, e.sct_signature);
  SIGNET_RETURN_IF_ERROR(db_->StepDone(stmt, "appending an entry"));
  return tx.Commit();
}

Result<std::optional<std::string>> LogStore::FindIssuer(const std::string& fingerprint) {
  SIGNET_ASSIGN_OR_RETURN(auto stmt,
                          db_->Prepare("SELECT der FROM ct_issuers WHERE fingerprint = ?"));
  stmt.BindBlob(1, fingerprint);
  int rc = stmt.Step();
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  if (rc != SQLITE_ROW) return db_->LastError("looking up an issuer");
  return std::optional<std::string>(stmt.Blob(0));
}

Result<std::vector<StoredEntry>> LogStore::Entries(uint64_t start, uint64_t end) {
  SIGNET_ASSIGN_OR_RETURN(
      auto stmt, db_->Prepare(std::string("SELECT ") + kColumns +
                              " FROM ct_entries WHERE idx >= ? AND idx <= ? ORDER BY idx"));
  stmt.Bind(1, int64_t(start)).Bind(2, int64_t(end));
  std::vector<StoredEntry> out;
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) out.push_back(Row(stmt));
  if (rc != SQLITE_DONE) return db_->LastError("reading entries");
  return out;
}

Status LogStore::Sync() {
  // A durable commit fsyncs the WAL file, which holds every earlier commit.
  // (The same connection as the appends: a second one would make them wait
  // on SQLite's lock, whose busy handler sleeps milliseconds at a time.)
  Transaction tx(*db_, Durability::kDurable);
  if (!tx.begun()) return db_->LastError("begin");
  SIGNET_RETURN_IF_ERROR(db_->Exec("UPDATE ct_sync SET n = n + 1 WHERE id = 1"));
  return tx.Commit();
}

}  // namespace signet::ct
