#include "ca/ra/ra.h"

#include <algorithm>
#include <set>

#include <boost/json/parse.hpp>

#include "base/base64url.h"
#include "ca/ra/identifier_policy.h"
#include "ca/ra/profile_policy.h"
#include "ca/ra/revocation.h"
#include "ca/ra/require.h"
#include "crypto/digest.h"
#include "jose/jwk.h"
#include "pki/csr.h"

namespace signet::ca {

using acme::ObjStatus;

std::string NewObjectId() { return Base64UrlEncode(crypto::RandomBytes(16)); }

using internal::NotFound;
using internal::Require;

namespace {

bool IsFinalAuthzFailure(ObjStatus s) {
  return s == ObjStatus::kInvalid || s == ObjStatus::kDeactivated || s == ObjStatus::kExpired ||
         s == ObjStatus::kRevoked;
}

}  // namespace

void RegistrationAuthority::SetBlocklist(std::vector<std::string> blocklist) {
  std::lock_guard lock(policy_mu_);
  policy_.blocklist = std::move(blocklist);
}

RegistrationAuthority::RegistrationAuthority(storage::Store& store, const Signer& signer,
                                             va::ValidationAuthority& va, RaConfig config)
    : store_(store), signer_(signer), va_(va), config_(config),
      policy_{config.allow_test_names, true, config.blocklist},
      work_(std::make_unique<WorkLeases>(store, config.work)),
      queue_(std::make_unique<ValidationQueue>(config.validation_workers,
                                               config.validation_queue_capacity)) {
  // AuthorizationFor reuses within this window; AuthorizationUnder narrows
  // it to each order's profile.
  config_.authz_reuse_window = config_.profiles.LongestReuseWindow();
  profiles_ = std::make_shared<const ProfileSet>(config_.profiles);
}

Result<acme::Account> RegistrationAuthority::NewAccount(const std::string& jwk_json,
                                                        const std::string& thumbprint,
                                                        std::vector<std::string> contacts,
                                                        bool tos_agreed,
                                                        const ExternalAccountBinding* eab,
                                                        const std::string& client_ip) {
  if (!eab && config_.external_account_required)
    return Error(ErrorCode::kExternalAccountRequired,
                 "this CA requires an external account binding (externalAccountBinding) in "
                 "newAccount; ask its operator for a key ID and HMAC key");
  boost::system::error_code ec;
  boost::json::value jwk = boost::json::parse(jwk_json, ec);
  if (ec || !jwk.is_object()) return Error(ErrorCode::kMalformed, "account key is not a JWK");
  SIGNET_ASSIGN_OR_RETURN(crypto::Key key, jose::KeyFromJwk(jwk.get_object()));
  SIGNET_RETURN_IF_ERROR(CheckAccountKey(key));
  std::string eab_kid;
  if (eab) {
    SIGNET_ASSIGN_OR_RETURN(eab_kid, VerifyExternalAccountBinding(store_, *eab, thumbprint));
  }
  acme::Account a;
  a.id = NewObjectId();
  a.jwk_json = jwk_json;
  a.thumbprint = thumbprint;
  a.contacts = std::move(contacts);
  a.status = ObjStatus::kValid;
  a.tos_agreed = tos_agreed;
  a.created_at = std::chrono::time_point_cast<std::chrono::seconds>(acme::Clock::now());
  SIGNET_ASSIGN_OR_RETURN(auto spent, SpendNewAccountLimits(client_ip));
  Status created = eab ? store_.CreateAccountWithEab(a, eab_kid) : store_.CreateAccount(a);
  if (!created.ok()) {
    RefundLimits(spent);
    return std::move(created).error();
  }
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
  if (contacts) {
    updated.contacts = std::move(*contacts);
    SIGNET_RETURN_IF_ERROR(store_.UpdateAccount(updated));
  }
  if (deactivate) {
    SIGNET_RETURN_IF_ERROR(store_.DeactivateAccount(account.id));
    updated.status = ObjStatus::kDeactivated;
  }
  return updated;
}

Result<acme::Order> RegistrationAuthority::NewOrder(const acme::Account& account,
                                                    std::vector<acme::Identifier> ids,
                                                    std::optional<acme::TimePoint> not_before,
                                                    std::optional<acme::TimePoint> not_after,
                                                    const OrderOptions& options) {
  if (ids.empty()) return Error(ErrorCode::kMalformed, "an order needs at least one identifier");
  std::shared_ptr<const ProfileSet> profiles = this->profiles();  // one set for this order
  SIGNET_ASSIGN_OR_RETURN(const Profile* profile, profiles->Find(options.profile));
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
  IdentifierPolicy policy;
  {
    std::lock_guard lock(policy_mu_);
    policy = policy_;
  }
  for (const auto& id : ids) {
    Status s = CheckIdentifier(id, policy);
    if (s.ok()) s = CheckProfileAllows(*profile, *profiles, id);
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
  if (Status paused = PauseTracker(store_, config_.pausing)
                          .CheckNotPaused(account.id, ids, options.unpause_url);
      !paused.ok()) {
    Emit([](const Events& e) {
      if (e.refused) e.refused("paused");
    });
    return paused.error();
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
  SIGNET_ASSIGN_OR_RETURN(auto spent, SpendNewOrderLimits(order, fresh.size()));
  Status created = store_.CreateOrder(order, fresh);
  if (!created.ok()) {
    RefundLimits(spent);
    return std::move(created).error();
  }
  return order;
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
  // A compare-and-set on the status it was read in: a valid order (issued
  // meanwhile) is never turned invalid, nor is a failure recorded twice.
  if (order.status == ObjStatus::kValid || order.status == ObjStatus::kInvalid) return OkStatus();
  acme::Order failed = order;
  failed.status = ObjStatus::kInvalid;
  failed.error = std::move(error);
  failed.csr_der.clear();
  SIGNET_ASSIGN_OR_RETURN(bool moved, store_.UpdateOrderIf(failed, order.status));
  if (moved) {
    order = std::move(failed);
    OrderEvent event{order.account_id, order.id, order.profile, "", &order.identifiers,
                     &*order.error};
    Emit([&](const Events& e) {
      if (e.order_done) e.order_done(event);
    });
    return OkStatus();
  }
  SIGNET_ASSIGN_OR_RETURN(order, Require(store_.GetOrder(order.id), "order"));
  return OkStatus();
}

Error RegistrationAuthority::Busy(const std::string& what) const {
  Emit([](const Events& e) {
    if (e.refused) e.refused("validation_queue");
  });
  Error e(ErrorCode::kRateLimited,
          "the CA has too much " + what + " work queued; retry in " +
              std::to_string(config_.busy_retry_after.count()) + " seconds");
  e.retry_after_seconds = int(config_.busy_retry_after.count());
  return e;
}

Result<acme::CertificateRecord> RegistrationAuthority::GetCertificate(const std::string& serial) {
  return Require(store_.GetCertificate(serial), "certificate");
}

}  // namespace signet::ca
