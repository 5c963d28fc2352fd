// Store on an embedded SQLite database (WAL mode) in the CA's data
// directory. Writes go through one connection: SQLite allows one writer at a
// time anyway, and every call is a short transaction. Concurrent writes are
// group-committed (sqlite/writer_queue.h): one transaction, one commit and at
// most one fsync for the writes of many callers, each still all-or-nothing.
// Lookups, and the long reads of publication (a million-entry CRL shard),
// use a small pool of other connections and never wait for that mutex (WAL
// readers and the writer do not block each other).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "storage/sqlite/checkpointer.h"
#include "storage/sqlite/db.h"
#include "storage/sqlite/read_pool.h"
#include "storage/sqlite/writer_queue.h"
#include "storage/store.h"

namespace signet::storage {

class SqliteStore : public Store {
 public:
  // Opens (creating if needed) the database at `path` and applies pending
  // migrations.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);

  Result<std::optional<acme::Account>> GetAccount(const std::string& id) override;
  Result<std::optional<acme::Account>> GetAccountByThumbprint(const std::string& tp) override;
  Result<std::optional<acme::Order>> GetOrder(const std::string& id) override;
  Result<std::optional<acme::Authorization>> GetAuthorization(const std::string& id) override;
  Result<std::optional<acme::CertificateRecord>> GetCertificate(const std::string& serial) override;
  Result<std::vector<std::string>> ListAuthorizationsBeingValidated() override;
  Result<std::vector<std::string>> ListOrdersWithStatus(acme::ObjStatus status) override;
  Result<bool> HasValidAuthorization(const std::string& account_id, const acme::Identifier& id,
                                     acme::TimePoint now) override;
  Result<std::optional<acme::Authorization>> FindValidAuthorization(
      const std::string& account_id, const acme::Identifier& id, bool wildcard,
      acme::TimePoint now) override;
  Result<bool> RevokeCertificate(const std::string& serial, int reason,
                                 acme::TimePoint when) override;
  Result<std::vector<acme::RevokedCertificate>> ListRevokedInShard(int shard,
                                                                   acme::TimePoint now) override;
  Result<std::vector<RateLimitOverride>> ListRateLimitOverrides() override;
  Result<int64_t> PruneRateLimitBuckets(int64_t before_ns) override;
  Status SetRateLimitOverride(const RateLimitOverride& o) override;
  Result<bool> RemoveRateLimitOverride(const std::string& limit, const std::string& key) override;
  Result<int> MaxCrlShard() override;
  Result<std::vector<acme::RevocationEvent>> RevocationsSince(int64_t after_sequence,
                                                              size_t limit) override;
  Result<bool> IsKeyBlocked(const std::string& spki_sha256_hex) override;
  Result<bool> HasReplacementOrder(const std::string& serial) override;
  Result<std::optional<SerialRecord>> GetSerial(const std::string& serial) override;
  Result<OrderPage> ListAccountOrders(const std::string& account_id,
                                      const std::optional<OrderCursor>& after,
                                      size_t limit) override;
  Status BlockKey(const std::string& spki_sha256_hex, const std::string& serial,
                  acme::TimePoint when) override;
  Result<bool> SetRenewalWindow(const std::string& serial, std::optional<acme::TimePoint> start,
                                std::optional<acme::TimePoint> end,
                                const std::string& explanation_url) override;
  Result<int64_t> NextCrlNumber(int shard) override;
  // How many writes were committed durably (synchronous=FULL): serials,
  // issuances, revocations, blocked keys, CRL numbers.
  uint64_t DurableCommits();
  // How many transactions the writer connection committed (group commits
  // count once), and how many writes went through the writer queue.
  uint64_t Commits();
  uint64_t QueuedWrites() const { return writes_.operations(); }

  Status CreateAccount(const acme::Account& account) override;
  Status UpdateAccount(const acme::Account& account) override;
  Result<KeyChangeOutcome> ChangeAccountKey(const std::string& account_id,
                                            const std::string& old_thumbprint,
                                            const std::string& new_jwk_json,
                                            const std::string& new_thumbprint) override;
  Status DeactivateAccount(const std::string& account_id) override;
  Status CreateOrder(const acme::Order& order,
                     const std::vector<acme::Authorization>& authzs) override;
  Status UpdateOrder(const acme::Order& order) override;
  Result<bool> UpdateOrderIf(const acme::Order& order, acme::ObjStatus expected) override;
  Status UpdateAuthorization(const acme::Authorization& authz) override;
  Result<bool> UpdateAuthorizationIf(const acme::Authorization& authz,
                                     const AuthorizationExpectation& expected) override;
  Status AddSerial(const SerialRecord& record) override;
  Status AddPrecertificate(const std::string& serial, const std::string& der) override;
  Status FinishIssuance(const acme::CertificateRecord& cert, const acme::Order& order) override;
  // External account binding keys (sqlite_eab.cc).
  Result<std::optional<EabKey>> GetEabKey(const std::string& kid) override;
  Result<std::vector<EabKey>> ListEabKeys() override;
  Status AddEabKey(const EabKey& key) override;
  Status CreateAccountWithEab(const acme::Account& account, const std::string& kid) override;
  // Pausing (sqlite_paused.cc).
  Result<std::optional<PauseState>> GetPauseState(const std::string& account_id,
                                                  const acme::Identifier& id) override;
  Result<std::vector<acme::Identifier>> PausedAmong(
      const std::string& account_id, const std::vector<acme::Identifier>& ids) override;
  Result<std::vector<PauseState>> ListPaused(const std::string& account_id, size_t limit) override;
  Result<bool> RecordValidationFailure(const std::string& account_id, const acme::Identifier& id,
                                       acme::TimePoint now,
                                       const PauseThreshold& threshold) override;
  Status RecordValidationSuccess(const std::string& account_id,
                                 const acme::Identifier& id) override;
  Result<bool> PauseIdentifier(const std::string& account_id, const acme::Identifier& id,
                               acme::TimePoint now) override;
  Result<std::vector<acme::Identifier>> Unpause(const std::string& account_id,
                                                const std::optional<acme::Identifier>& only,
                                                acme::TimePoint now) override;
  // The operator's queries (sqlite_admin_queries.cc).
  Result<std::vector<acme::Account>> FindAccounts(const AccountQuery& query) override;
  Result<std::vector<CertificateSummary>> FindCertificates(const CertificateQuery& query) override;
  Result<StoreCounts> Counts(acme::TimePoint now) override;
  Result<std::vector<CertificateSummary>> RecentRevocations(size_t limit) override;
  // Rate limits and issued name sets (sqlite_ratelimits.cc).
  Status UpdateRateLimitBuckets(const std::vector<std::string>& keys,
                                const RateLimitDecider& decide) override;
  Result<bool> HasCertificateForNames(const std::string& account_id,
                                      const std::string& identifier_set,
                                      acme::TimePoint now) override;
  // Shared replay nonces.
  Result<bool> RedeemNonce(const std::string& id, acme::TimePoint expires_at) override;
  Result<int64_t> PruneRedeemedNonces(acme::TimePoint now) override;
  Result<std::string> SharedNonceKey(const std::string& candidate) override;

  // Work in flight (sqlite_work_items.cc).
  Status AddWorkItem(const std::string& kind, const std::string& object_id,
                     const std::string& owner, std::chrono::milliseconds lease) override;
  Status EnsureWorkItem(const std::string& kind, const std::string& object_id) override;
  Result<std::vector<WorkItem>> ClaimWorkItems(const std::string& owner,
                                               std::chrono::milliseconds lease, size_t limit,
                                               WorkClaim which) override;
  Result<bool> RenewWorkItem(const std::string& kind, const std::string& object_id,
                             const std::string& owner, std::chrono::milliseconds lease) override;
  Result<int64_t> RenewWorkItems(const std::string& owner,
                                 std::chrono::milliseconds lease) override;
  Status FinishWorkItem(const std::string& kind, const std::string& object_id,
                        const std::string& owner) override;
  Status ReleaseWorkItems(const std::string& owner) override;
  // Leadership and published CRLs (sqlite_leader.cc).
  std::unique_ptr<LeaderLock> NewLeaderLock(const std::string& duty) override;
  Status SaveCrl(const StoredCrl& crl) override;
  Result<std::map<int, int64_t>> StoredCrlNumbers() override;
  Result<std::optional<StoredCrl>> GetStoredCrl(int shard) override;
  Result<bool> FinishIssuanceIf(const acme::CertificateRecord& cert, const acme::Order& order,
                                acme::ObjStatus expected) override;

 private:
  SqliteStore(std::unique_ptr<sqlite::Db> db, std::unique_ptr<sqlite::ReadPool> reads)
      : db_(std::move(db)), reads_(std::move(reads)), writes_(*db_, mu_) {}
  Status Migrate();
  // Runs `op` as one all-or-nothing write in the writer queue's next group
  // commit; returns once that commit returned. `op` runs with mu_ held and
  // may run again after a rollback of its group, so it sets its outputs
  // afresh. REQUIRES: mu_ not held.
  Status Submit(sqlite::Durability durability, const sqlite::WriterQueue::Op& op) {
    return writes_.Write(durability, op);
  }
  // REQUIRES: mu_ held.
  Result<bool> ReplacementExists(const std::string& serial);
  Result<std::optional<acme::Account>> QueryAccount(const std::string& sql, const std::string& key);
  // REQUIRES: mu_ held. The INSERT of CreateAccount, inside the caller's
  // transaction if any.
  Status InsertAccount(const acme::Account& account);
  // REQUIRES: mu_ held, in FinishIssuance's transaction.
  Status RecordIssuedNameSet(const acme::CertificateRecord& cert, const acme::Order& order);
  Result<std::vector<std::string>> ListIds(const std::string& sql, const std::string& arg);
  enum class Write { kInsert, kUpdate, kUpdateIfStatus };
  // kUpdateIfStatus: only where the stored status is `expected`.
  Status WriteOrder(const acme::Order& order, Write mode,
                    acme::ObjStatus expected = acme::ObjStatus::kPending);
  // `s` (a statement of `db`) bound, selecting the authorization columns.
  static Result<std::optional<acme::Authorization>> ReadAuthorization(sqlite::Db& db,
                                                                      sqlite::Stmt& s);
  Status WriteAuthorization(const acme::Authorization& authz, bool insert);
  // FinishIssuance(If): with `expected`, only while the stored order is in it.
  Result<bool> FinishIssuanceWrite(const acme::CertificateRecord& cert, const acme::Order& order,
                                   std::optional<acme::ObjStatus> expected);
  // REQUIRES: mu_ held, in a transaction. Whether the stored authorization
  // `id` meets `expected` (false when there is none).
  Result<bool> AuthorizationMeets(const std::string& id, const AuthorizationExpectation& expected);

  std::mutex mu_;
  std::unique_ptr<sqlite::Db> db_;  // GUARDED_BY(mu_)
  std::unique_ptr<sqlite::ReadPool> reads_;  // lookups only
  sqlite::WriterQueue writes_;               // most writes; takes mu_ to run them
  std::unique_ptr<sqlite::Checkpointer> checkpointer_;  // the writer's WAL checkpoints
};

}  // namespace signet::storage
