// The CA's persistent state (Boulder's SA), split as Boulder does into a
// read-only view and a read-write one, so roles that only look (the front end
// rendering a resource) cannot write.
//
// Every method is one transaction: a crash between two calls leaves each
// object either before or after the call. Implementations are thread-safe.
// Lookups return std::nullopt for "no such object", an Error only for a
// storage failure.
#pragma once

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "acme/objects.h"
#include "base/result.h"
#include "storage/admin_types.h"

namespace signet::storage {

// What UpdateAuthorizationIf requires of the stored authorization before it
// writes: a compare-and-set on the status machine (RFC 8555 7.1.6).
struct AuthorizationExpectation {
  acme::ObjStatus status = acme::ObjStatus::kPending;  // the authorization's
  // When set: the challenge with this id must be in `challenge_status`.
  std::string challenge_id;
  acme::ObjStatus challenge_status = acme::ObjStatus::kPending;
  // No challenge other than `challenge_id` may be processing.
  bool no_other_processing = false;

  // Only the authorization's status is expected.
  static AuthorizationExpectation InStatus(acme::ObjStatus s) {
    AuthorizationExpectation e;
    e.status = s;
    return e;
  }
};

// A serial about to be signed (Boulder's "serials" and "precertificates"):
// written durably before the signer is asked, so every serial the CA may
// have signed is on record even if the certificate itself never is.
struct SerialRecord {
  std::string serial;    // hex, as CertificateRecord::serial
  std::string order_id;
  std::string account_id;
  std::string tbs_der;   // the to-be-signed certificate, exactly as signed
  acme::TimePoint created_at;
  // With CT (migration 0012): the signed precertificate, once it exists.
  std::string precertificate_der;
};

// An external account binding key (RFC 8555 7.3.4), made by the operator
// (signetd admin eab add). It binds at most one account.
struct EabKey {
  std::string kid;
  std::string hmac_key;     // the MAC key's raw bytes
  acme::TimePoint created_at;
  std::string account_id;   // "" until it binds an account
  std::optional<acme::TimePoint> bound_at;
};

// A place in an account's list of orders (RFC 8555 7.1.2.1): the last order
// a page held. Pages follow (created_at, id) order, so a cursor stays valid
// while orders are added (keyset pagination).
struct OrderCursor {
  acme::TimePoint created_at;
  std::string id;
};

struct OrderPage {
  std::vector<std::string> order_ids;
  std::optional<OrderCursor> next;  // set when more orders follow
};

// A rate-limit bucket (migration 0009): its theoretical arrival time and the
// emission interval it was spent under, nanoseconds (ca/ratelimit/gcra.h).
struct RateLimitBucket {
  int64_t tat_ns = 0;
  int64_t interval_ns = 0;
};
using RateLimitBuckets = std::map<std::string, RateLimitBucket>;
// Given the stored buckets of the keys asked for (a key never spent, or
// deleted, is absent), the buckets to write; a bucket with tat_ns 0 is
// deleted. Called inside the store's transaction: quick, and no store calls.
using RateLimitDecider = std::function<RateLimitBuckets(const RateLimitBuckets&)>;

// An operator's rate-limit override (signetd admin ratelimit override).
struct RateLimitOverride {
  std::string limit;  // the limit's configuration name
  std::string key;
  int64_t count = 0;
  int64_t period_seconds = 0;
  acme::TimePoint created_at;
};

// The set of names a certificate is for, as the duplicate-certificate limit
// and the renewal exemption compare them: the identifiers' values, lower
// case, sorted, without repeats, comma-separated.
inline std::string IdentifierSetKey(const std::vector<acme::Identifier>& ids) {
  std::vector<std::string> values;
  for (const auto& id : ids) {
    std::string v = id.value;
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    values.push_back(std::move(v));
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ",") + v;
  return out;
}

// Work in flight (migration 0013): a validation or a background issuance
// that some instance must finish. The instance working on one holds a lease
// on it (an owner id and an end on the store's clock) and renews it while it
// works; one whose lease ran out (its instance died) is claimed by another.
struct WorkItem {
  std::string kind;       // kValidationWork or kIssuanceWork
  std::string object_id;  // "authz_id/challenge_id", or the order's id
  int attempts = 0;       // leases given out so far, this one included
};
inline constexpr const char* kValidationWork = "validate";
inline constexpr const char* kIssuanceWork = "issue";
// Which items ClaimWorkItems takes.
enum class WorkClaim {
  kExpired,  // those whose lease ran out (or never had one): several instances
  kAll,      // every one (a single instance's restart: no other holds a lease)
};

// A CRL as published (migration 0014): with several instances, the elected
// one keeps each shard's latest in the store and the others serve it.
struct StoredCrl {
  int shard = 0;
  int64_t number = 0;  // cRLNumber
  std::string der;
  acme::TimePoint this_update;
  acme::TimePoint next_update;
  int64_t entries = 0;
};

// The right to run a singleton duty (CRL publication) among the instances
// sharing a store: one holds it at a time, and when it dies (or loses the
// store) another can take it. Not thread-safe: one owner calls Hold.
class LeaderLock {
 public:
  virtual ~LeaderLock() = default;
  // Takes the lock if it is free, or confirms it is still held (a round
  // trip): false while another instance holds it. An error (the store
  // unreachable) means not held: a leader that cannot confirm steps down.
  virtual Result<bool> Hold() = 0;
  // True when no other instance can share this store (SQLite): always held.
  virtual bool exclusive() const = 0;
};

// What ChangeAccountKey did.
enum class KeyChangeOutcome {
  kChanged,
  kAccountChanged,  // the account no longer had the old key, or is not valid: nothing written
  kKeyInUse,        // the new key is another account's: nothing written
};

class ReadOnlyStore {
 public:
  virtual ~ReadOnlyStore() = default;
  virtual Result<std::optional<acme::Account>> GetAccount(const std::string& id) = 0;
  virtual Result<std::optional<acme::Account>> GetAccountByThumbprint(const std::string& tp) = 0;
  virtual Result<std::optional<acme::Order>> GetOrder(const std::string& id) = 0;
  virtual Result<std::optional<acme::Authorization>> GetAuthorization(const std::string& id) = 0;
  virtual Result<std::optional<acme::CertificateRecord>> GetCertificate(
      const std::string& serial) = 0;
  // Work a restart interrupted: authorizations with a challenge in
  // "processing", and orders in `status`.
  virtual Result<std::vector<std::string>> ListAuthorizationsBeingValidated() = 0;
  virtual Result<std::vector<std::string>> ListOrdersWithStatus(acme::ObjStatus status) = 0;
  // True if `account_id` holds a valid authorization, unexpired at `now`,
  // for `id` (its type and value; a wildcard one for the same name counts).
  virtual Result<bool> HasValidAuthorization(const std::string& account_id,
                                             const acme::Identifier& id, acme::TimePoint now) = 0;
  // The valid authorization of `account_id` for the identifier that expires
  // last, if any is unexpired at `now`.
  virtual Result<std::optional<acme::Authorization>> FindValidAuthorization(
      const std::string& account_id, const acme::Identifier& id, bool wildcard,
      acme::TimePoint now) = 0;

  // Publication (RFC 5280 5, RFC 6960). The revoked certificates of CRL
  // shard `shard` that have not expired at `now`. Implementations should not
  // block writers while they read (a shard may hold a million entries).
  virtual Result<std::vector<acme::RevokedCertificate>> ListRevokedInShard(
      int shard, acme::TimePoint now) = 0;
  // The highest CRL shard any certificate was issued into (-1: none).
  virtual Result<int> MaxCrlShard() = 0;
  // Revocations recorded after `after_sequence`, oldest first, at most `limit`.
  virtual Result<std::vector<acme::RevocationEvent>> RevocationsSince(int64_t after_sequence,
                                                                      size_t limit) = 0;
  // True if the key with this SubjectPublicKeyInfo SHA-256 (hex) is blocked.
  virtual Result<bool> IsKeyBlocked(const std::string& spki_sha256_hex) = 0;
  // True if an order that is not invalid already replaces `serial` (RFC 9773).
  virtual Result<bool> HasReplacementOrder(const std::string& serial) = 0;
  // The serial recorded by AddSerial, if any.
  virtual Result<std::optional<SerialRecord>> GetSerial(const std::string& serial) = 0;

  // External account binding keys (migration 0007).
  virtual Result<std::optional<EabKey>> GetEabKey(const std::string& kid) = 0;
  // Every key, oldest first.
  virtual Result<std::vector<EabKey>> ListEabKeys() = 0;
  // RFC 8555 7.1.2.1: the ids of `account_id`'s orders that are not invalid,
  // oldest first, at most `limit`, after `after` (from the start when unset).
  virtual Result<OrderPage> ListAccountOrders(const std::string& account_id,
                                              const std::optional<OrderCursor>& after,
                                              size_t limit) = 0;

  // Pausing (migration 0010, admin_types.h). The state of one pair, if it
  // ever failed validation.
  virtual Result<std::optional<PauseState>> GetPauseState(const std::string& account_id,
                                                          const acme::Identifier& id) = 0;
  // Which of `ids` `account_id` is paused for now, in the order given.
  virtual Result<std::vector<acme::Identifier>> PausedAmong(
      const std::string& account_id, const std::vector<acme::Identifier>& ids) = 0;
  // The pairs paused now, of `account_id` ("" = every account), at most `limit`.
  virtual Result<std::vector<PauseState>> ListPaused(const std::string& account_id,
                                                     size_t limit) = 0;

  // The operator's queries (signetd admin; sqlite_admin_queries.cc).
  virtual Result<std::vector<acme::Account>> FindAccounts(const AccountQuery& query) = 0;
  virtual Result<std::vector<CertificateSummary>> FindCertificates(
      const CertificateQuery& query) = 0;
  virtual Result<StoreCounts> Counts(acme::TimePoint now) = 0;
  // The operator view: the last `limit` revocations recorded (the
  // revocation feed's, by anyone), the latest first.
  virtual Result<std::vector<CertificateSummary>> RecentRevocations(size_t limit) = 0;
  // True if `account_id` was issued a certificate for exactly the names
  // `identifier_set` (IdentifierSetKey) that is unexpired at `now`: an order
  // for them is a renewal (the rate limits exempt it). Migration 0009.
  virtual Result<bool> HasCertificateForNames(const std::string& account_id,
                                              const std::string& identifier_set,
                                              acme::TimePoint now) = 0;
  // The operator's rate-limit overrides, by limit and key.
  virtual Result<std::vector<RateLimitOverride>> ListRateLimitOverrides() = 0;
};

class Store : public ReadOnlyStore {
 public:
  // Fails with kMalformed if an account with the same thumbprint exists.
  virtual Status CreateAccount(const acme::Account& account) = 0;
  // Writes the contacts and terms agreement only: status and key change
  // through DeactivateAccount and ChangeAccountKey, so a contact update
  // racing with those cannot undo them.
  virtual Status UpdateAccount(const acme::Account& account) = 0;
  // RFC 8555 7.3.5: replaces the key of `account_id` if it still has the key
  // `old_thumbprint` and is valid (a compare-and-set). Thumbprints are unique,
  // so of a key change and a newAccount (or another key change) to the same
  // key, exactly one succeeds.
  virtual Result<KeyChangeOutcome> ChangeAccountKey(const std::string& account_id,
                                                    const std::string& old_thumbprint,
                                                    const std::string& new_jwk_json,
                                                    const std::string& new_thumbprint) = 0;
  // RFC 8555 7.3.6: the account deactivated and its pending authorizations
  // with it, in one transaction. Idempotent.
  virtual Status DeactivateAccount(const std::string& account_id) = 0;

  // Writes the order and its new authorizations together. An order with
  // `replaces_serial` set fails with kAlreadyReplaced, writing nothing, when
  // HasReplacementOrder(replaces_serial) is true (checked in the same transaction).
  virtual Status CreateOrder(const acme::Order& order,
                             const std::vector<acme::Authorization>& authzs) = 0;
  virtual Status UpdateOrder(const acme::Order& order) = 0;
  // Writes `order` (its new status and fields) only if the stored order is
  // still in `expected`: a compare-and-set, false when another request moved
  // it first (nothing is written then).
  virtual Result<bool> UpdateOrderIf(const acme::Order& order, acme::ObjStatus expected) = 0;

  // Unconditional: for tests and tools only. The RA changes an
  // authorization's status only through UpdateAuthorizationIf.
  virtual Status UpdateAuthorization(const acme::Authorization& authz) = 0;
  // Writes `authz` only if the stored authorization meets `expected`, in one
  // transaction: false (nothing written) when another request moved it first.
  virtual Result<bool> UpdateAuthorizationIf(const acme::Authorization& authz,
                                             const AuthorizationExpectation& expected) = 0;

  // Records a serial before it is signed, in its own transaction, durably.
  // The serial is unique (a PRIMARY KEY): a duplicate is an error.
  virtual Status AddSerial(const SerialRecord& record) = 0;
  // Keeps the signed precertificate (RFC 6962 3.1) of a serial AddSerial
  // recorded, durably, before it is submitted to CT logs. kNotFound when the
  // serial was never recorded.
  virtual Status AddPrecertificate(const std::string& serial, const std::string& der) = 0;

  // Records an issued certificate and marks its order valid, together. The
  // serial is unique: a duplicate is an error and nothing is written.
  virtual Status FinishIssuance(const acme::CertificateRecord& cert, const acme::Order& order) = 0;
  // FinishIssuance only if the stored order is still in `expected`: false,
  // and nothing written, when another instance finished (or failed) it
  // first, so an order never gets two certificates.
  virtual Result<bool> FinishIssuanceIf(const acme::CertificateRecord& cert,
                                        const acme::Order& order, acme::ObjStatus expected) = 0;
  // Marks a certificate revoked; false if it already was (nothing changes).
  virtual Result<bool> RevokeCertificate(const std::string& serial, int reason,
                                         acme::TimePoint when) = 0;

  // Refuses the key for future certificates (keyCompromise). Idempotent.
  virtual Status BlockKey(const std::string& spki_sha256_hex, const std::string& serial,
                          acme::TimePoint when) = 0;
  // Sets (or, with both nullopt, clears) the operator's renewal window of a
  // certificate; false if there is no such certificate.
  virtual Result<bool> SetRenewalWindow(const std::string& serial,
                                        std::optional<acme::TimePoint> start,
                                        std::optional<acme::TimePoint> end,
                                        const std::string& explanation_url) = 0;
  // The next cRLNumber of `shard`: one more than the last one returned,
  // persisted before it is returned, so numbers never repeat.
  virtual Result<int64_t> NextCrlNumber(int shard) = 0;

  // Adds an unbound external account binding key; its kid is unique (a
  // duplicate is an error and nothing is written).
  virtual Status AddEabKey(const EabKey& key) = 0;
  // CreateAccount, and binds the EAB key `kid` to the new account, in one
  // transaction: when the key is unknown (kUnauthorized) or already bound an
  // account (kUnauthorized, "EAB key already used"), nothing is written, so
  // two requests racing with one key cannot both create an account.
  virtual Status CreateAccountWithEab(const acme::Account& account, const std::string& kid) = 0;

  // Pausing (migration 0010). Counts one failed validation of `id` by
  // `account_id` at `now`, in one transaction, and pauses the pair when the
  // run reaches `threshold`; true if this failure paused it.
  virtual Result<bool> RecordValidationFailure(const std::string& account_id,
                                               const acme::Identifier& id, acme::TimePoint now,
                                               const PauseThreshold& threshold) = 0;
  // A successful validation ends the run (a pause stands until unpaused).
  virtual Status RecordValidationSuccess(const std::string& account_id,
                                         const acme::Identifier& id) = 0;
  // The operator's pause; false when the pair already was paused.
  virtual Result<bool> PauseIdentifier(const std::string& account_id, const acme::Identifier& id,
                                       acme::TimePoint now) = 0;
  // Unpauses `account_id` for `only`, or for every identifier when unset,
  // and ends their runs, in one transaction; the identifiers unpaused.
  virtual Result<std::vector<acme::Identifier>> Unpause(
      const std::string& account_id, const std::optional<acme::Identifier>& only,
      acme::TimePoint now) = 0;
  // Rate limits (migration 0009): reads the buckets `keys` name, asks
  // `decide` what to write, and writes it, in one transaction, so that
  // concurrent requests (on any instance sharing the store) spend exactly
  // once each. Only the rows of `keys` are read: no history is scanned.
  virtual Status UpdateRateLimitBuckets(const std::vector<std::string>& keys,
                                        const RateLimitDecider& decide) = 0;
  // Deletes the buckets whose TAT is before `before_ns` (full again: the same
  // as no row), so the table holds only buckets in use. Returns how many.
  virtual Result<int64_t> PruneRateLimitBuckets(int64_t before_ns) = 0;
  // Adds or replaces the override of (limit, key).
  virtual Status SetRateLimitOverride(const RateLimitOverride& o) = 0;
  // False when there was none.
  virtual Result<bool> RemoveRateLimitOverride(const std::string& limit,
                                               const std::string& key) = 0;

  // Replay nonces shared by every instance on this store (migration 0011,
  // ca/wfe/shared_nonce.h). Records the redemption of nonce `id`, which
  // expires at `expires_at`: true the first time, false when it already was
  // redeemed (by any instance). One statement.
  virtual Result<bool> RedeemNonce(const std::string& id, acme::TimePoint expires_at) = 0;
  // Forgets redemptions of nonces expired before `now`; how many.
  virtual Result<int64_t> PruneRedeemedNonces(acme::TimePoint now) = 0;

  // Work in flight (migration 0013, WorkItem). Records (kind, object_id) as
  // leased to `owner` for `lease` (replacing a leftover row of the same
  // item). Call before the object becomes processing.
  virtual Status AddWorkItem(const std::string& kind, const std::string& object_id,
                             const std::string& owner, std::chrono::milliseconds lease) = 0;
  // Records the item, unleased, unless it is recorded (restart recovery of
  // objects left processing without one).
  virtual Status EnsureWorkItem(const std::string& kind, const std::string& object_id) = 0;
  // Leases up to `limit` items `which` names to `owner` for `lease`, each
  // to one claimer only (concurrent claims never take the same item).
  virtual Result<std::vector<WorkItem>> ClaimWorkItems(const std::string& owner,
                                                       std::chrono::milliseconds lease,
                                                       size_t limit, WorkClaim which) = 0;
  // Extends `owner`'s lease on one item: false when the item is another's
  // now (claimed after this lease ran out) or gone.
  virtual Result<bool> RenewWorkItem(const std::string& kind, const std::string& object_id,
                                     const std::string& owner, std::chrono::milliseconds lease) = 0;
  // Extends every lease `owner` holds, in one statement; how many.
  virtual Result<int64_t> RenewWorkItems(const std::string& owner,
                                         std::chrono::milliseconds lease) = 0;
  // The item is done: removed if `owner` still holds it (else it is another
  // instance's, which finds its object no longer processing).
  virtual Status FinishWorkItem(const std::string& kind, const std::string& object_id,
                                const std::string& owner) = 0;
  // Ends every lease `owner` holds at once (a graceful stop leaving work).
  virtual Status ReleaseWorkItems(const std::string& owner) = 0;
  // Their MAC key, the same for every instance (migration 0015): the stored
  // one, or `candidate` (fresh random, from the caller) stored first when
  // there is none, so the first instance to start makes it.
  virtual Result<std::string> SharedNonceKey(const std::string& candidate) = 0;

  // Singleton duties (LeaderLock): a lock named `duty`, not yet held.
  virtual std::unique_ptr<LeaderLock> NewLeaderLock(const std::string& duty) = 0;
  // Published CRLs (migration 0014). Keeps `crl` as its shard's unless the
  // stored one has a number as high.
  virtual Status SaveCrl(const StoredCrl& crl) = 0;
  // The number of each shard's stored CRL.
  virtual Result<std::map<int, int64_t>> StoredCrlNumbers() = 0;
  virtual Result<std::optional<StoredCrl>> GetStoredCrl(int shard) = 0;
};

}  // namespace signet::storage
