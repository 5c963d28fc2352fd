// Two ways an RSA modulus that looks fine (right size, odd, no small factor)
// can still be factored from the public key alone; the key policy
// (key_policy.h) refuses both, as Boulder's goodkey does.
//
// Pure functions of the modulus; thread-safe.
#pragma once

#include <openssl/bn.h>

namespace signet::pki {

// ROCA (CVE-2017-15361; Nemec et al., "The Return of Coppersmith's Attack",
// CCS 2017). Infineon's RSA library built its primes as
// p = k * M + (65537^a mod M), M the product of the first small primes, so
// for each of those primes r (3 to 167), N mod r = 65537^(a+b) mod r lies in
// the subgroup of (Z/rZ)* that 65537 generates. True when N has that
// fingerprint; a modulus from a sound generator has it with a probability far
// below 2^-100.
bool HasRocaFingerprint(const BIGNUM* n);

// Fermat's factorization: starting from a = ceil(sqrt(N)), looks for
// N = a^2 - b^2 = (a - b)(a + b) in `rounds` steps of a. True when found,
// i.e. when the two prime factors are so close (|p - q| below about
// 2 * sqrt(2 * rounds) * N^(1/4)) that a broken generator, not chance, made
// them.
bool IsFermatFactorable(const BIGNUM* n, int rounds = 100);

}  // namespace signet::pki
