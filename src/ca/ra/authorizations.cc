// Authorizations: which challenges an identifier gets (RFC 8555 7.1.4, 8;
// RFC 8737; RFC 8738), reuse of valid ones, deactivation, and the
// background validation. Every status change is a compare-and-set on the
// stored status (storage::AuthorizationExpectation), so concurrent requests
// and validations cannot undo each other's changes.
#include "acme/challenge_types.h"
#include "base/base64url.h"
#include "ca/ra/ra.h"
#include "ca/ra/require.h"
#include "crypto/digest.h"

namespace signet::ca {

using acme::ObjStatus;
using internal::NotFound;
using internal::Require;
using storage::AuthorizationExpectation;

namespace {

acme::Challenge NewChallenge(const std::string& type) {
  acme::Challenge c;
  c.id = NewObjectId();
  c.type = type;
  c.token = Base64UrlEncode(crypto::RandomBytes(32));
  return c;
}

// Whether a valid authorization may serve another order: proven by a type
// whose proofs are reusable (acme/challenge_types.h), within the window.
bool Reusable(const acme::Authorization& authz, acme::TimePoint now, std::chrono::seconds window) {
  for (const auto& c : authz.challenges) {
    if (c.status != ObjStatus::kValid || !c.validated_at) continue;
    const acme::ChallengeType* type = acme::FindChallengeType(c.type);
    return type && type->reusable && *c.validated_at + window > now;
  }
  return false;
}

}  // namespace

Result<acme::Authorization> RegistrationAuthority::AuthorizationFor(const acme::Account& account,
                                                                    const acme::Identifier& id,
                                                                    acme::TimePoint now,
                                                                    bool* reused) {
  acme::Identifier base = id;
  bool wildcard = id.type == "dns" && id.value.starts_with("*.");
  if (wildcard) base.value = id.value.substr(2);
  SIGNET_ASSIGN_OR_RETURN(auto existing,
                          store_.FindValidAuthorization(account.id, base, wildcard, now));
  if (existing && Reusable(*existing, now, config_.authz_reuse_window)) {
    *reused = true;
    return std::move(*existing);
  }
  acme::Authorization authz;
  authz.id = NewObjectId();
  authz.account_id = account.id;
  authz.identifier = base;
  authz.wildcard = wildcard;
  authz.status = ObjStatus::kPending;
  authz.expires = now + config_.pending_authz_lifetime;
  for (const auto& type : acme::ChallengeTypesFor(base, wildcard)) authz.challenges.push_back(NewChallenge(type));
  *reused = false;
  return authz;
}

Result<acme::Authorization> RegistrationAuthority::LoadAuthorization(const std::string& id) {
  SIGNET_ASSIGN_OR_RETURN(acme::Authorization authz,
                          Require(store_.GetAuthorization(id), "authorization"));
  if ((authz.status == ObjStatus::kPending || authz.status == ObjStatus::kValid) &&
      authz.expires <= acme::Clock::now()) {
    acme::Authorization expired = authz;
    expired.status = ObjStatus::kExpired;
    SIGNET_ASSIGN_OR_RETURN(bool moved, store_.UpdateAuthorizationIf(
                                            expired, AuthorizationExpectation::InStatus(authz.status)));
    if (moved) return expired;
    // Another request changed it first (validated, deactivated): theirs stands.
    return Require(store_.GetAuthorization(id), "authorization");
  }
  return authz;
}

Result<acme::Authorization> RegistrationAuthority::DeactivateAuthorization(
    const acme::Account& account, const std::string& authz_id) {
  // A validation may finish between the read and the write (pending ->
  // valid); deactivation then applies to what it left.
  constexpr int kAttempts = 3;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    SIGNET_ASSIGN_OR_RETURN(acme::Authorization authz, LoadAuthorization(authz_id));
    if (authz.account_id != account.id)
      return Error(ErrorCode::kUnauthorized, "authorization belongs to another account");
    if (authz.status != ObjStatus::kPending && authz.status != ObjStatus::kValid)
      return Error(ErrorCode::kMalformed,
                   "only pending or valid authorizations can be deactivated (this one is " +
                       std::string(acme::StatusName(authz.status)) + ")");
    ObjStatus was = authz.status;
    authz.status = ObjStatus::kDeactivated;
    SIGNET_ASSIGN_OR_RETURN(bool moved, store_.UpdateAuthorizationIf(
                                            authz, AuthorizationExpectation::InStatus(was)));
    if (moved) {
      if (was == ObjStatus::kPending) AuthorizationLeftPending(authz, /*failed=*/false);
      return authz;
    }
  }
  return Error(ErrorCode::kServerInternal,
               "the authorization kept changing while it was deactivated; try again");
}

Result<acme::Challenge> RegistrationAuthority::StartChallenge(const acme::Account& account,
                                                              const std::string& authz_id,
                                                              const std::string& challenge_id) {
  const auto started = std::chrono::steady_clock::now();
  SIGNET_ASSIGN_OR_RETURN(acme::Authorization authz, LoadAuthorization(authz_id));
  if (authz.account_id != account.id)
    return Error(ErrorCode::kUnauthorized, "challenge belongs to another account");
  acme::Challenge* chall = authz.FindChallenge(challenge_id);
  if (!chall) return NotFound("challenge");
  // RFC 8555 7.5.1: a request for a challenge that is not pending changes nothing.
  if (chall->status != ObjStatus::kPending || authz.status != ObjStatus::kPending) return *chall;
  // Its place in the queue first, so that a full queue changes nothing.
  std::optional<ValidationQueue::Ticket> ticket = queue_->Reserve();
  if (!ticket) return Busy("validation");
  chall->status = ObjStatus::kProcessing;
  AuthorizationExpectation expected;  // pending, this challenge pending, no other one started
  expected.challenge_id = challenge_id;
  expected.no_other_processing = true;
  // The work item first (work_items.cc): once the challenge is processing,
  // some instance must finish it even if this one dies now.
  const std::string work_id = authz_id + "/" + challenge_id;
  SIGNET_RETURN_IF_ERROR(work_->Begin(storage::kValidationWork, work_id));
  auto updated = store_.UpdateAuthorizationIf(authz, expected);
  if (!updated.ok() || !*updated) work_->Done(storage::kValidationWork, work_id);
  SIGNET_ASSIGN_OR_RETURN(bool moved, std::move(updated));
  if (!moved) {  // another request started a challenge or changed the authorization first
    SIGNET_ASSIGN_OR_RETURN(acme::Authorization now, LoadAuthorization(authz_id));
    const acme::Challenge* current = now.FindChallenge(challenge_id);
    if (!current) return NotFound("challenge");
    return *current;
  }
  std::string key_auth = chall->token + "." + account.thumbprint;
  // Waiting is worth it only when a worker takes the validation at once.
  const bool wait = config_.challenge_answer_wait.count() > 0 && queue_->waiting() == 0;
  auto done = wait ? std::make_shared<Completion>() : nullptr;
  queue_->Submit(std::move(*ticket), [this, authz_id, challenge_id, key_auth, work_id,
                                      account_id = account.id, started, done] {
    if (Validate(authz_id, challenge_id, key_auth, account_id, started))
      work_->Done(storage::kValidationWork, work_id);
    else
      work_->Retry(storage::kValidationWork, work_id);  // the store failed: later
    if (done) done->Signal();
  });
  if (!done || !done->WaitFor(config_.challenge_answer_wait)) return *chall;
  SIGNET_ASSIGN_OR_RETURN(acme::Authorization now, LoadAuthorization(authz_id));
  const acme::Challenge* current = now.FindChallenge(challenge_id);
  if (!current) return NotFound("challenge");
  return *current;
}

void RegistrationAuthority::Completion::Signal() {
  {
    std::lock_guard lock(mu_);
    done_ = true;
  }
  cv_.notify_all();
}

bool RegistrationAuthority::Completion::WaitFor(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [this] { return done_; });
}

bool RegistrationAuthority::Validate(std::string authz_id, std::string challenge_id,
                                     std::string key_authorization, std::string account_id,
                                     std::chrono::steady_clock::time_point started) {
  bool settled = true;
  auto loaded = LoadAuthorization(authz_id);
  if (!loaded.ok()) settled = loaded.error().code == ErrorCode::kNotFound;
  if (loaded.ok()) {
    acme::Authorization authz = std::move(*loaded);
    acme::Challenge* chall = authz.FindChallenge(challenge_id);
    if (chall && chall->status == ObjStatus::kProcessing && authz.status == ObjStatus::kPending) {
      va::ValidationRequest request{authz.identifier.type, authz.identifier.value, authz.wildcard,
                                    chall->type, chall->token, key_authorization,
                                    AccountUrl(account_id)};
      // CAA is checked during the validation: from this moment at the earliest.
      const acme::TimePoint started_at =
          std::chrono::time_point_cast<std::chrono::seconds>(acme::Clock::now());
      va::ValidationResult outcome = va_.Validate(request);
      chall->records.clear();
      for (const auto& r : outcome.records)
        chall->records.push_back({r.url, r.hostname, r.port, r.addresses_resolved, r.address_used});
      if (outcome.status.ok()) {
        chall->status = ObjStatus::kValid;
        chall->validated_at = std::chrono::time_point_cast<std::chrono::seconds>(acme::Clock::now());
        chall->caa_checked_at = started_at;
        authz.status = ObjStatus::kValid;
        authz.expires = *chall->validated_at + config_.valid_authz_lifetime;
      } else {
        Error e = outcome.status.error();
        e.identifier_type = authz.identifier.type;
        e.identifier_value = authz.identifier.value;
        chall->status = ObjStatus::kInvalid;
        chall->error = std::move(e);
        authz.status = ObjStatus::kInvalid;
      }
      // Only if nothing changed the authorization meanwhile (a deactivation,
      // an expiry): theirs stands and this outcome is dropped.
      AuthorizationExpectation expected;
      expected.challenge_id = challenge_id;
      expected.challenge_status = ObjStatus::kProcessing;
      auto stored = store_.UpdateAuthorizationIf(authz, expected);
      settled = stored.ok();
      if (stored.ok() && *stored) {
        ValidationEvent event{account_id, authz.id, challenge_id, chall->type, authz.identifier,
                              chall->error ? &*chall->error : nullptr,
                              chall->error ? chall->error->detail : "", authz.wildcard,
                              std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::steady_clock::now() - started)};
        for (size_t at; !key_authorization.empty() &&
                        (at = event.detail.find(key_authorization)) != std::string::npos;)
          event.detail.replace(at, key_authorization.size(), "[key authorization]");
        Emit([&](const Events& e) {
          if (e.validated) e.validated(chall->type, outcome.status.ok());
          if (e.validation) e.validation(event);
        });
        AuthorizationLeftPending(authz, /*failed=*/authz.status == ObjStatus::kInvalid);
        // Paused clients: the run of failures this outcome extends or ends.
        // Best effort: the validation's outcome stands without it.
        (void)PauseTracker(store_, config_.pausing)
            .RecordOutcome(account_id, authz.identifier, outcome.status.ok(), acme::Clock::now());
      }
    }
  }
  if (observer_) observer_();
  return settled;
}

}  // namespace signet::ca
