// Replay nonces (RFC 8555 6.5) for several signetd instances behind one load
// balancer, on one store (issue 10): any instance accepts a nonce another
// issued, and each nonce is accepted once across them all.
//
// A nonce is authenticated, so issuing one needs no shared state: it carries
// its expiry and 16 random bytes, and a MAC over both under a key every
// instance holds (kept in the store: Store::SharedNonceKey, made by the
// first instance to start). Redeeming checks the MAC and the expiry locally,
// then records the random part in the store (Store::RedeemNonce, one INSERT
// on its primary key): the first redemption anywhere wins, a replay to any
// instance finds the row. Records go once their nonce has expired.
//
// Format, base64url: version (1 byte, 1) | expiry (8 bytes, big-endian unix
// seconds) | random (16 bytes) | HMAC-SHA256 of the first 25 bytes, first
// 16 bytes. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "acme/objects.h"
#include "ca/wfe/nonce.h"
#include "storage/store.h"

namespace signet::ca {

class SharedNonceService : public NonceService {
 public:
  using Now = std::function<acme::TimePoint()>;
  // `key`: the MAC key, the same on every instance (at least 32 bytes).
  // `lifetime`: how long a nonce may wait to be redeemed.
  SharedNonceService(storage::Store& store, std::string key,
                     std::chrono::seconds lifetime = std::chrono::minutes(10),
                     Now now = [] { return acme::Clock::now(); });

  std::string Issue() override;
  // False for a nonce that is malformed, forged, expired or used; an Error
  // when the store cannot say.
  Result<bool> Redeem(const std::string& nonce) override;

 private:
  std::string Mac(std::string_view body) const;

  storage::Store& store_;
  const std::string key_;
  const std::chrono::seconds lifetime_;
  const Now now_;
  std::atomic<int64_t> last_prune_{0};  // unix seconds
};

}  // namespace signet::ca
