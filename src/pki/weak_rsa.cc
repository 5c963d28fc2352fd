#include "pki/weak_rsa.h"

#include <array>
#include <bitset>
#include <cstdint>

#include "crypto/ossl.h"

namespace signet::pki {

namespace {

// The odd primes of Infineon's M (2 adds nothing: every RSA modulus is odd).
constexpr std::array<uint32_t, 38> kRocaPrimes = {
    3,  5,  7,  11, 13, 17, 19, 23, 29, 31, 37,  41,  43,  47,  53,  59,  61,  67,  71,
    73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167};
constexpr uint32_t kGenerator = 65537;

// For each prime r of kRocaPrimes, the residues mod r in the subgroup that
// 65537 generates: {65537^k mod r}.
using Residues = std::bitset<168>;

const std::array<Residues, kRocaPrimes.size()>& RocaSubgroups() {
  static const auto subgroups = [] {
    std::array<Residues, kRocaPrimes.size()> out;
    for (size_t i = 0; i < kRocaPrimes.size(); ++i) {
      uint32_t r = kRocaPrimes[i];
      uint32_t g = kGenerator % r;
      for (uint32_t x = 1; !out[i].test(x); x = x * g % r) out[i].set(x);
    }
    return out;
  }();
  return subgroups;
}

// Residue tables for a quick "cannot be a square" test before a square root.
template <uint32_t M>
struct SquaresMod {
  std::bitset<M> is_square;
  SquaresMod() {
    for (uint32_t x = 0; x < M; ++x) is_square.set(x * x % M);
  }
};

bool MayBeSquare(const BIGNUM* x) {
  static const SquaresMod<64> mod64;
  static const SquaresMod<63> mod63;
  static const SquaresMod<65> mod65;
  static const SquaresMod<11> mod11;
  return mod64.is_square.test(BN_mod_word(x, 64)) && mod63.is_square.test(BN_mod_word(x, 63)) &&
         mod65.is_square.test(BN_mod_word(x, 65)) && mod11.is_square.test(BN_mod_word(x, 11));
}

// floor(sqrt(n)) into `root`, by Newton's iteration from above. False on an
// OpenSSL failure.
bool FloorSqrt(const BIGNUM* n, BIGNUM* root, BN_CTX* ctx) {
  if (BN_is_zero(n)) {
    BN_zero(root);
    return true;
  }
  crypto::BignumPtr next(BN_new()), quotient(BN_new());
  if (!next || !quotient) return false;
  // 2^ceil(bits/2) >= sqrt(n): the iteration then decreases to the root.
  BN_zero(root);
  if (!BN_set_bit(root, (BN_num_bits(n) + 1) / 2)) return false;
  for (;;) {
    if (!BN_div(quotient.get(), nullptr, n, root, ctx) ||
        !BN_add(next.get(), root, quotient.get()) || !BN_rshift1(next.get(), next.get()))
      return false;
    if (BN_cmp(next.get(), root) >= 0) return true;
    if (!BN_copy(root, next.get())) return false;
  }
}

bool IsSquare(const BIGNUM* x, BIGNUM* scratch, BIGNUM* scratch2, BN_CTX* ctx) {
  if (!MayBeSquare(x)) return false;
  return FloorSqrt(x, scratch, ctx) && BN_sqr(scratch2, scratch, ctx) &&
         BN_cmp(scratch2, x) == 0;
}

}  // namespace

bool HasRocaFingerprint(const BIGNUM* n) {
  const auto& subgroups = RocaSubgroups();
  for (size_t i = 0; i < kRocaPrimes.size(); ++i) {
    BN_ULONG residue = BN_mod_word(n, kRocaPrimes[i]);
    if (residue == static_cast<BN_ULONG>(-1) || !subgroups[i].test(size_t(residue))) return false;
  }
  return true;
}

bool IsFermatFactorable(const BIGNUM* n, int rounds) {
  crypto::BnCtxPtr ctx(BN_CTX_new());
  crypto::BignumPtr a(BN_new()), b2(BN_new()), step(BN_new()), s1(BN_new()), s2(BN_new());
  if (!ctx || !a || !b2 || !step || !s1 || !s2 || BN_is_negative(n)) return false;
  // a = ceil(sqrt(n)); b2 = a^2 - n.
  if (!FloorSqrt(n, a.get(), ctx.get()) || !BN_sqr(b2.get(), a.get(), ctx.get())) return false;
  if (BN_cmp(b2.get(), n) < 0) {
    if (!BN_add_word(a.get(), 1) || !BN_sqr(b2.get(), a.get(), ctx.get())) return false;
  }
  if (!BN_sub(b2.get(), b2.get(), n)) return false;
  for (int i = 0; i < rounds; ++i) {
    if (IsSquare(b2.get(), s1.get(), s2.get(), ctx.get())) return true;
    // (a + 1)^2 - n = b2 + 2a + 1.
    if (!BN_lshift1(step.get(), a.get()) || !BN_add_word(step.get(), 1) ||
        !BN_add(b2.get(), b2.get(), step.get()) || !BN_add_word(a.get(), 1))
      return false;
  }
  return false;
}

}  // namespace signet::pki
