// Work in flight (issue 10): every validation and background issuance is a
// row in the store (storage::WorkItem) from the moment its object becomes
// processing until its outcome is stored, leased to the instance working on
// it (work_leases.h). When an instance dies its leases run out and another
// claims the rows and finishes the work. Nothing runs twice to any effect:
// each outcome is stored by a compare-and-set on the object's status, and a
// serial is signed only while the lease is held (Issue checks it just
// before), so a late finisher neither stores a second outcome nor signs a
// second serial. Nothing waits forever: an item claimed more than
// max_attempts times fails its object.
#include "ca/ra/ra.h"

namespace signet::ca {

using acme::ObjStatus;
using storage::WorkItem;

RegistrationAuthority::~RegistrationAuthority() {
  work_->Stop();   // no more claims
  queue_.reset();  // waiting work dropped, running work finished
  // What was claimed but not done goes back at once rather than when its
  // lease runs out.
  (void)store_.ReleaseWorkItems(work_->owner());
}

Status RegistrationAuthority::Recover() {
  // Objects left processing with no work item (before migration 0013, or a
  // crash between the two writes) get one, unleased.
  SIGNET_ASSIGN_OR_RETURN(auto authz_ids, store_.ListAuthorizationsBeingValidated());
  for (const auto& id : authz_ids) {
    SIGNET_ASSIGN_OR_RETURN(acme::Authorization authz, LoadAuthorization(id));
    for (const auto& c : authz.challenges)
      if (c.status == ObjStatus::kProcessing)
        SIGNET_RETURN_IF_ERROR(store_.EnsureWorkItem(storage::kValidationWork, id + "/" + c.id));
  }
  SIGNET_ASSIGN_OR_RETURN(auto order_ids, store_.ListOrdersWithStatus(ObjStatus::kProcessing));
  for (const auto& id : order_ids)
    SIGNET_RETURN_IF_ERROR(store_.EnsureWorkItem(storage::kIssuanceWork, id));
  // A single instance takes every item now: whoever held them was this
  // store's previous run. Several take what is expired, now and each poll.
  const auto which =
      work_->config().single_instance ? storage::WorkClaim::kAll : storage::WorkClaim::kExpired;
  for (;;) {
    const auto sent = std::chrono::steady_clock::now();
    SIGNET_ASSIGN_OR_RETURN(auto items,
                            store_.ClaimWorkItems(work_->owner(), work_->config().lease, 1000, which));
    for (const auto& item : items) {
      work_->Adopt(item, sent);
      queue_->Submit([this, item] { RunWorkItem(item); });
    }
    if (items.size() < 1000) break;
  }
  work_->Start([this] { (void)PollWork(); });
  return OkStatus();
}

Result<size_t> RegistrationAuthority::PollWork() {
  // As much as the workers can start soon: claimed work waits in this
  // instance's queue under a lease that is renewed, unavailable to others.
  const size_t workers = size_t(std::max(1, config_.validation_workers));
  const size_t waiting = queue_->waiting();
  if (waiting >= workers) return size_t(0);
  const auto sent = std::chrono::steady_clock::now();
  SIGNET_ASSIGN_OR_RETURN(auto items,
                          store_.ClaimWorkItems(work_->owner(), work_->config().lease,
                                                workers - waiting, storage::WorkClaim::kExpired));
  for (const auto& item : items) {
    work_->Adopt(item, sent);
    queue_->Submit([this, item] { RunWorkItem(item); });
  }
  return items.size();
}

void RegistrationAuthority::RunWorkItem(const WorkItem& item) {
  const bool too_many = item.attempts > work_->config().max_attempts;
  const std::string tries = std::to_string(item.attempts - 1);
  if (item.kind == storage::kIssuanceWork) {
    if (too_many) {
      auto order = store_.GetOrder(item.object_id);
      if (order.ok() && order->has_value() && (*order)->status == ObjStatus::kProcessing)
        (void)FailOrder(**order, Error(ErrorCode::kServerInternal,
                                       "issuance was interrupted " + tries +
                                           " times; place a new order"));
    } else {
      IssueProcessingOrder(item.object_id);
    }
    FinishIssuanceWork(item.object_id);
    return;
  }
  if (item.kind != storage::kValidationWork) {
    work_->Done(item.kind, item.object_id);  // a kind of a newer version: not ours to run
    return;
  }
  const size_t slash = item.object_id.find('/');
  const std::string authz_id = item.object_id.substr(0, slash);
  const std::string challenge_id = slash == std::string::npos ? "" : item.object_id.substr(slash + 1);
  auto authz = LoadAuthorization(authz_id);
  if (!authz.ok() && authz.error().code != ErrorCode::kMalformed &&
      authz.error().code != ErrorCode::kNotFound) {
    work_->Retry(item.kind, item.object_id);  // the store failed: another try later
    return;
  }
  const acme::Challenge* chall = authz.ok() ? authz->FindChallenge(challenge_id) : nullptr;
  if (!chall || chall->status != ObjStatus::kProcessing || authz->status != ObjStatus::kPending) {
    work_->Done(item.kind, item.object_id);  // finished (or gone) already
    return;
  }
  auto account = GetAccount(authz->account_id);
  if (too_many || !account.ok()) {
    acme::Authorization failed = *authz;
    acme::Challenge* c = failed.FindChallenge(challenge_id);
    c->status = ObjStatus::kInvalid;
    c->error = too_many ? Error(ErrorCode::kServerInternal,
                                "validation was interrupted " + tries + " times; try again")
                        : account.error();
    failed.status = ObjStatus::kInvalid;
    storage::AuthorizationExpectation expected;
    expected.challenge_id = challenge_id;
    expected.challenge_status = ObjStatus::kProcessing;
    auto stored = store_.UpdateAuthorizationIf(failed, expected);
    if (stored.ok() && *stored) AuthorizationLeftPending(failed, /*failed=*/true);
    if (stored.ok()) work_->Done(item.kind, item.object_id);
    return;
  }
  if (Validate(authz_id, challenge_id, chall->token + "." + account->thumbprint, account->id))
    work_->Done(item.kind, item.object_id);
  else
    work_->Retry(item.kind, item.object_id);
}

}  // namespace signet::ca
