// The tree against a naive transcription of RFC 6962 2.1 (MTH, PATH,
// PROOF written exactly as the RFC defines them, on lists of leaves), on
// every size up to 70 and random larger ones; and the verifiers of RFC
// 9162 accept exactly the correct proofs.
#include "ct/merkle.h"

#include <gtest/gtest.h>

#include <random>

#include "crypto/digest.h"

namespace signet::ct {
namespace {

using Leaves = std::vector<std::string>;

Leaves Slice(const Leaves& d, size_t from, size_t to) {
  return Leaves(d.begin() + from, d.begin() + to);
}

size_t K(size_t n) {  // the largest power of two smaller than n
  size_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

std::string Mth(const Leaves& d) {
  if (d.empty()) return crypto::Sha256("");
  if (d.size() == 1) return crypto::Sha256(std::string(1, '\0') + d[0]);
  size_t k = K(d.size());
  return crypto::Sha256(std::string(1, '\1') + Mth(Slice(d, 0, k)) + Mth(Slice(d, k, d.size())));
}

Leaves NaivePath(size_t m, const Leaves& d) {
  if (d.size() == 1) return {};
  size_t k = K(d.size());
  Leaves out;
  if (m < k) {
    out = NaivePath(m, Slice(d, 0, k));
    out.push_back(Mth(Slice(d, k, d.size())));
  } else {
    out = NaivePath(m - k, Slice(d, k, d.size()));
    out.push_back(Mth(Slice(d, 0, k)));
  }
  return out;
}

Leaves NaiveSubProof(size_t m, const Leaves& d, bool b) {
  if (m == d.size()) return b ? Leaves{} : Leaves{Mth(d)};
  size_t k = K(d.size());
  Leaves out;
  if (m <= k) {
    out = NaiveSubProof(m, Slice(d, 0, k), b);
    out.push_back(Mth(Slice(d, k, d.size())));
  } else {
    out = NaiveSubProof(m - k, Slice(d, k, d.size()), false);
    out.push_back(Mth(Slice(d, 0, k)));
  }
  return out;
}

Leaves MakeLeaves(size_t n) {
  Leaves d;
  for (size_t i = 0; i < n; ++i) d.push_back("leaf " + std::to_string(i));
  return d;
}

MerkleTree TreeOf(const Leaves& d) {
  MerkleTree t;
  for (const auto& leaf : d) t.Append(LeafHash(leaf));
  return t;
}

void CheckAll(const Leaves& d, const MerkleTree& t, size_t n) {
  Leaves prefix = Slice(d, 0, n);
  std::string root = Mth(prefix);
  ASSERT_EQ(t.RootHash(n), root) << "n=" << n;
  for (size_t m = 0; m < n; ++m) {
    Leaves path = t.AuditPath(m, n);
    ASSERT_EQ(path, NaivePath(m, prefix)) << "PATH(" << m << ", " << n << ")";
    EXPECT_TRUE(VerifyAuditPath(m, n, LeafHash(d[m]), path, root));
    EXPECT_FALSE(VerifyAuditPath(m, n, LeafHash("other"), path, root));
    if (n > 1) {
      EXPECT_FALSE(VerifyAuditPath((m + 1) % n, n, LeafHash(d[m]), path, root));
    }
  }
  for (size_t m = 1; m <= n; ++m) {
    Leaves proof = t.ConsistencyProof(m, n);
    Leaves naive = m == n ? Leaves{} : NaiveSubProof(m, prefix, true);
    ASSERT_EQ(proof, naive) << "PROOF(" << m << ", " << n << ")";
    std::string root_m = Mth(Slice(d, 0, m));
    EXPECT_TRUE(VerifyConsistency(m, n, root_m, root, proof)) << m << " " << n;
    if (m < n) {
      EXPECT_FALSE(VerifyConsistency(m, n, crypto::Sha256("x"), root, proof));
      EXPECT_FALSE(VerifyConsistency(m, n, root_m, crypto::Sha256("x"), proof));
    }
  }
}

TEST(MerkleTest, EmptyTreeHashIsSha256OfNothing) {
  MerkleTree t;
  EXPECT_EQ(t.RootHash(0), crypto::Sha256(""));
  EXPECT_EQ(crypto::HexEncode(t.RootHash(0)),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(MerkleTest, EverySmallSizeMatchesTheRfcDefinitions) {
  Leaves d = MakeLeaves(70);
  MerkleTree t = TreeOf(d);
  for (size_t n = 1; n <= d.size(); ++n) CheckAll(d, t, n);
}

TEST(MerkleTest, RandomLargerSizesMatchTheRfcDefinitions) {
  std::mt19937 rng(6962);
  Leaves d = MakeLeaves(1100);
  MerkleTree t = TreeOf(d);
  for (int i = 0; i < 6; ++i) {
    size_t n = 100 + rng() % 1000;
    Leaves prefix = Slice(d, 0, n);
    std::string root = Mth(prefix);
    ASSERT_EQ(t.RootHash(n), root);
    for (int j = 0; j < 5; ++j) {
      size_t m = rng() % n;
      EXPECT_EQ(t.AuditPath(m, n), NaivePath(m, prefix));
      size_t first = 1 + rng() % n;
      if (first < n) {
        EXPECT_EQ(t.ConsistencyProof(first, n), NaiveSubProof(first, prefix, true));
      }
    }
  }
}

}  // namespace
}  // namespace signet::ct
