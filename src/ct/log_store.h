// The durable half of a CT log: its entries in SQLite (WAL), one row per
// leaf, indexed by sequence number, by identity (to answer a resubmission
// with the same SCT) and by leaf hash (get-proof-by-hash). Appends are
// committed fast (no fsync); Sync() makes every append so far durable with
// one fsync, so concurrent submitters share it (group commit).
// Not thread-safe: Log serialises access.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "storage/sqlite/db.h"

namespace signet::ct {

struct StoredEntry {
  uint64_t index = 0;
  uint64_t timestamp_ms = 0;
  std::string leaf_input;  // MerkleTreeLeaf
  std::string extra_data;
  std::string sct_signature;  // the DigitallySigned of the SCT returned for it
};

class LogStore {
 public:
  static Result<std::unique_ptr<LogStore>> Open(const std::string& path);

  // Every entry's leaf hash in order, to rebuild the tree at start.
  Status ForEachLeafHash(const std::function<void(uint64_t, const std::string&)>& fn);
  Result<std::optional<StoredEntry>> FindByIdentity(const std::string& identity);
  Result<std::optional<uint64_t>> FindByLeafHash(const std::string& leaf_hash);
  // Appends at index `entry.index` (the next one), and records the chain's
  // certificates as issuers (static-ct-api). Not yet durable.
  Status Append(const StoredEntry& entry, const std::string& identity, const std::string& leaf_hash,
                const std::vector<std::string>& issuers);
  // An issuer's DER by its SHA-256.
  Result<std::optional<std::string>> FindIssuer(const std::string& fingerprint);
  // Entries [start, end] (inclusive).
  Result<std::vector<StoredEntry>> Entries(uint64_t start, uint64_t end);
  // fsyncs the WAL: every earlier Append is then durable.
  Status Sync();

 private:
  explicit LogStore(std::unique_ptr<storage::sqlite::Db> db) : db_(std::move(db)) {}
  std::unique_ptr<storage::sqlite::Db> db_;
};

}  // namespace signet::ct
