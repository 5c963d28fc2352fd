// Log's static-ct-api read path (c2sp.org/static-ct-api, tlog-tiles): the
// same tree and entries as the RFC 6962 API, cut into tiles of 256.
#include <algorithm>

#include "crypto/digest.h"
#include "ct/log.h"
#include "ct/structs.h"

namespace signet::ct {
namespace {

constexpr uint64_t kTileWidth = 256;

Error Bad(std::string detail) { return Error(ErrorCode::kMalformed, std::move(detail)); }

// Fails unless tile `index` of `width` at `level` lies within `size` leaves.
Status CheckTile(int level, uint64_t index, int width, uint64_t size) {
  if (level < 0 || level > 5) return Bad("tile levels are 0 to 5");
  if (width < 1 || uint64_t(width) > kTileWidth) return Bad("tile widths are 1 to 256");
  uint64_t per_hash = uint64_t(1) << (8 * level);
  uint64_t limit = size / per_hash;  // complete hashes at this level
  if (index > limit / kTileWidth || index * kTileWidth + uint64_t(width) > limit) {
    return Bad("the tile is beyond the published tree (size " + std::to_string(size) + ")");
  }
  return OkStatus();
}

// TileLeaf: the TimestampedEntry, a precert's pre_certificate, then the
// chain's fingerprints.
Result<std::string> TileLeaf(const StoredEntry& e) {
  std::optional<ParsedLeaf> leaf = ParseMerkleTreeLeaf(e.leaf_input);
  if (!leaf) return Error(ErrorCode::kServerInternal, "a stored leaf does not parse");
  auto certs = ParseExtraData(leaf->type, e.extra_data);
  if (!certs) return Error(ErrorCode::kServerInternal, "a stored extra_data does not parse");
  std::string out = leaf->timestamped_entry;
  size_t first_issuer = 0;
  if (leaf->type == EntryType::kPrecert) {
    if (certs->empty()) return Error(ErrorCode::kServerInternal, "a precert entry without it");
    PutOpaque(&out, (*certs)[0], 3);
    first_issuer = 1;
  }
  std::string fingerprints;
  for (size_t i = first_issuer; i < certs->size(); ++i) fingerprints += crypto::Sha256((*certs)[i]);
  PutOpaque(&out, fingerprints, 2);
  return out;
}

int FromHex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

Result<std::string> Log::TileHashes(int level, uint64_t index, int width) {
  SIGNET_RETURN_IF_ERROR(CheckTile(level, index, width, Sth().tree_size));
  uint64_t per_hash = uint64_t(1) << (8 * level);
  std::string out;
  std::lock_guard lock(mu_);
  for (int i = 0; i < width; ++i) {
    out += tree_.SubtreeHash((index * kTileWidth + uint64_t(i)) * per_hash, per_hash);
  }
  return out;
}

Result<std::string> Log::DataTile(uint64_t index, int width) {
  SIGNET_RETURN_IF_ERROR(CheckTile(0, index, width, Sth().tree_size));
  std::vector<StoredEntry> entries;
  {
    std::lock_guard lock(mu_);
    SIGNET_ASSIGN_OR_RETURN(
        entries, store_->Entries(index * kTileWidth, index * kTileWidth + uint64_t(width) - 1));
  }
  std::string out;
  for (const StoredEntry& e : entries) {
    SIGNET_ASSIGN_OR_RETURN(std::string leaf, TileLeaf(e));
    out += leaf;
  }
  return out;
}

Result<std::string> Log::Issuer(const std::string& fingerprint_hex) {
  if (fingerprint_hex.size() != 64) return Bad("an issuer fingerprint is 64 lowercase hex digits");
  std::string fingerprint;
  for (size_t i = 0; i < 64; i += 2) {
    int hi = FromHex(fingerprint_hex[i]), lo = FromHex(fingerprint_hex[i + 1]);
    if (hi < 0 || lo < 0) return Bad("an issuer fingerprint is 64 lowercase hex digits");
    fingerprint.push_back(char(hi * 16 + lo));
  }
  std::lock_guard lock(mu_);
  SIGNET_ASSIGN_OR_RETURN(std::optional<std::string> der, store_->FindIssuer(fingerprint));
  if (!der) return Error(ErrorCode::kNotFound, "no issuer with this fingerprint");
  return *der;
}

}  // namespace signet::ct
