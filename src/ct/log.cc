#include "ct/log.h"

#include <algorithm>
#include <chrono>

#include "crypto/digest.h"
#include "ct/log_list.h"
#include "ct/structs.h"

namespace signet::ct {

uint64_t SystemClockMs() {
  return uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count());
}

Log::Log(std::unique_ptr<LogStore> store, crypto::Key key, RootSet roots, LogOptions options)
    : key_(std::move(key)),
      roots_(std::move(roots)),
      clock_(options.clock),
      options_(std::move(options)),
      log_id_(crypto::Sha256(key_.PublicDer())),
      store_(std::move(store)) {}

Result<std::unique_ptr<Log>> Log::Open(const std::string& db_path, crypto::Key key, RootSet roots,
                                       LogOptions options) {
  if (key.Family() != "EC" || key.CurveName() != "P-256") {
    return Error(ErrorCode::kBadPublicKey, "a CT log's key must be ECDSA P-256");
  }
  SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<LogStore> store, LogStore::Open(db_path));
  std::unique_ptr<Log> log(
      new Log(std::move(store), std::move(key), std::move(roots), std::move(options)));
  SIGNET_RETURN_IF_ERROR(log->store_->ForEachLeafHash(
      [&](uint64_t, const std::string& hash) { log->tree_.Append(hash); }));
  SIGNET_RETURN_IF_ERROR(log->Publish(0));
  return log;
}

Result<std::string> Log::Sign(std::string_view data) const {
  SIGNET_ASSIGN_OR_RETURN(std::string der, crypto::SignDigest(key_, EVP_sha256(), data));
  return DigitallySignedEcdsaSha256(der);
}

Result<Sct> Log::Add(std::string_view body, bool precert) {
  SIGNET_ASSIGN_OR_RETURN(Submission sub, ParseSubmission(body, precert, roots_));
  if (options_.not_after_end_s != 0 && (sub.not_after_s < options_.not_after_start_s ||
                                        sub.not_after_s >= options_.not_after_end_s)) {
    return Error(ErrorCode::kMalformed,
                 "the certificate's notAfter (" + Rfc3339(uint64_t(sub.not_after_s) * 1000) +
                     ") is outside this log's temporal interval [" +
                     Rfc3339(uint64_t(options_.not_after_start_s) * 1000) + ", " +
                     Rfc3339(uint64_t(options_.not_after_end_s) * 1000) + ")");
  }
  // Without the leaf_index extension the SCT is signed before taking the
  // lock, so submitters sign in parallel (wasted only on a resubmission).
  Sct sct{clock_(), "", ""};
  if (!options_.leaf_index_extension) {
    SIGNET_ASSIGN_OR_RETURN(sct.signature,
                            Sign(SctSignatureInput(sct.timestamp_ms, sub.entry, "")));
  }
  uint64_t index;
  {
    std::lock_guard lock(mu_);
    SIGNET_ASSIGN_OR_RETURN(std::optional<StoredEntry> old, store_->FindByIdentity(sub.identity));
    if (old) {
      std::optional<ParsedLeaf> leaf = ParseMerkleTreeLeaf(old->leaf_input);
      if (!leaf) return Error(ErrorCode::kServerInternal, "a stored leaf does not parse");
      sct = Sct{old->timestamp_ms, leaf->extensions, old->sct_signature};
      index = old->index;
    } else {
      index = tree_.size();
      if (options_.leaf_index_extension) {
        sct.extensions = LeafIndexExtension(index);
        SIGNET_ASSIGN_OR_RETURN(
            sct.signature, Sign(SctSignatureInput(sct.timestamp_ms, sub.entry, sct.extensions)));
      }
      StoredEntry e{index, sct.timestamp_ms,
                    MerkleTreeLeaf(sct.timestamp_ms, sub.entry, sct.extensions),
                    std::move(sub.extra_data), sct.signature};
      std::string leaf_hash = LeafHash(e.leaf_input);
      SIGNET_RETURN_IF_ERROR(store_->Append(e, sub.identity, leaf_hash, sub.issuers));
      tree_.Append(std::move(leaf_hash));
    }
  }
  SIGNET_RETURN_IF_ERROR(Sync(index + 1));
  return sct;
}

Status Log::Sync(uint64_t count) {
  if (synced_.load() >= count) return OkStatus();
  std::lock_guard lock(sync_mu_);
  if (synced_.load() >= count) return OkStatus();  // another caller's fsync covered us
  // Appends wait during the fsync; the ones that queue up meanwhile are all
  // covered by the next one (group commit).
  std::lock_guard tree_lock(mu_);
  uint64_t written = tree_.size();
  SIGNET_RETURN_IF_ERROR(store_->Sync());
  synced_.store(written);
  return OkStatus();
}

Status Log::Publish(uint64_t max_age_ms) {
  std::lock_guard publish_lock(sth_mu_);
  uint64_t size, now = clock_();
  {
    std::lock_guard lock(mu_);
    size = tree_.size();
  }
  if (!sth_.signature.empty() && size == sth_.tree_size && now < sth_.timestamp_ms + max_age_ms) {
    return OkStatus();
  }
  SIGNET_RETURN_IF_ERROR(Sync(size));
  SignedTreeHead sth;
  sth.tree_size = size;
  sth.timestamp_ms = std::max(now, sth_.timestamp_ms + 1);
  {
    std::lock_guard lock(mu_);
    sth.root_hash = tree_.RootHash(size);
  }
  SIGNET_ASSIGN_OR_RETURN(sth.signature,
                          Sign(SthSignatureInput(sth.timestamp_ms, size, sth.root_hash)));
  sth_ = std::move(sth);
  return OkStatus();
}

SignedTreeHead Log::Sth() const {
  std::lock_guard lock(sth_mu_);
  return sth_;
}

namespace {
Error Bad(std::string detail) { return Error(ErrorCode::kMalformed, std::move(detail)); }
}  // namespace

Result<std::vector<std::string>> Log::Consistency(uint64_t first, uint64_t second) {
  uint64_t size = Sth().tree_size;
  if (first > second) return Bad("first must not be larger than second");
  if (second > size) {
    return Bad("second (" + std::to_string(second) + ") is larger than the tree (" +
               std::to_string(size) + " entries)");
  }
  std::lock_guard lock(mu_);
  return tree_.ConsistencyProof(first, second);
}

Result<std::pair<uint64_t, std::vector<std::string>>> Log::ProofByHash(const std::string& leaf_hash,
                                                                       uint64_t tree_size) {
  uint64_t size = Sth().tree_size;
  if (tree_size == 0 || tree_size > size) {
    return Bad("tree_size must be between 1 and the tree's size (" + std::to_string(size) + ")");
  }
  if (leaf_hash.size() != 32) return Bad("hash must be a base64 SHA-256 leaf hash (32 bytes)");
  std::lock_guard lock(mu_);
  SIGNET_ASSIGN_OR_RETURN(std::optional<uint64_t> index, store_->FindByLeafHash(leaf_hash));
  if (!index || *index >= tree_size) {
    return Error(ErrorCode::kNotFound,
                 "no leaf with this hash in the tree of size " + std::to_string(tree_size));
  }
  return std::make_pair(*index, tree_.AuditPath(*index, tree_size));
}

Result<std::vector<StoredEntry>> Log::Entries(uint64_t start, uint64_t end) {
  uint64_t size = Sth().tree_size;
  if (start > end) return Bad("start must not be larger than end");
  if (start >= size) {
    return Bad("start (" + std::to_string(start) + ") is past the tree's last entry (size " +
               std::to_string(size) + ")");
  }
  end = std::min({end, size - 1, start + kMaxEntriesPerRequest - 1});
  std::lock_guard lock(mu_);
  return store_->Entries(start, end);
}

}  // namespace signet::ct
