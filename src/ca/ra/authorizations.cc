// Authorizations: which challenges an identifier gets (RFC 8555 7.1.4, 8;
// RFC 8737; RFC 8738), reuse of valid ones, and the background validation.
#include "base/base64url.h"
#include "ca/ra/ra.h"
#include "crypto/digest.h"

namespace signet::ca {

using acme::ObjStatus;

namespace {

acme::Challenge NewChallenge(const std::string& type) {
  acme::Challenge c;
  c.id = NewObjectId();
  c.type = type;
  c.token = Base64UrlEncode(crypto::RandomBytes(32));
  return c;
}

// Wildcards can only be proven through DNS; IP addresses never through DNS.
std::vector<std::string> ChallengeTypes(const acme::Identifier& id, bool wildcard) {
  if (id.type == "ip") return {"http-01", "tls-alpn-01"};
  if (wildcard) return {"dns-01", "dns-account-01"};
  return {"http-01", "dns-01", "tls-alpn-01", "dns-account-01"};
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
  if (existing) {
    for (const auto& c : existing->challenges) {
      if (c.status == ObjStatus::kValid && c.validated_at &&
          *c.validated_at + config_.authz_reuse_window > now) {
        *reused = true;
        return std::move(*existing);
      }
    }
  }
  acme::Authorization authz;
  authz.id = NewObjectId();
  authz.account_id = account.id;
  authz.identifier = base;
  authz.wildcard = wildcard;
  authz.status = ObjStatus::kPending;
  authz.expires = now + config_.pending_authz_lifetime;
  for (const auto& type : ChallengeTypes(base, wildcard)) authz.challenges.push_back(NewChallenge(type));
  *reused = false;
  return authz;
}

void RegistrationAuthority::Validate(std::string authz_id, std::string challenge_id,
                                     std::string key_authorization, std::string account_id) {
  auto loaded = LoadAuthorization(authz_id);
  if (loaded.ok()) {
    acme::Authorization authz = std::move(*loaded);
    acme::Challenge* chall = authz.FindChallenge(challenge_id);
    if (chall && chall->status == ObjStatus::kProcessing && authz.status == ObjStatus::kPending) {
      va::ValidationRequest request{authz.identifier.type, authz.identifier.value, authz.wildcard,
                                    chall->type, chall->token, key_authorization,
                                    config_.account_url_prefix + account_id};
      va::ValidationResult outcome = va_.Validate(request);
      chall->records.clear();
      for (const auto& r : outcome.records)
        chall->records.push_back({r.url, r.hostname, r.port, r.addresses_resolved, r.address_used});
      if (outcome.status.ok()) {
        chall->status = ObjStatus::kValid;
        chall->validated_at = std::chrono::time_point_cast<std::chrono::seconds>(acme::Clock::now());
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
      (void)store_.UpdateAuthorization(authz);
    }
  }
  if (observer_) observer_();
}

Status RegistrationAuthority::RecheckCaa(const acme::Order& order) {
  auto now = acme::Clock::now();
  for (const auto& authz_id : order.authorization_ids) {
    SIGNET_ASSIGN_OR_RETURN(acme::Authorization authz, LoadAuthorization(authz_id));
    for (const auto& c : authz.challenges) {
      if (c.status != ObjStatus::kValid || !c.validated_at) continue;
      if (*c.validated_at + config_.caa_recheck_after > now) continue;
      Status s = va_.CheckCaa(authz.identifier.value, authz.wildcard,
                              config_.account_url_prefix + order.account_id, c.type);
      if (!s.ok()) {
        Error e = s.error();
        e.identifier_type = authz.identifier.type;
        e.identifier_value = authz.identifier.value;
        return e;
      }
    }
  }
  return OkStatus();
}

}  // namespace signet::ca
