// Profiles in the RA: identifier types, authorization lifetimes and reuse
// per profile, and the checks finalize makes of the CSR's key and features.
#include "ca/ra/profile_policy.h"

#include "base/base64url.h"
#include "ca/ra/ra.h"
#include "ca/ra/revocation.h"
#include "crypto/digest.h"
#include "jose/jwk.h"
#include "pki/key_policy.h"

namespace signet::ca {

using acme::ObjStatus;

Status CheckProfileAllows(const Profile& profile, const ProfileSet& all,
                          const acme::Identifier& id) {
  if (profile.AllowsIdentifierType(id.type)) return OkStatus();
  std::string where;
  for (const Profile& p : all.all())
    if (p.AllowsIdentifierType(id.type)) where += (where.empty() ? "" : ", ") + p.name;
  std::string what = id.type == "ip" ? "IP address identifiers" : "\"" + id.type + "\" identifiers";
  Error e(ErrorCode::kRejectedIdentifier, what + " are not issued under profile \"" + profile.name +
                                              "\"" +
                                              (where.empty() ? "" : " (only under " + where + ")"));
  e.identifier_type = id.type;
  e.identifier_value = id.value;
  return e;
}

namespace {

std::optional<acme::TimePoint> LastValidated(const acme::Authorization& authz) {
  std::optional<acme::TimePoint> last;
  for (const auto& c : authz.challenges)
    if (c.status == ObjStatus::kValid && c.validated_at && (!last || *c.validated_at > *last))
      last = c.validated_at;
  return last;
}

// A new pending authorization for the identifier of `like`, with challenges
// of the same types (fresh ids and tokens).
acme::Authorization FreshLike(const acme::Authorization& like) {
  acme::Authorization authz;
  authz.id = NewObjectId();
  authz.account_id = like.account_id;
  authz.identifier = like.identifier;
  authz.wildcard = like.wildcard;
  authz.status = ObjStatus::kPending;
  for (const auto& c : like.challenges) {
    acme::Challenge fresh;
    fresh.id = NewObjectId();
    fresh.type = c.type;
    fresh.token = Base64UrlEncode(crypto::RandomBytes(32));
    authz.challenges.push_back(std::move(fresh));
  }
  return authz;
}

}  // namespace

Result<acme::Authorization> RegistrationAuthority::AuthorizationUnder(const Profile& profile,
                                                                      const acme::Account& account,
                                                                      const acme::Identifier& id,
                                                                      acme::TimePoint now,
                                                                      bool* reused) {
  SIGNET_ASSIGN_OR_RETURN(acme::Authorization authz, AuthorizationFor(account, id, now, reused));
  if (*reused) {
    std::optional<acme::TimePoint> validated = LastValidated(authz);
    if (validated && *validated + profile.ReuseWindowAt(now) > now) return authz;
    authz = FreshLike(authz);  // too old for this profile
    *reused = false;
  }
  authz.expires = now + profile.pending_authz_lifetime;
  return authz;
}

Status RegistrationAuthority::CheckCsrKeyAndFeatures(const pki::Csr& csr,
                                                     const acme::Account& account) {
  SIGNET_RETURN_IF_ERROR(pki::CheckSubscriberKey(csr.public_key, config_.key_policy));
  SIGNET_RETURN_IF_ERROR(pki::CheckSubscriberKeyEncoding(csr.spki(), csr.public_key));
  if (jose::Thumbprint(csr.public_key) == account.thumbprint)
    return Error(ErrorCode::kBadCsr, "CSR public key must not be the account key");
  SIGNET_ASSIGN_OR_RETURN(bool blocked, store_.IsKeyBlocked(BlockedKeyId(csr)));
  if (blocked) return Error(ErrorCode::kBadCsr, "key is blocked (compromised)");
  if (csr.must_staple && !config_.ocsp)
    return Error(ErrorCode::kBadCsr,
                 "OCSP Must-Staple is not supported: this CA runs no OCSP responder");
  return OkStatus();
}

}  // namespace signet::ca
