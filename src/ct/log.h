// A CT log (RFC 6962): accepts chains and precertificate chains, returns
// SCTs (3.2), sequences every entry at once into its Merkle tree (2.1) and
// publishes signed tree heads (3.5), and answers the read API's questions
// (4.3-4.8). Entries are durable (fsynced) before their SCT is returned, and
// an STH covers only durable entries. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "crypto/key.h"
#include "ct/log_store.h"
#include "ct/merkle.h"
#include "ct/submission.h"

namespace signet::ct {

struct Sct {
  uint64_t timestamp_ms = 0;
  std::string extensions;  // CtExtensions: empty, or static-ct-api's leaf_index
  std::string signature;   // TLS DigitallySigned (RFC 5246 4.7)
};

struct SignedTreeHead {
  uint64_t tree_size = 0;
  uint64_t timestamp_ms = 0;
  std::string root_hash;
  std::string signature;  // TLS DigitallySigned
};

// Milliseconds since the epoch.
using ClockMs = std::function<uint64_t()>;
uint64_t SystemClockMs();

struct LogOptions {
  ClockMs clock = SystemClockMs;
  // SCTs carry static-ct-api's leaf_index extension (c2sp.org/static-ct-api),
  // which that API requires; off, they have none (RFC 6962's logs).
  bool leaf_index_extension = false;
  // A temporal shard: only certificates whose notAfter falls in
  // [not_after_start_s, not_after_end_s) are accepted. 0, 0: any.
  int64_t not_after_start_s = 0;
  int64_t not_after_end_s = 0;
};

inline constexpr uint64_t kMaxEntriesPerRequest = 1000;

class Log {
 public:
  // `key`: the log's ECDSA P-256 key. Rebuilds the tree from `db_path` and
  // publishes a first STH.
  static Result<std::unique_ptr<Log>> Open(const std::string& db_path, crypto::Key key,
                                           RootSet roots, LogOptions options = {});

  // add-chain / add-pre-chain (RFC 6962 4.1, 4.2): the SCT, after the entry
  // is durable. A resubmission gets the SCT of the first submission.
  Result<Sct> Add(std::string_view body, bool precert);
  // Signs a new STH over every entry if the tree grew since the last one or
  // the last one is older than `max_age_ms`.
  Status Publish(uint64_t max_age_ms);

  SignedTreeHead Sth() const;
  // RFC 6962 4.4: PROOF(first, D[second]). REQUIRES nothing: bad sizes are kMalformed.
  Result<std::vector<std::string>> Consistency(uint64_t first, uint64_t second);
  // RFC 6962 4.5: the leaf's index and PATH in the tree of `tree_size`.
  Result<std::pair<uint64_t, std::vector<std::string>>> ProofByHash(const std::string& leaf_hash,
                                                                    uint64_t tree_size);
  // RFC 6962 4.6: entries [start, end] of the published tree, at most
  // kMaxEntriesPerRequest.
  Result<std::vector<StoredEntry>> Entries(uint64_t start, uint64_t end);

  // c2sp.org/static-ct-api read path, within the published tree: `width`
  // hashes of tile `index` at `level` (tlog-tiles), the data tile's
  // TileLeafs, and an issuer's DER by its lowercase hex SHA-256.
  // kMalformed for a tile beyond the tree, kNotFound for an unknown issuer.
  Result<std::string> TileHashes(int level, uint64_t index, int width);
  Result<std::string> DataTile(uint64_t index, int width);
  Result<std::string> Issuer(const std::string& fingerprint_hex);

  const RootSet& roots() const { return roots_; }
  const crypto::Key& key() const { return key_; }
  // SHA-256 of the log's SubjectPublicKeyInfo (RFC 6962 3.2 LogID).
  const std::string& log_id() const { return log_id_; }

 private:
  Log(std::unique_ptr<LogStore> store, crypto::Key key, RootSet roots, LogOptions options);
  // Makes entries [0, count) durable, sharing one fsync among concurrent callers.
  Status Sync(uint64_t count);
  Result<std::string> Sign(std::string_view data) const;

  const crypto::Key key_;
  const RootSet roots_;
  const ClockMs clock_;
  const LogOptions options_;
  const std::string log_id_;

  mutable std::mutex mu_;  // guards store_ and tree_
  std::unique_ptr<LogStore> store_;
  MerkleTree tree_;

  std::mutex sync_mu_;  // one Sync at a time
  std::atomic<uint64_t> synced_{0};

  mutable std::mutex sth_mu_;  // guards sth_; also serialises Publish
  SignedTreeHead sth_;
};

}  // namespace signet::ct
