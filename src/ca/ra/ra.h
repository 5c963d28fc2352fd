// The registration authority (Boulder's RA): account and order policy and
// the status machines of RFC 8555 7.1.6, revocation (7.6), certificate
// profiles and renewal information (RFC 9773). It is the only role that
// changes ACME objects in the store (besides the operator's admin.h; the
// publisher only numbers CRLs); the front end authenticates requests and
// renders results.
//
// Thread-safe: every method may be called concurrently; state lives in the
// store, whose calls are transactions.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "acme/objects.h"
#include "base/result.h"
#include "ca/ct/submitter.h"
#include "ca/ra/eab.h"
#include "ca/ra/identifier_policy.h"
#include "ca/ra/pausing.h"
#include "ca/ra/validation_queue.h"
#include "ca/ra/work_leases.h"
#include "ca/ratelimit/rate_limiter.h"
#include "ca/signer/profile.h"
#include "ca/signer/signer.h"
#include "ca/va/va.h"
#include "crypto/key.h"
#include "pki/csr.h"
#include "pki/key_policy.h"
#include "storage/store.h"

namespace signet::ca {

struct RaConfig {
  std::chrono::seconds order_lifetime = std::chrono::hours(24 * 7);
  std::chrono::seconds pending_authz_lifetime = std::chrono::hours(24 * 7);
  std::chrono::seconds valid_authz_lifetime = std::chrono::hours(24 * 30);
  size_t max_names_per_order = 100;
  bool allow_test_names = false;  // also: loopback/private IP identifiers
  int validation_workers = 8;
  // The most validations and background issuances waiting for a worker; a
  // challenge or finalize request beyond it is rateLimited (nothing changes)
  // with Retry-After: busy_retry_after.
  size_t validation_queue_capacity = 10000;
  std::chrono::seconds busy_retry_after = std::chrono::seconds(10);
  // How long a challenge POST waits for its validation, so that the answer
  // is already valid or invalid: clients that poll once at once and then
  // sleep 5 s (uacme) or skip polling on a final answer (lego) get their
  // certificate without the sleep. Only when no other validation is waiting
  // for a worker (under load the answer is "processing" at once). 0: never.
  std::chrono::milliseconds challenge_answer_wait{0};
  // A valid authorization of the same account for the same identifier is
  // reused by new orders when it was validated within this window.
  std::chrono::seconds authz_reuse_window = std::chrono::hours(24 * 30);
  // CAA is checked again before signing when the last check (at validation,
  // or an earlier re-check) is older than this; finalize then answers
  // "processing" at once and the re-check and the signing run on the
  // validation queue. The BRs (3.2.2.8) want CAA checked within 8 hours
  // before issuance; 7 (as Boulder) leaves an hour for the queue and CT.
  std::chrono::seconds caa_recheck_after = std::chrono::hours(7);
  // Account URLs are this prefix + id (dns-account-01, CAA accounturi).
  std::string account_url_prefix;
  // Names the operator refuses, with everything under them.
  std::vector<std::string> blocklist;
  // Certificate profiles; an order without "profile" gets the default. The
  // per-profile authorization reuse window and pending lifetime apply (the
  // two fields above are superseded by them).
  ProfileSet profiles;
  // The CA runs an OCSP responder; without one, Must-Staple CSRs are refused.
  bool ocsp = false;
  // Which account and certificate keys are accepted (pki/key_policy.h).
  pki::KeyPolicy key_policy;
  // RFC 8555 7.3.4: newAccount must carry an external account binding.
  bool external_account_required = false;
  // Paused clients (pausing.h): when a run of failed validations pauses an
  // account for an identifier.
  PauseConfig pausing;
  // Rate limits (rate_limits.cc says which request spends what); nullptr:
  // none. Not owned; must outlive the RA.
  ratelimit::RateLimiter* rate_limiter = nullptr;
  // Certificate Transparency (RFC 6962; issuance_ct.cc): with a submitter,
  // every issuance signs a precertificate, gets SCTs from the logs and
  // embeds them in the final certificate (same serial), and finalize always
  // answers "processing" (the logs are asked on a validation worker, never
  // on a request thread). nullptr: no CT, certificates are signed at once.
  // Not owned; must outlive the RA.
  ct::CtSubmitter* ct = nullptr;
  // Work in flight (work_items.cc): each validation and issuance is a row in
  // the store leased to this instance while it works on it; another
  // instance (or this one after a restart) finishes what a dead one left.
  WorkConfig work;
};

// What a newOrder request may add to its identifiers.
struct OrderOptions {
  std::string profile;   // "" = the default profile
  std::string replaces;  // RFC 9773 5: ARI CertID of the certificate replaced
  // Where this account unpauses itself (named when it is paused; pausing.h).
  std::string unpause_url;
};

// RFC 9773 4.2: when to renew a certificate.
struct RenewalWindow {
  acme::TimePoint start;
  acme::TimePoint end;
  std::string explanation_url;  // "" = none
};

// The default window: centred on two thirds of the validity period, 1/25 of
// the validity wide (90 days: about 3.6 days around day 60).
RenewalWindow DefaultRenewalWindow(acme::TimePoint not_before, acme::TimePoint not_after);

class RegistrationAuthority {
 public:
  RegistrationAuthority(storage::Store& store, const Signer& signer,
                        va::ValidationAuthority& va, RaConfig config);
  // Stops claiming work; leases of work left undone are given up at once,
  // for another instance (or the next start) to take.
  ~RegistrationAuthority();

  // Takes over validations and issuances left unfinished (work_items.cc):
  // on a single instance every one left by the previous run, on several
  // those whose lease ran out; then keeps looking for work other instances
  // leave (WorkConfig::poll). Call once at start-up, before serving. An
  // interrupted issuance runs every check again before it signs, and fails
  // the order (with the reason) if one no longer holds.
  Status Recover();
  // Claims work whose lease ran out and queues it; how many were claimed
  // (the poll's step; tests call it directly).
  Result<size_t> PollWork();
  // This instance's owner id in the work items (logs, tests).
  const std::string& instance_id() const { return work_->owner(); }
  // Test hook: this instance stops renewing its leases, as a dead one.
  void StopRenewingWorkForTest() { work_->StopRenewingForTest(); }

  // RFC 8555 7.3. The account id and thumbprint come from the key, which
  // must pass CheckAccountKey. With `eab` (RFC 8555 7.3.4, eab.h) the binding
  // is verified and its key bound to the new account in the same store
  // transaction; without it, externalAccountRequired when the CA requires one.
  // `client_ip` (the request's peer address, "" when unknown) is what the
  // new-registration rate limits count.
  Result<acme::Account> NewAccount(const std::string& jwk_json, const std::string& thumbprint,
                                   std::vector<std::string> contacts, bool tos_agreed,
                                   const ExternalAccountBinding* eab = nullptr,
                                   const std::string& client_ip = "");
  // The key policy for account keys (newAccount, and keyChange's new key):
  // pki::CheckAccountKey with the configured policy, and not blocked for
  // keyCompromise. Refusals are badPublicKey with the reason.
  Status CheckAccountKey(const crypto::Key& key);
  Result<std::optional<acme::Account>> FindAccountByThumbprint(const std::string& thumbprint);
  Result<acme::Account> GetAccount(const std::string& id);
  // RFC 8555 7.3.2 / 7.3.6. `contacts` nullopt leaves them unchanged.
  // Deactivation also deactivates the account's pending authorizations.
  Result<acme::Account> UpdateAccount(const acme::Account& account,
                                      std::optional<std::vector<std::string>> contacts,
                                      bool deactivate);
  // RFC 8555 7.3.5 (accounts.cc): binds `account` to `new_key`, which must
  // pass CheckAccountKey (badPublicKey) and differ from its key (malformed).
  // A change racing with another change of the account is unauthorized.
  struct KeyChange {
    acme::Account account;     // as it now is
    // Set when `new_key` is another account's (this one is unchanged): the
    // front end answers 409 Conflict naming that account.
    std::string key_holder_id;
  };
  Result<KeyChange> ChangeAccountKey(const acme::Account& account, const crypto::Key& new_key);
  // RFC 8555 7.1.2.1 (accounts.cc): a page of the account's orders.
  Result<storage::OrderPage> ListOrders(const acme::Account& account,
                                        const std::optional<storage::OrderCursor>& after,
                                        size_t limit);

  // RFC 8555 7.4. Identifiers are normalised and checked; several refusals
  // come back as one rejectedIdentifier error with a subproblem each.
  // With a profile (invalidProfile when unknown; its identifier types and
  // name limit apply: IP identifiers only where the profile allows them) and
  // `replaces` (RFC 9773 5: a certificate of this account sharing an
  // identifier with the order, not already replaced: alreadyReplaced).
  // An identifier the account is paused for (pausing.h) is rateLimited
  // naming `options.unpause_url`.
  Result<acme::Order> NewOrder(const acme::Account& account, std::vector<acme::Identifier> ids,
                               std::optional<acme::TimePoint> not_before,
                               std::optional<acme::TimePoint> not_after,
                               const OrderOptions& options = {});
  // Paused clients (pausing.cc): unpauses every identifier `account_id` is
  // paused for, when `requester` is that account (else unauthorized).
  // Returns the identifiers unpaused.
  Result<std::vector<acme::Identifier>> Unpause(const acme::Account& requester,
                                                const std::string& account_id);
  // Loads an order with its status brought up to date (7.1.6).
  Result<acme::Order> GetOrder(const std::string& id);
  Result<acme::Authorization> GetAuthorization(const std::string& id);
  // RFC 8555 7.5.2.
  Result<acme::Authorization> DeactivateAuthorization(const acme::Account& account,
                                                      const std::string& authz_id);
  // RFC 8555 7.5.1: marks the challenge processing and validates it in the
  // background. Returns the challenge as it now stands: processing, or its
  // outcome when the validation ended within challenge_answer_wait.
  Result<acme::Challenge> StartChallenge(const acme::Account& account, const std::string& authz_id,
                                         const std::string& challenge_id);
  // RFC 8555 7.4: checks the CSR against the order and issues. A key that
  // was revoked for keyCompromise is badCSR, as is Must-Staple without OCSP.
  // An authorization no longer valid (deactivated, expired) is unauthorized
  // naming its identifier, and fails the order. When CAA must be checked
  // again the order is returned "processing" and finishes in the background.
  Result<acme::Order> Finalize(const acme::Account& account, const std::string& order_id,
                               const std::string& csr_der);
  Result<acme::CertificateRecord> GetCertificate(const std::string& serial);
  // RFC 8555 7.6. Exactly one of `account` (a kid-signed request) and
  // `certificate_key` (signed by the certificate's own key) is set. The
  // account must hold the certificate or valid authorizations for all its
  // names; reasons are RFC 5280 codes 0, 1, 3, 4, 5.
  // keyCompromise (1) signed by the certificate key also blocks that key.
  Status RevokeCertificate(const std::string& cert_der, int reason,
                           const acme::Account* account, const crypto::Key* certificate_key);
  // RFC 9773 4.2: the suggested renewal window of the certificate with this
  // ARI CertID: the operator's (signetd admin ari-window) if set, now for a
  // revoked certificate, else DefaultRenewalWindow. kNotFound for a CertID of
  // another issuer or an unknown serial, kMalformed for a malformed one.
  Result<RenewalWindow> GetRenewalWindow(const std::string& cert_id);
  // The certificate profiles in force: a snapshot that SetProfiles does not
  // change under its holder.
  std::shared_ptr<const ProfileSet> profiles() const {
    std::lock_guard lock(policy_mu_);
    return profiles_;
  }
  // Replaces the profiles (SIGHUP). Orders placed before keep their
  // profile's name: they are issued under its new definition, or fail with
  // why if it is gone. Authorization reuse stays capped by the longest
  // reuse window of the profiles at start.
  void SetProfiles(ProfileSet profiles) {
    auto next = std::make_shared<const ProfileSet>(std::move(profiles));
    std::lock_guard lock(policy_mu_);
    profiles_ = std::move(next);
  }
  // The URL validation knows an account by (dns-persist-01's accounturi).
  std::string AccountUrl(const std::string& account_id) const {
    return config_.account_url_prefix + account_id;
  }

  // Called (serial, CRL shard) after each revocation this RA records, so the
  // publishers refresh at once; they also follow the store's revocation feed.
  void SetRevocationObserver(std::function<void(const std::string&, int)> observer) {
    revocation_observer_ = std::move(observer);
  }

  // A challenge's validation stored as valid or invalid (error: why).
  struct ValidationEvent {
    std::string account_id, authz_id, challenge_id, challenge_type;
    acme::Identifier identifier;
    const Error* error = nullptr;  // null: valid
    // error's detail with the key authorization it may quote masked.
    std::string detail;
    bool wildcard = false;
    // From the challenge POST that started it to its outcome stored.
    std::chrono::microseconds latency{0};
  };
  // An order moved to valid (a certificate issued: serial) or invalid (error).
  struct OrderEvent {
    std::string account_id, order_id, profile, serial;
    const std::vector<acme::Identifier>* identifiers = nullptr;
    const Error* error = nullptr;  // null: issued
    acme::TimePoint not_after{};   // the certificate's, when issued
  };
  // A certificate revoked: by its account (account_id) or its key ("").
  struct RevocationEvent {
    std::string serial, account_id;
    int reason = 0;
  };
  // What the operator's metrics count and log records; each may be empty. Called from the
  // request and validation threads. REQUIRES: set before serving.
  struct Events {
    std::function<void(const std::string& challenge_type, bool valid)> validated;
    std::function<void()> issued;
    std::function<void()> revoked;
    // A rateLimited refusal the rate limiter did not make (it has its own
    // observer): "paused" (paused clients) or "validation_queue" (full).
    std::function<void(const std::string& cause)> refused;
    // The same events with what the operator's log and view record (never a key,
    // token or key authorization).
    std::function<void(const ValidationEvent&)> validation;
    std::function<void(const OrderEvent&)> order_done;
    std::function<void(const RevocationEvent&)> revocation;
  };
  // Replaces every subscriber with `events`.
  void SetEvents(Events events) { events_.assign(1, std::move(events)); }
  // Adds a subscriber beside the others (metrics, log).
  void AddEvents(Events events) { events_.push_back(std::move(events)); }
  // Graceful shutdown: waits for the validations and background issuances
  // queued or running to finish, until `deadline`; true when none is left.
  // Those left stay processing in the store and Recover() resumes them.
  bool DrainValidations(std::chrono::steady_clock::time_point deadline) {
    return queue_->Drain(deadline);
  }
  // Replaces the operator's blocklist (SIGHUP); new orders see it at once.
  void SetBlocklist(std::vector<std::string> blocklist);
  // Validations and issuances waiting for a worker now.
  size_t validation_queue_depth() { return queue_ ? queue_->waiting() : 0; }

  // Test hook: runs after each background validation has been stored.
  void SetValidationObserver(std::function<void()> observer) { observer_ = std::move(observer); }
  // Test hook: runs with the serial once it is recorded, before it is signed.
  void SetBeforeSignHook(std::function<void(const std::string&)> hook) {
    before_sign_ = std::move(hook);
  }

 private:
  Result<acme::Authorization> LoadAuthorization(const std::string& id);
  // A new pending authorization with the challenges the identifier allows,
  // or a reusable valid one of the same account.
  Result<acme::Authorization> AuthorizationFor(const acme::Account& account,
                                               const acme::Identifier& id, acme::TimePoint now,
                                               bool* reused);
  // The outcome of CheckBeforeSigning.
  struct SigningCheck {
    Status status;             // OK: the signer may be asked
    bool order_fails = false;  // the failure ends the order (not the CSR's fault)
    bool caa_due = false;      // a CAA re-check is due (run only when asked)
  };
  // Everything that must hold before a certificate is signed, in one place
  // so that Finalize and restart recovery cannot drift: the authorizations
  // valid and unexpired, the account valid, the CSR (key policy, blocked
  // key, features, names = the order's identifiers) and, with `run_caa`,
  // CAA re-checked where due (RFC 8659).
  SigningCheck CheckBeforeSigning(const acme::Order& order, const pki::Csr& csr,
                                  const acme::Account& account, bool run_caa);
  Status CheckAuthorizationsValid(const acme::Order& order,
                                  std::vector<acme::Authorization>* authzs);
  Status CheckCsrMatchesOrder(const acme::Order& order, const pki::Csr& csr);
  bool CaaDue(const std::vector<acme::Authorization>& authzs) const;
  // CAA checked again for each valid challenge whose last check is older
  // than caa_recheck_after; each that passes is recorded (RecordCaaCheck).
  Status RecheckCaa(const acme::Order& order, const std::vector<acme::Authorization>& authzs);
  // Keeps `checked_at` as the challenge's last CAA check, so that later
  // finalizes (orders reusing the authorization) need not climb again.
  void RecordCaaCheck(acme::Authorization authz, const std::string& challenge_id,
                      acme::TimePoint checked_at);
  // A validation's end, for the challenge POST that waits for it
  // (RaConfig::challenge_answer_wait). Thread-safe.
  class Completion {
   public:
    void Signal();
    // True once signalled; false after `timeout` without.
    bool WaitFor(std::chrono::milliseconds timeout);

   private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool done_ = false;  // GUARDED_BY(mu_)
  };
  // Validates a processing challenge and stores the outcome. False when the
  // store failed (the work is worth another try), true when the outcome is
  // stored or there was nothing to validate. `started`: when the challenge
  // POST started it (steady clock), for the event's latency.
  bool Validate(std::string authz_id, std::string challenge_id, std::string key_authorization,
                std::string account_id,
                std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now());
  // The background path of a processing order (a finalize that needed a
  // CAA re-check, or one a restart interrupted): the checks, then Issue.
  void IssueProcessingOrder(const std::string& order_id);
  // Runs a claimed work item (work_items.cc), or fails its object when it
  // was claimed more than WorkConfig::max_attempts times.
  void RunWorkItem(const storage::WorkItem& item);
  // After a background issuance: its work item done, or left for another
  // try when the order is still processing (the store failed under it).
  void FinishIssuanceWork(const std::string& order_id);
  // Records the serial durably, signs and records the certificate for a
  // processing order whose CSR passed CheckBeforeSigning; a failure is
  // recorded on the order, which is returned.
  Result<acme::Order> Issue(acme::Order order, const pki::Csr& csr);
  // CT (issuance_ct.cc): keeps the signed precertificate, collects SCTs for
  // it and signs the final certificate on the same basis. kServerInternal
  // when the logs did not give enough SCTs (the serial stays recorded with
  // its precertificate only, never to be used again).
  Result<IssuedCertificate> EmbedScts(const IssueRequest& request, const CertificateBasis& basis,
                                      const IssuedCertificate& precert);
  // Moves `order` from the status it was read in to invalid, unless another
  // request moved it first; `order` is then what the store holds.
  Status FailOrder(acme::Order& order, Error error);
  // kRateLimited with Retry-After, when the validation queue is full.
  Error Busy(const std::string& what) const;
  // AuthorizationFor with the profile's reuse window and pending lifetime.
  Result<acme::Authorization> AuthorizationUnder(const Profile& profile,
                                                 const acme::Account& account,
                                                 const acme::Identifier& id, acme::TimePoint now,
                                                 bool* reused);
  // RFC 9773 5: the serial of the certificate `replaces` names, checked.
  Result<std::string> CheckReplaces(const acme::Account& account, const std::string& replaces,
                                    const std::vector<acme::Identifier>& ids);
  // Rate limits (rate_limits.cc). Each Spend* returns what it spent, for a
  // refund when the request then fails; a refusal is rateLimited.
  Result<bool> IsRenewal(const acme::Order& order);
  Result<std::vector<ratelimit::Transaction>> SpendNewAccountLimits(const std::string& client_ip);
  Result<std::vector<ratelimit::Transaction>> SpendNewOrderLimits(const acme::Order& order,
                                                                  size_t new_authorizations);
  void RefundLimits(const std::vector<ratelimit::Transaction>& batch);
  // After FinishIssuance; `renewal` as IsRenewal said before it.
  void SpendIssuanceLimits(const acme::Order& order, bool renewal);
  // After the store moved `authz` out of pending (validated, failed, deactivated).
  void AuthorizationLeftPending(const acme::Authorization& authz, bool failed);
  // Finalize's checks of the CSR's key and extensions.
  Status CheckCsrKeyAndFeatures(const pki::Csr& csr, const acme::Account& account);

  storage::Store& store_;
  const Signer& signer_;
  va::ValidationAuthority& va_;
  RaConfig config_;
  mutable std::mutex policy_mu_;
  IdentifierPolicy policy_;  // GUARDED_BY(policy_mu_): SetBlocklist replaces it
  std::shared_ptr<const ProfileSet> profiles_;  // GUARDED_BY(policy_mu_); config_.profiles unused
  std::function<void()> observer_;
  std::function<void(const std::string&)> before_sign_;
  std::function<void(const std::string&, int)> revocation_observer_;
  std::vector<Events> events_;  // subscribers
  // Calls f(Events&) for each subscriber.
  template <typename F>
  void Emit(F&& f) const {
    for (const Events& e : events_) f(e);
  }
  std::unique_ptr<WorkLeases> work_;
  std::unique_ptr<ValidationQueue> queue_;  // last: joins before the rest is destroyed
};

// A fresh random identifier for a new object (base64url of 16 bytes).
std::string NewObjectId();

}  // namespace signet::ca
