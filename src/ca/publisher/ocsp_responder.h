// The OCSP responder (RFC 6960) without HTTP: answers a DER OCSPRequest with
// a DER OCSPResponse saying good, revoked (time and reason) or unknown for a
// certificate of our intermediate, signed by a delegated responder
// certificate (RFC 6960 4.2.2.2) that it issues at start and renews when half
// its life is gone. Answers are cached per serial until they are half way to
// their nextUpdate, and dropped at once when the certificate is revoked
// (Invalidate). A request with a nonce (RFC 8954) gets a freshly signed
// answer echoing it.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "acme/objects.h"
#include "base/result.h"
#include "pki/issuer.h"
#include "pki/ocsp.h"
#include "storage/store.h"

namespace signet::ca {

struct OcspResponderConfig {
  std::chrono::seconds validity = std::chrono::hours(24);  // nextUpdate - thisUpdate
  // Life of the delegated signing certificate; at least twice `validity`,
  // so no answer outlives the certificate that signed it.
  std::chrono::seconds signer_lifetime = std::chrono::hours(24 * 4);
  size_t max_cached = 100000;  // the cache is emptied when it grows past this
  // A ceremony-made responder (checked with pki::CheckOcspResponder by the
  // caller); nullptr: issue one at start and renew it (signer_lifetime).
  std::shared_ptr<const pki::Issuer> responder;
};

struct OcspAnswer {
  std::string der;              // an OCSPResponse, successful or not
  bool successful = false;      // carries a signed BasicOCSPResponse
  bool cacheable = false;       // no nonce: HTTP caches may keep it
  acme::TimePoint this_update;  // successful only
  acme::TimePoint next_update;  // successful only
};

class OcspResponder {
 public:
  OcspResponder(storage::ReadOnlyStore& store, const pki::Issuer& intermediate,
                OcspResponderConfig config);

  // Issues the first signing certificate (or checks the configured one is in date).
  Status Init();
  // Never fails: a malformed request gets malformedRequest, a request for
  // another issuer unauthorized, a storage failure internalError.
  OcspAnswer Respond(std::string_view request_der);
  void Invalidate(const std::string& serial);
  // The current signing certificate (PEM), for tests and operators.
  std::string SignerPem();

 private:
  struct Entry {
    pki::OcspStatus status;
    acme::TimePoint this_update;
    acme::TimePoint next_update;
    std::string der;  // the answer without a nonce
  };
  // The signing certificate, renewed first when half its life is gone.
  Result<std::shared_ptr<const pki::Issuer>> CurrentSigner();
  Result<pki::OcspStatus> StatusOf(const std::string& serial);

  storage::ReadOnlyStore& store_;
  const pki::Issuer& intermediate_;
  const OcspResponderConfig config_;
  std::mutex mu_;
  std::shared_ptr<const pki::Issuer> signer_;  // GUARDED_BY(mu_)
  acme::TimePoint signer_renew_at_;            // GUARDED_BY(mu_)
  // By serial and CertID hash ("<serial>/sha1"): the answer echoes the CertID.
  std::unordered_map<std::string, Entry> cache_;  // GUARDED_BY(mu_)
  uint64_t invalidations_ = 0;                    // GUARDED_BY(mu_)
};

}  // namespace signet::ca
