#include "ca/publisher/ocsp_responder.h"

#include "pki/certificate.h"
#include "pki/ocsp_signing_cert.h"

namespace signet::ca {

namespace {

std::string CacheKey(const pki::OcspRequestInfo& request) {
  return request.serial + (request.hash == pki::OcspHash::kSha1 ? "/sha1" : "/sha256");
}

OcspAnswer Failure(int status) {
  OcspAnswer answer;
  answer.der = pki::OcspErrorResponse(status);
  return answer;
}

}  // namespace

OcspResponder::OcspResponder(storage::ReadOnlyStore& store, const pki::Issuer& intermediate,
                             OcspResponderConfig config)
    : store_(store), intermediate_(intermediate), config_(config) {}

Status OcspResponder::Init() {
  auto signer = CurrentSigner();
  if (!signer.ok()) return std::move(signer).error();
  return OkStatus();
}

Result<std::shared_ptr<const pki::Issuer>> OcspResponder::CurrentSigner() {
  auto now = acme::Clock::now();
  if (config_.responder) {
    if (now >= pki::NotAfter(config_.responder->cert.get()))
      return Error(ErrorCode::kServerInternal,
                   "the OCSP responder certificate has expired; make a new one with signetd "
                   "ceremony");
    return config_.responder;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (signer_ && now < signer_renew_at_) return signer_;
  SIGNET_ASSIGN_OR_RETURN(pki::Issuer fresh,
                          pki::IssueOcspSigningCert(intermediate_, config_.signer_lifetime));
  signer_ = std::make_shared<const pki::Issuer>(std::move(fresh));
  signer_renew_at_ = now + config_.signer_lifetime / 2;
  return signer_;
}

std::string OcspResponder::SignerPem() {
  auto signer = CurrentSigner();
  return signer.ok() ? pki::CertToPem((*signer)->cert.get()) : "";
}

void OcspResponder::Invalidate(const std::string& serial) {
  std::lock_guard<std::mutex> lock(mu_);
  ++invalidations_;
  cache_.erase(serial + "/sha1");
  cache_.erase(serial + "/sha256");
}

Result<pki::OcspStatus> OcspResponder::StatusOf(const std::string& serial) {
  SIGNET_ASSIGN_OR_RETURN(auto record, store_.GetCertificate(serial));
  pki::OcspStatus status;
  if (!record) {
    status.status = pki::OcspStatus::kUnknown;
  } else if (record->revoked_at) {
    status.status = pki::OcspStatus::kRevoked;
    status.revoked_at = *record->revoked_at;
    status.reason = record->revoked_reason;
  }
  return status;
}

OcspAnswer OcspResponder::Respond(std::string_view request_der) {
  auto request = pki::ParseOcspRequest(request_der);
  if (!request.ok()) return Failure(pki::kOcspMalformedRequest);
  if (!pki::OcspRequestMatchesIssuer(*request, intermediate_.cert.get()))
    return Failure(pki::kOcspUnauthorized);
  auto now = std::chrono::floor<std::chrono::seconds>(acme::Clock::now());
  const std::string key = CacheKey(*request);
  std::optional<Entry> cached;
  uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(mu_);
    generation = invalidations_;
    auto it = cache_.find(key);
    if (it != cache_.end() && now < it->second.this_update + config_.validity / 2 &&
        now < it->second.next_update)
      cached = it->second;
  }
  if (cached && !request->nonce)
    return OcspAnswer{cached->der, true, true, cached->this_update, cached->next_update};

  auto signer = CurrentSigner();
  if (!signer.ok()) return Failure(pki::kOcspInternalError);
  Entry entry;
  if (cached) {
    entry = *cached;
  } else {
    auto status = StatusOf(request->serial);
    if (!status.ok()) return Failure(pki::kOcspInternalError);
    // No answer outlives the certificate that signs it.
    auto next_update = std::min<acme::TimePoint>(
        now + config_.validity,
        std::chrono::floor<std::chrono::seconds>(pki::NotAfter((*signer)->cert.get())));
    entry = Entry{*status, now, next_update, ""};
  }
  auto build = [&](bool nonce) {
    return pki::BuildOcspResponse(**signer, intermediate_.cert.get(), *request, entry.status,
                                  entry.this_update, entry.next_update, nonce);
  };
  if (request->nonce) {
    auto der = build(true);
    if (!der.ok()) return Failure(pki::kOcspInternalError);
    return OcspAnswer{std::move(*der), true, false, entry.this_update, entry.next_update};
  }
  auto der = build(false);
  if (!der.ok()) return Failure(pki::kOcspInternalError);
  entry.der = *der;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // A revocation since our read must not be hidden by a stale "good".
    if (generation == invalidations_) {
      if (cache_.size() >= config_.max_cached) cache_.clear();
      cache_[key] = entry;
    }
  }
  return OcspAnswer{std::move(*der), true, true, entry.this_update, entry.next_update};
}

}  // namespace signet::ca
