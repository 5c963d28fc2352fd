#include "ca/ra/ra.h"

#include <algorithm>
#include <set>

#include <boost/json/parse.hpp>

#include "base/base64url.h"
#include "ca/ra/identifier_policy.h"
#include "ca/ra/profile_policy.h"
#include "ca/ra/revocation.h"
#include "crypto/digest.h"
#include "jose/jwk.h"
#include "pki/csr.h"

namespace signet::ca {

using acme::ObjStatus;

std::string NewObjectId() { return Base64UrlEncode(crypto::RandomBytes(16)); }

namespace {

Error NotFound(const std::string& what) { return Error(ErrorCode::kNotFound, what + " not found"); }

template <typename T>
Result<T> Require(Result<std::optional<T>> r, const std::string& what) {
  if (!r.ok()) return std::move(r).error();
  if (!r->has_value()) return NotFound(what);
  return std::move(**r);
}

bool IsFinalAuthzFailure(ObjStatus s) {
  return s == ObjStatus::kInvalid || s == ObjStatus::kDeactivated || s == ObjStatus::kExpired ||
         s == ObjStatus::kRevoked;
}

}  // namespace

RegistrationAuthority::RegistrationAuthority(storage::Store& store, const Signer& signer,
                                             va::ValidationAuthority& va, RaConfig config)
    : store_(store), signer_(signer), va_(va), config_(config),
      policy_{config.allow_test_names, true, config.blocklist},
      queue_(std::make_unique<ValidationQueue>(config.validation_workers)) {
  // AuthorizationFor reuses within this window; AuthorizationUnder narrows
  // it to each order's profile.
  config_.authz_reuse_window = config_.profiles.LongestReuseWindow();
}

Status RegistrationAuthority::Recover() {
  SIGNET_ASSIGN_OR_RETURN(auto authz_ids, store_.ListAuthorizationsBeingValidated());
  for (const auto& id : authz_ids) {
    SIGNET_ASSIGN_OR_RETURN(acme::Authorization authz, LoadAuthorization(id));
    SIGNET_ASSIGN_OR_RETURN(acme::Account account, GetAccount(authz.account_id));
    for (const auto& c : authz.challenges) {
      if (c.status != ObjStatus::kProcessing) continue;
      std::string key_auth = c.token + "." + account.thumbprint;
      queue_->Submit([this, id, cid = c.id, key_auth, aid = account.id] {
        Validate(id, cid, key_auth, aid);
      });
    }
  }
  SIGNET_ASSIGN_OR_RETURN(auto order_ids, store_.ListOrdersWithStatus(ObjStatus::kProcessing));
  for (const auto& id : order_ids) {
    SIGNET_ASSIGN_OR_RETURN(acme::Order order, Require(store_.GetOrder(id), "order"));
    auto csr = Base64Decode(order.csr_der);
    if (!csr.ok()) {
      SIGNET_RETURN_IF_ERROR(FailOrder(order, Error(ErrorCode::kServerInternal,
                                                    "issuance interrupted; CSR lost")));
      continue;
    }
    auto parsed = pki::ParseCsr(*csr);
    if (!parsed.ok()) {
      SIGNET_RETURN_IF_ERROR(FailOrder(order, parsed.error()));
      continue;
    }
    (void)Issue(std::move(order), *parsed);  // failures are recorded on the order
  }
  return OkStatus();
}

Result<acme::Account> RegistrationAuthority::NewAccount(const std::string& jwk_json,
                                                        const std::string& thumbprint,
                                                        std::vector<std::string> contacts,
                                                        bool tos_agreed) {
  boost::system::error_code ec;
  boost::json::value jwk = boost::json::parse(jwk_json, ec);
  if (ec || !jwk.is_object()) return Error(ErrorCode::kMalformed, "account key is not a JWK");
  SIGNET_ASSIGN_OR_RETURN(crypto::Key key, jose::KeyFromJwk(jwk.get_object()));
  SIGNET_RETURN_IF_ERROR(CheckAccountKey(key));
  acme::Account a;
  a.id = NewObjectId();
  a.jwk_json = jwk_json;
  a.thumbprint = thumbprint;
  a.contacts = std::move(contacts);
  a.status = ObjStatus::kValid;
  a.tos_agreed = tos_agreed;
  a.created_at = std::chrono::time_point_cast<std::chrono::seconds>(acme::Clock::now());
  SIGNET_RETURN_IF_ERROR(store_.CreateAccount(a));
  return a;
}

Status RegistrationAuthority::CheckAccountKey(const crypto::Key& key) {
  SIGNET_RETURN_IF_ERROR(pki::CheckAccountKey(key, config_.key_policy));
  SIGNET_ASSIGN_OR_RETURN(bool blocked, store_.IsKeyBlocked(BlockedKeyId(key)));
  if (blocked) return Error(ErrorCode::kBadPublicKey, "key is blocked (compromised)");
  return OkStatus();
}

Result<std::optional<acme::Account>> RegistrationAuthority::FindAccountByThumbprint(
    const std::string& thumbprint) {
  return store_.GetAccountByThumbprint(thumbprint);
}

Result<acme::Account> RegistrationAuthority::GetAccount(const std::string& id) {
  auto r = store_.GetAccount(id);
  if (!r.ok()) return std::move(r).error();
  if (!r->has_value()) return Error(ErrorCode::kAccountDoesNotExist, "no account " + id);
  return std::move(**r);
}

Result<acme::Account> RegistrationAuthority::UpdateAccount(
    const acme::Account& account, std::optional<std::vector<std::string>> contacts,
    bool deactivate) {
  acme::Account updated = account;
  if (contacts) updated.contacts = std::move(*contacts);
  if (deactivate) updated.status = ObjStatus::kDeactivated;
  SIGNET_RETURN_IF_ERROR(store_.UpdateAccount(updated));
  return updated;
}

Result<acme::Order> RegistrationAuthority::NewOrder(const acme::Account& account,
                                                    std::vector<acme::Identifier> ids,
                                                    std::optional<acme::TimePoint> not_before,
                                                    std::optional<acme::TimePoint> not_after,
                                                    const OrderOptions& options) {
  if (ids.empty()) return Error(ErrorCode::kMalformed, "an order needs at least one identifier");
  SIGNET_ASSIGN_OR_RETURN(const Profile* profile, config_.profiles.Find(options.profile));
  size_t max_names = std::min(config_.max_names_per_order, profile->max_names);
  if (ids.size() > max_names)
    return Error(ErrorCode::kRejectedIdentifier,
                 "too many identifiers (at most " + std::to_string(max_names) + ")");
  if (not_before || not_after)
    return Error(ErrorCode::kMalformed, "notBefore and notAfter are not supported by this CA");
  for (auto& id : ids) {
    std::transform(id.value.begin(), id.value.end(), id.value.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (id.type == "ip") id.value = CanonicalIp(id.value);
  }
  std::sort(ids.begin(), ids.end(), [](const auto& a, const auto& b) { return a.value < b.value; });
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());

  std::vector<Error> refusals;
  for (const auto& id : ids) {
    Status s = CheckIdentifier(id, policy_);
    if (s.ok()) s = CheckProfileAllows(*profile, config_.profiles, id);
    if (!s.ok()) refusals.push_back(s.error());
  }
  if (refusals.size() == 1) return refusals[0];
  if (!refusals.empty()) {
    ErrorCode code = refusals[0].code;
    for (const auto& r : refusals)
      if (r.code != code) code = ErrorCode::kRejectedIdentifier;
    Error e(code, "Cannot issue for " + std::to_string(refusals.size()) + " identifiers (see subproblems)");
    e.subproblems = std::move(refusals);
    return e;
  }

  auto now = std::chrono::time_point_cast<std::chrono::seconds>(acme::Clock::now());
  acme::Order order;
  order.id = NewObjectId();
  order.account_id = account.id;
  order.status = ObjStatus::kPending;
  order.expires = now + config_.order_lifetime;
  order.identifiers = ids;
  order.created_at = now;
  order.profile = profile->name;
  if (!options.replaces.empty()) {
    SIGNET_ASSIGN_OR_RETURN(order.replaces_serial, CheckReplaces(account, options.replaces, ids));
    order.replaces = options.replaces;
  }
  std::vector<acme::Authorization> fresh;
  for (const auto& id : ids) {
    bool reused = false;
    SIGNET_ASSIGN_OR_RETURN(acme::Authorization authz,
                            AuthorizationUnder(*profile, account, id, now, &reused));
    order.authorization_ids.push_back(authz.id);
    order.expires = std::min(order.expires, authz.expires);
    if (!reused) fresh.push_back(std::move(authz));
  }
  SIGNET_RETURN_IF_ERROR(store_.CreateOrder(order, fresh));
  return order;
}

Result<acme::Authorization> RegistrationAuthority::LoadAuthorization(const std::string& id) {
  SIGNET_ASSIGN_OR_RETURN(acme::Authorization authz,
                          Require(store_.GetAuthorization(id), "authorization"));
  if ((authz.status == ObjStatus::kPending || authz.status == ObjStatus::kValid) &&
      authz.expires <= acme::Clock::now()) {
    authz.status = ObjStatus::kExpired;
    SIGNET_RETURN_IF_ERROR(store_.UpdateAuthorization(authz));
  }
  return authz;
}

Result<acme::Authorization> RegistrationAuthority::GetAuthorization(const std::string& id) {
  return LoadAuthorization(id);
}

Result<acme::Order> RegistrationAuthority::GetOrder(const std::string& id) {
  SIGNET_ASSIGN_OR_RETURN(acme::Order order, Require(store_.GetOrder(id), "order"));
  if (order.status != ObjStatus::kPending && order.status != ObjStatus::kReady) return order;
  if (order.expires <= acme::Clock::now()) {
    SIGNET_RETURN_IF_ERROR(FailOrder(order, Error(ErrorCode::kMalformed, "order expired")));
    return order;
  }
  if (order.status == ObjStatus::kReady) return order;
  bool all_valid = true;
  for (const auto& authz_id : order.authorization_ids) {
    SIGNET_ASSIGN_OR_RETURN(acme::Authorization authz, LoadAuthorization(authz_id));
    if (IsFinalAuthzFailure(authz.status)) {
      Error e(ErrorCode::kUnauthorized, "authorization for " + authz.identifier.value + " is " +
                                            std::string(acme::StatusName(authz.status)));
      for (const auto& c : authz.challenges)
        if (c.error) e = *c.error;
      e.identifier_type = authz.identifier.type;
      e.identifier_value = authz.identifier.value;
      SIGNET_RETURN_IF_ERROR(FailOrder(order, std::move(e)));
      return order;
    }
    all_valid = all_valid && authz.status == ObjStatus::kValid;
  }
  if (all_valid) {
    order.status = ObjStatus::kReady;
    SIGNET_ASSIGN_OR_RETURN(bool moved, store_.UpdateOrderIf(order, ObjStatus::kPending));
    if (!moved) return Require(store_.GetOrder(id), "order");
  }
  return order;
}

Status RegistrationAuthority::FailOrder(acme::Order& order, Error error) {
  order.status = ObjStatus::kInvalid;
  order.error = std::move(error);
  return store_.UpdateOrder(order);
}

Result<acme::Authorization> RegistrationAuthority::DeactivateAuthorization(
    const acme::Account& account, const std::string& authz_id) {
  SIGNET_ASSIGN_OR_RETURN(acme::Authorization authz, LoadAuthorization(authz_id));
  if (authz.account_id != account.id)
    return Error(ErrorCode::kUnauthorized, "authorization belongs to another account");
  if (authz.status != ObjStatus::kPending && authz.status != ObjStatus::kValid)
    return Error(ErrorCode::kMalformed, "only pending or valid authorizations can be deactivated");
  authz.status = ObjStatus::kDeactivated;
  SIGNET_RETURN_IF_ERROR(store_.UpdateAuthorization(authz));
  return authz;
}

Result<acme::Challenge> RegistrationAuthority::StartChallenge(const acme::Account& account,
                                                              const std::string& authz_id,
                                                              const std::string& challenge_id) {
  SIGNET_ASSIGN_OR_RETURN(acme::Authorization authz, LoadAuthorization(authz_id));
  if (authz.account_id != account.id)
    return Error(ErrorCode::kUnauthorized, "challenge belongs to another account");
  acme::Challenge* chall = authz.FindChallenge(challenge_id);
  if (!chall) return NotFound("challenge");
  // RFC 8555 7.5.1: a request for a challenge that is not pending changes nothing.
  if (chall->status != ObjStatus::kPending || authz.status != ObjStatus::kPending) return *chall;
  chall->status = ObjStatus::kProcessing;
  SIGNET_RETURN_IF_ERROR(store_.UpdateAuthorization(authz));
  std::string key_auth = chall->token + "." + account.thumbprint;
  queue_->Submit([this, authz_id, challenge_id, key_auth, account_id = account.id] {
    Validate(authz_id, challenge_id, key_auth, account_id);
  });
  return *chall;
}

Result<acme::Order> RegistrationAuthority::Finalize(const acme::Account& account,
                                                    const std::string& order_id,
                                                    const std::string& csr_der) {
  SIGNET_ASSIGN_OR_RETURN(acme::Order order, GetOrder(order_id));
  if (order.account_id != account.id)
    return Error(ErrorCode::kUnauthorized, "order belongs to another account");
  if (order.status != ObjStatus::kReady)
    return Error(ErrorCode::kOrderNotReady,
                 "Order's status (\"" + std::string(acme::StatusName(order.status)) +
                     "\") is not acceptable for finalization");
  SIGNET_ASSIGN_OR_RETURN(pki::Csr csr, pki::ParseCsr(csr_der));
  SIGNET_RETURN_IF_ERROR(CheckCsrKeyAndFeatures(csr, account));
  if (csr.has_other_san_types)
    return Error(ErrorCode::kBadCsr, "CSR contains names of a type other than DNS or IP");
  std::vector<std::string> want_dns, want_ip, got_ip;
  for (const auto& id : order.identifiers)
    (id.type == "ip" ? want_ip : want_dns).push_back(id.value);
  for (const auto& ip : csr.ip_addresses) got_ip.push_back(CanonicalIp(ip));
  std::sort(want_dns.begin(), want_dns.end());
  std::sort(want_ip.begin(), want_ip.end());
  std::sort(got_ip.begin(), got_ip.end());
  if (pki::CsrDnsNames(csr) != want_dns || got_ip != want_ip)
    return Error(ErrorCode::kBadCsr, "CSR names do not match the order's identifiers");
  SIGNET_RETURN_IF_ERROR(RecheckCaa(order));
  // One write moves the order to processing and keeps the CSR, so that a
  // restart before FinishIssuance can resume the issuance.
  order.status = ObjStatus::kProcessing;
  order.csr_der = Base64Encode(csr_der);
  SIGNET_ASSIGN_OR_RETURN(bool moved, store_.UpdateOrderIf(order, ObjStatus::kReady));
  if (!moved) return Error(ErrorCode::kOrderNotReady, "order is already being finalized");
  return Issue(std::move(order), csr);
}

Result<acme::Order> RegistrationAuthority::Issue(acme::Order order, const pki::Csr& csr) {
  auto profile = config_.profiles.Find(order.profile);
  if (!profile.ok()) {  // the operator removed the order's profile since
    SIGNET_RETURN_IF_ERROR(FailOrder(order, profile.error()));
    return order;
  }
  IssueRequest request{&csr.public_key, csr.spki(), {}, {}, *profile,
                       csr.must_staple && config_.ocsp};
  for (const auto& id : order.identifiers)
    (id.type == "ip" ? request.ip_addresses : request.dns_names).push_back(id.value);
  auto issued = signer_.Issue(request);
  if (!issued.ok()) {
    SIGNET_RETURN_IF_ERROR(FailOrder(order, issued.error()));
    return order;
  }
  acme::CertificateRecord record;
  record.serial = issued->serial_hex;
  record.account_id = order.account_id;
  record.order_id = order.id;
  record.der = std::move(issued->der);
  record.not_before = issued->not_before;
  record.not_after = issued->not_after;
  record.issued_at = acme::Clock::now();
  record.crl_shard = issued->crl_shard;
  record.profile = order.profile;
  order.status = ObjStatus::kValid;
  order.certificate_serial = issued->serial_hex;
  order.csr_der.clear();
  SIGNET_RETURN_IF_ERROR(store_.FinishIssuance(record, order));
  return order;
}

Result<acme::CertificateRecord> RegistrationAuthority::GetCertificate(const std::string& serial) {
  return Require(store_.GetCertificate(serial), "certificate");
}

}  // namespace signet::ca
