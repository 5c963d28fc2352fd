#include "ct/merkle.h"

#include <algorithm>
#include <bit>

#include "crypto/digest.h"

namespace signet::ct {

std::string LeafHash(std::string_view leaf) {
  std::string in(1, '\0');
  in.append(leaf);
  return crypto::Sha256(in);
}

std::string NodeHash(std::string_view left, std::string_view right) {
  std::string in(1, '\1');
  in.append(left);
  in.append(right);
  return crypto::Sha256(in);
}

uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

MerkleTree::Hash MerkleTree::FromString(std::string_view s) {
  Hash h{};
  std::copy_n(s.data(), std::min(s.size(), h.size()), h.data());
  return h;
}

void MerkleTree::Append(std::string leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(FromString(leaf_hash));
  // Each time a level gets an even count, its last two complete a subtree.
  for (size_t k = 0; levels_[k].size() % 2 == 0; ++k) {
    if (levels_.size() == k + 1) levels_.emplace_back();
    const auto& level = levels_[k];
    Hash node = FromString(NodeHash(std::string_view(level[level.size() - 2].data(), 32),
                                    std::string_view(level.back().data(), 32)));
    levels_[k + 1].push_back(node);
  }
}

std::string MerkleTree::SubtreeHash(uint64_t start, uint64_t n) const {
  if (n == 0) return crypto::Sha256("");
  if (std::has_single_bit(n) && start % n == 0) {
    return ToString(levels_[std::countr_zero(n)][start / n]);
  }
  uint64_t k = SplitPoint(n);
  return NodeHash(SubtreeHash(start, k), SubtreeHash(start + k, n - k));
}

std::string MerkleTree::RootHash(uint64_t n) const { return SubtreeHash(0, n); }

void MerkleTree::Path(uint64_t m, uint64_t start, uint64_t n, std::vector<std::string>* out) const {
  if (n <= 1) return;
  uint64_t k = SplitPoint(n);
  if (m < k) {
    Path(m, start, k, out);
    out->push_back(SubtreeHash(start + k, n - k));
  } else {
    Path(m - k, start + k, n - k, out);
    out->push_back(SubtreeHash(start, k));
  }
}

std::vector<std::string> MerkleTree::AuditPath(uint64_t m, uint64_t n) const {
  std::vector<std::string> out;
  Path(m, 0, n, &out);
  return out;
}

void MerkleTree::SubProof(uint64_t m, uint64_t start, uint64_t n, bool whole,
                          std::vector<std::string>* out) const {
  if (m == n) {
    if (!whole) out->push_back(SubtreeHash(start, n));
    return;
  }
  uint64_t k = SplitPoint(n);
  if (m <= k) {
    SubProof(m, start, k, whole, out);
    out->push_back(SubtreeHash(start + k, n - k));
  } else {
    SubProof(m - k, start + k, n - k, false, out);
    out->push_back(SubtreeHash(start, k));
  }
}

std::vector<std::string> MerkleTree::ConsistencyProof(uint64_t m, uint64_t n) const {
  std::vector<std::string> out;
  if (m == 0 || m == n) return out;
  SubProof(m, 0, n, true, &out);
  return out;
}

bool VerifyAuditPath(uint64_t index, uint64_t size, const std::string& leaf_hash,
                     const std::vector<std::string>& path, const std::string& root) {
  if (index >= size) return false;
  uint64_t fn = index, sn = size - 1;
  std::string r = leaf_hash;
  for (const std::string& p : path) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = NodeHash(p, r);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) fn >>= 1, sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool VerifyConsistency(uint64_t m, uint64_t n, const std::string& root_m, const std::string& root_n,
                       const std::vector<std::string>& proof) {
  if (m == 0 || m > n) return false;
  if (m == n) return proof.empty() && root_m == root_n;
  std::vector<std::string> path = proof;
  if (std::has_single_bit(m)) path.insert(path.begin(), root_m);
  if (path.empty()) return false;
  uint64_t fn = m - 1, sn = n - 1;
  while (fn & 1) fn >>= 1, sn >>= 1;
  std::string fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const std::string& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) fn >>= 1, sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && fr == root_m && sr == root_n;
}

}  // namespace signet::ct
