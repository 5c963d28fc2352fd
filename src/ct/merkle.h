// The Merkle hash tree of a CT log (RFC 6962 2.1): leaf and node hashes,
// the tree hash of any prefix, audit paths (2.1.1) and consistency proofs
// (2.1.2), and their verification (the algorithms of RFC 9162 2.1.3.2 and
// 2.1.4.2). Hashes are 32-byte SHA-256 digests held in std::string.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace signet::ct {

// SHA-256(0x00 || leaf) and SHA-256(0x01 || left || right).
std::string LeafHash(std::string_view leaf);
std::string NodeHash(std::string_view left, std::string_view right);

// An append-only tree of leaf hashes kept in memory: every complete,
// aligned subtree's hash is stored (2n hashes for n leaves), so the hash of
// any prefix, an audit path or a consistency proof costs O(log n) hashes.
// Not thread-safe: the caller serialises access.
class MerkleTree {
 public:
  void Append(std::string leaf_hash);
  uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  std::string LeafHashAt(uint64_t index) const { return ToString(levels_[0][index]); }

  // MTH(D[0:n]). REQUIRES: n <= size().
  std::string RootHash(uint64_t n) const;
  // PATH(m, D[0:n]), deepest sibling first. REQUIRES: m < n <= size().
  std::vector<std::string> AuditPath(uint64_t m, uint64_t n) const;
  // PROOF(m, D[0:n]). REQUIRES: m <= n <= size(). Empty if m == 0 or m == n.
  std::vector<std::string> ConsistencyProof(uint64_t m, uint64_t n) const;
  // MTH(D[start:start+n]). REQUIRES: start + n <= size().
  std::string SubtreeHash(uint64_t start, uint64_t n) const;

 private:
  void Path(uint64_t m, uint64_t start, uint64_t n, std::vector<std::string>* out) const;
  void SubProof(uint64_t m, uint64_t start, uint64_t n, bool whole,
                std::vector<std::string>* out) const;
  // A hash in 32 bytes flat (a std::string would take about 100 with its
  // heap block): 64 bytes of memory per leaf in all.
  using Hash = std::array<char, 32>;
  static std::string ToString(const Hash& h) { return std::string(h.data(), h.size()); }
  static Hash FromString(std::string_view s);
  // levels_[k][j]: the hash of the complete subtree of 2^k leaves from j * 2^k.
  std::vector<std::vector<Hash>> levels_;
};

// The largest power of two smaller than n. REQUIRES: n > 1.
uint64_t SplitPoint(uint64_t n);

// RFC 9162 2.1.3.2: does `path` prove leaf `index` (hash `leaf_hash`) is in
// the tree of `size` leaves with root `root`?
bool VerifyAuditPath(uint64_t index, uint64_t size, const std::string& leaf_hash,
                     const std::vector<std::string>& path, const std::string& root);
// RFC 9162 2.1.4.2: does `proof` show the tree of size `m` (root `root_m`)
// is a prefix of the tree of size `n` (root `root_n`)? REQUIRES: 0 < m.
bool VerifyConsistency(uint64_t m, uint64_t n, const std::string& root_m, const std::string& root_n,
                       const std::vector<std::string>& proof);

}  // namespace signet::ct
