#include "ca/wfe/shared_nonce.h"

#include <openssl/evp.h>

#include "base/base64url.h"
#include "crypto/digest.h"
#include "crypto/hmac.h"

namespace signet::ca {

namespace {

constexpr char kVersion = 1;
constexpr size_t kBody = 1 + 8 + 16;  // version, expiry, random
constexpr size_t kMac = 16;
constexpr int64_t kPruneEverySeconds = 60;

int64_t Seconds(acme::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

SharedNonceService::SharedNonceService(storage::Store& store, std::string key,
                                       std::chrono::seconds lifetime, Now now)
    : store_(store), key_(std::move(key)), lifetime_(lifetime), now_(std::move(now)) {}

std::string SharedNonceService::Mac(std::string_view body) const {
  auto mac = crypto::Hmac(EVP_sha256(), key_, body);
  // HMAC-SHA256 fails only if OpenSSL is out of memory: a nonce then never verifies.
  return mac.ok() ? mac->substr(0, kMac) : std::string(kMac, '\0');
}

std::string SharedNonceService::Issue() {
  std::string body(1, kVersion);
  uint64_t expiry = uint64_t(Seconds(now_()) + lifetime_.count());
  for (int shift = 56; shift >= 0; shift -= 8) body.push_back(char((expiry >> shift) & 0xff));
  body += crypto::RandomBytes(16);
  return Base64UrlEncode(body + Mac(body));
}

Result<bool> SharedNonceService::Redeem(const std::string& nonce) {
  auto raw = Base64UrlDecode(nonce);
  if (!raw.ok() || raw->size() != kBody + kMac || (*raw)[0] != kVersion) return false;
  std::string_view body(raw->data(), kBody);
  if (!crypto::ConstantTimeEquals(Mac(body), std::string_view(raw->data() + kBody, kMac)))
    return false;
  uint64_t expiry = 0;
  for (size_t i = 1; i <= 8; ++i) expiry = (expiry << 8) | uint8_t((*raw)[i]);
  int64_t now = Seconds(now_());
  if (int64_t(expiry) < now) return false;
  // Now and then (any instance), forget redemptions of expired nonces.
  int64_t last = last_prune_.load();
  if (now - last >= kPruneEverySeconds && last_prune_.compare_exchange_strong(last, now))
    (void)store_.PruneRedeemedNonces(acme::TimePoint(std::chrono::seconds(now)));
  return store_.RedeemNonce(Base64UrlEncode(body.substr(9)),
                            acme::TimePoint(std::chrono::seconds(expiry)));
}

}  // namespace signet::ca
