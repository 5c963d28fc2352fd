// Finalize and issuance (RFC 8555 7.4): the checks made before anything is
// signed, the serial recorded durably before the signature (as Boulder's
// serials and precertificates), and the background path that finishes an
// order needing a CAA re-check or one a restart interrupted.
#include <algorithm>

#include "base/base64url.h"
#include "ca/ra/identifier_policy.h"
#include "ca/ra/ra.h"
#include "ca/ra/require.h"

namespace signet::ca {

using acme::ObjStatus;
using internal::Require;
using storage::AuthorizationExpectation;

Status RegistrationAuthority::CheckAuthorizationsValid(const acme::Order& order,
                                                       std::vector<acme::Authorization>* authzs) {
  auto now = acme::Clock::now();
  for (const auto& authz_id : order.authorization_ids) {
    SIGNET_ASSIGN_OR_RETURN(acme::Authorization authz, LoadAuthorization(authz_id));
    if (authz.status != ObjStatus::kValid || authz.expires <= now) {
      ObjStatus shown = authz.status == ObjStatus::kValid ? ObjStatus::kExpired : authz.status;
      Error e(ErrorCode::kUnauthorized,
              "authorization for " + authz.identifier.value + " is " +
                  std::string(acme::StatusName(shown)) + "; a new order is needed");
      e.identifier_type = authz.identifier.type;
      e.identifier_value = authz.identifier.value;
      return e;
    }
    authzs->push_back(std::move(authz));
  }
  return OkStatus();
}

Status RegistrationAuthority::CheckCsrMatchesOrder(const acme::Order& order, const pki::Csr& csr) {
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
  return OkStatus();
}

namespace {

// When CAA was last checked for a valid challenge (at its validation or a
// later re-check); nullopt when it never validated.
std::optional<acme::TimePoint> CaaCheckedAt(const acme::Challenge& c) {
  if (c.status != ObjStatus::kValid || !c.validated_at) return std::nullopt;
  return c.caa_checked_at ? c.caa_checked_at : c.validated_at;
}

}  // namespace

bool RegistrationAuthority::CaaDue(const std::vector<acme::Authorization>& authzs) const {
  auto now = acme::Clock::now();
  for (const auto& authz : authzs)
    for (const auto& c : authz.challenges)
      if (auto checked = CaaCheckedAt(c); checked && *checked + config_.caa_recheck_after <= now)
        return true;
  return false;
}

Status RegistrationAuthority::RecheckCaa(const acme::Order& order,
                                         const std::vector<acme::Authorization>& authzs) {
  for (const auto& authz : authzs) {
    for (const auto& c : authz.challenges) {
      auto checked = CaaCheckedAt(c);
      if (!checked || *checked + config_.caa_recheck_after > acme::Clock::now()) continue;
      const acme::TimePoint started_at =
          std::chrono::time_point_cast<std::chrono::seconds>(acme::Clock::now());
      Status s = va_.CheckCaa(authz.identifier.value, authz.wildcard,
                              config_.account_url_prefix + order.account_id, c.type);
      if (!s.ok()) {
        Error e = s.error();
        e.identifier_type = authz.identifier.type;
        e.identifier_value = authz.identifier.value;
        return e;
      }
      RecordCaaCheck(authz, c.id, started_at);
    }
  }
  return OkStatus();
}

void RegistrationAuthority::RecordCaaCheck(acme::Authorization authz,
                                           const std::string& challenge_id,
                                           acme::TimePoint checked_at) {
  acme::Challenge* c = authz.FindChallenge(challenge_id);
  if (c == nullptr) return;
  c->caa_checked_at = checked_at;
  // Only onto the same valid authorization and challenge (not one
  // deactivated meanwhile). Best effort: unrecorded, the next finalize
  // checks again.
  AuthorizationExpectation expected = AuthorizationExpectation::InStatus(ObjStatus::kValid);
  expected.challenge_id = challenge_id;
  expected.challenge_status = ObjStatus::kValid;
  (void)store_.UpdateAuthorizationIf(authz, expected);
}

RegistrationAuthority::SigningCheck RegistrationAuthority::CheckBeforeSigning(
    const acme::Order& order, const pki::Csr& csr, const acme::Account& account, bool run_caa) {
  SigningCheck out;
  std::vector<acme::Authorization> authzs;
  out.status = CheckAuthorizationsValid(order, &authzs);
  if (out.status.ok() && account.status != ObjStatus::kValid)
    out.status = Error(ErrorCode::kUnauthorized, "the account is " +
                                                     std::string(acme::StatusName(account.status)));
  if (!out.status.ok()) {
    out.order_fails = true;
    return out;
  }
  out.status = CheckCsrKeyAndFeatures(csr, account);
  if (out.status.ok()) out.status = CheckCsrMatchesOrder(order, csr);
  if (!out.status.ok()) return out;
  out.caa_due = CaaDue(authzs);
  if (out.caa_due && run_caa) {
    out.status = RecheckCaa(order, authzs);
    out.order_fails = !out.status.ok();
  }
  return out;
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
  // A ready order's authorizations may have been deactivated (or expired)
  // since it became ready: checked here, not only when it became ready.
  SigningCheck check = CheckBeforeSigning(order, csr, account, /*run_caa=*/false);
  if (!check.status.ok()) {
    if (check.order_fails) SIGNET_RETURN_IF_ERROR(FailOrder(order, check.status.error()));
    return check.status.error();  // a CSR refusal leaves the order ready
  }
  // A CAA re-check means DNS lookups: not on the request's thread. Its
  // place in the queue first, so that a full queue leaves the order ready.
  // So do CT logs (config_.ct): the SCTs are collected there too.
  const bool background = check.caa_due || config_.ct != nullptr;
  std::optional<ValidationQueue::Ticket> ticket = background ? queue_->Reserve() : std::nullopt;
  if (background && !ticket) return Busy("issuance");
  // One write moves the order to processing and keeps the CSR, so that a
  // restart before FinishIssuance can resume the issuance.
  order.status = ObjStatus::kProcessing;
  order.csr_der = Base64Encode(csr_der);
  // The work item first (work_items.cc): once the order is processing, some
  // instance must finish it even if this one dies now.
  SIGNET_RETURN_IF_ERROR(work_->Begin(storage::kIssuanceWork, order_id));
  auto moved = store_.UpdateOrderIf(order, ObjStatus::kReady);
  if (!moved.ok() || !*moved) work_->Done(storage::kIssuanceWork, order_id);
  if (!moved.ok()) return std::move(moved).error();
  if (!*moved) return Error(ErrorCode::kOrderNotReady, "order is already being finalized");
  if (ticket) {
    queue_->Submit(std::move(*ticket), [this, order_id] {
      IssueProcessingOrder(order_id);
      FinishIssuanceWork(order_id);
    });
    return order;  // processing: the client polls (the front end adds Retry-After)
  }
  auto issued = Issue(std::move(order), csr);
  if (issued.ok() && issued->status != ObjStatus::kProcessing)
    work_->Done(storage::kIssuanceWork, order_id);
  else
    work_->Retry(storage::kIssuanceWork, order_id);  // the store failed: later, by any instance
  return issued;
}

void RegistrationAuthority::FinishIssuanceWork(const std::string& order_id) {
  // Still processing: the store failed under the issuance; another try later.
  auto after = store_.GetOrder(order_id);
  if (after.ok() && after->has_value() && (*after)->status == ObjStatus::kProcessing)
    work_->Retry(storage::kIssuanceWork, order_id);
  else if (after.ok())
    work_->Done(storage::kIssuanceWork, order_id);
}

void RegistrationAuthority::IssueProcessingOrder(const std::string& order_id) {
  auto loaded = store_.GetOrder(order_id);
  if (!loaded.ok() || !loaded->has_value()) return;
  acme::Order order = std::move(**loaded);
  if (order.status != ObjStatus::kProcessing) return;
  auto csr_der = Base64Decode(order.csr_der);
  if (!csr_der.ok()) {
    (void)FailOrder(order, Error(ErrorCode::kServerInternal, "issuance interrupted; CSR lost"));
    return;
  }
  auto csr = pki::ParseCsr(*csr_der);
  if (!csr.ok()) {
    (void)FailOrder(order, csr.error());
    return;
  }
  auto account = GetAccount(order.account_id);
  if (!account.ok()) {
    (void)FailOrder(order, account.error());
    return;
  }
  SigningCheck check = CheckBeforeSigning(order, *csr, *account, /*run_caa=*/true);
  if (!check.status.ok()) {
    (void)FailOrder(order, check.status.error());
    return;
  }
  (void)Issue(std::move(order), *csr);  // failures are recorded on the order
}

Result<acme::Order> RegistrationAuthority::Issue(acme::Order order, const pki::Csr& csr) {
  std::shared_ptr<const ProfileSet> profiles = this->profiles();  // alive until signed
  auto profile = profiles->Find(order.profile);
  if (!profile.ok()) {  // the operator removed the order's profile since
    SIGNET_RETURN_IF_ERROR(FailOrder(order, profile.error()));
    return order;
  }
  IssueRequest request{&csr.public_key, csr.spki(), {}, {}, *profile,
                       csr.must_staple && config_.ocsp};
  for (const auto& id : order.identifiers)
    (id.type == "ip" ? request.ip_addresses : request.dns_names).push_back(id.value);
  // With CT the first signature is a precertificate's (RFC 6962 3.1).
  auto prepared = config_.ct ? signer_.PreparePrecertificate(request) : signer_.Prepare(request);
  if (!prepared.ok()) {
    SIGNET_RETURN_IF_ERROR(FailOrder(order, prepared.error()));
    return order;
  }
  // Before FinishIssuance records this name set: is it a renewal?
  auto renewal = IsRenewal(order);
  // The serial and what will be signed, on disk before the signature exists.
  storage::SerialRecord serial{prepared->serial_hex(), order.id, order.account_id,
                               prepared->tbs_der(),
                               std::chrono::time_point_cast<std::chrono::seconds>(
                                   acme::Clock::now())};
  // Only while this instance holds the order's work: one that lost its
  // lease (paused past it, cut off from the store) leaves the order to the
  // instance that took it over, and signs no second serial for it.
  auto held = work_->StillHeld(storage::kIssuanceWork, order.id);
  if (!held.ok()) return std::move(held).error();
  if (!*held) return order;  // still processing: another instance's now
  Status recorded = store_.AddSerial(serial);
  if (!recorded.ok()) {
    SIGNET_RETURN_IF_ERROR(FailOrder(
        order, Error(ErrorCode::kServerInternal, "could not record the serial; nothing was signed")));
    return order;
  }
  if (before_sign_) before_sign_(serial.serial);
  const CertificateBasis basis = prepared->basis();
  auto issued = signer_.Sign(std::move(*prepared));
  if (issued.ok() && config_.ct) issued = EmbedScts(request, basis, *issued);
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
  // On failure the order stays processing: its work item is tried again
  // (a new serial; this one stays in the serials table). Recorded only if
  // the order is still processing: of two finishers one records.
  SIGNET_ASSIGN_OR_RETURN(bool finished,
                          store_.FinishIssuanceIf(record, order, ObjStatus::kProcessing));
  if (!finished) return Require(store_.GetOrder(order.id), "order");
  if (config_.ct) config_.ct->SubmitFinal(record.der);  // as Let's Encrypt does
  OrderEvent event{order.account_id, order.id, order.profile, record.serial, &order.identifiers,
                   nullptr, record.not_after};
  Emit([&](const Events& e) {
    if (e.issued) e.issued();
    if (e.order_done) e.order_done(event);
  });
  SpendIssuanceLimits(order, renewal.ok() && *renewal);
  return order;
}

}  // namespace signet::ca
