// `signetd admin block-key`: refuse a key for every future certificate and
// account, as a keyCompromise revocation does (revocation.h), without
// revoking anything. Acts on the store alone; a running signetd reads the
// blocked keys on every CSR and newAccount.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "storage/store.h"

namespace signet::ca {

struct BlockedKey {
  std::string spki_sha256;  // lower-case hex, the store's blocked-keys id
  std::string serial;       // the certificate it was taken from; "" for a hash
  bool already = false;     // it was blocked before (nothing changed)
};

// Blocks the key whose SubjectPublicKeyInfo DER has this SHA-256 (64 hex
// digits, any case, colons allowed). kMalformed otherwise.
Result<BlockedKey> AdminBlockKeyBySpkiHash(storage::Store& store, std::string_view hex);

// Blocks the key of the first certificate in `pem` (any CA's: a key may be
// compromised wherever it was certified). kMalformed when `pem` holds no
// certificate.
Result<BlockedKey> AdminBlockKeyByCertificate(storage::Store& store, std::string_view pem);

}  // namespace signet::ca
