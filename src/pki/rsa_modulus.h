// NIST SP 800-89 5.3.3 (partial public-key validation of an RSA modulus), as
// the Baseline Requirements 6.1.6 ask of every RSA key a CA certifies: the
// modulus is odd, has no prime factor below 752, and is composite but not a
// power of a prime. The key policy (key_policy.h) applies it to account and
// certificate keys alike, once per key.
//
// This replaces OpenSSL 3's EVP_PKEY_public_check for RSA, which does the
// same with a random Miller-Rabin base, a constant-time GCD with the
// primorial and two more constant-time GCDs: the modulus is public, so none
// of that needs to be constant time. Here: trial division by the 131 odd
// primes below 752 (24 word divisions), one enhanced Miller-Rabin round
// with base 2 (FIPS 186-4 C.3.2; one modular exponentiation) and one modular
// inverse in place of its GCD. About 60% of OpenSSL's cost on a 2048-bit
// modulus; the exponentiation is the floor (no cheaper proof of
// compositeness exists).
//
// Why base 2 suffices: Miller-Rabin never calls a prime composite, and its
// "composite and not a prime power" outcome is a proof for any base prime to
// the modulus (for n = p^k, 2^(n-1) = 1 mod p, so the final GCD finds p; and
// 1 has no square roots mod p^k but +-1). A composite that passes base 2 (a
// strong pseudoprime, which only a deliberate construction yields) is
// refused as if prime: a refusal, never an acceptance.
//
// Pure function of the modulus; thread-safe.
#pragma once

#include <openssl/bn.h>

#include <cstdint>

#include "base/result.h"

namespace signet::pki {

enum class ModulusFlaw {
  kNone,
  kEven,
  kSmallFactor,  // a prime factor below 752: ModulusVerdict::factor
  kPrime,        // prime, or a strong pseudoprime to base 2
  kPrimePower,   // p^k, or a factor follows from the Miller-Rabin witness
};

struct ModulusVerdict {
  ModulusFlaw flaw = ModulusFlaw::kNone;
  uint32_t factor = 0;  // kSmallFactor only
};

// REQUIRES: n > 752^2 (the key policy checks the size first).
// kServerInternal only when OpenSSL fails (allocation).
Result<ModulusVerdict> CheckRsaModulus(const BIGNUM* n);

}  // namespace signet::pki
