// Which subscriber keys the CA accepts (Boulder's goodkey): RSA with a
// modulus of 2048 to 8192 bits (multiple of 8) and public exponent 65537, or
// ECDSA on P-256 or P-384. Anything else is kBadCsr with a reason.
#pragma once

#include "base/result.h"
#include "crypto/key.h"

namespace signet::pki {

Status CheckSubscriberKey(const crypto::Key& key);

}  // namespace signet::pki
