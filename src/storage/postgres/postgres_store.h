// Store on PostgreSQL (libpq), for a CA that runs several signetd instances
// on one shared database. Every call takes a connection from a pool and is
// one transaction; compare-and-set writes are single conditional
// statements or take row locks (SELECT ... FOR UPDATE), and the rate-limit
// read-decide-write holds transaction-scoped advisory locks on its buckets,
// so the guarantees of store.h hold across instances. Committed writes are
// durable (synchronous_commit, the server's default).
//
// While the server is unreachable calls fail at once (or after the connect
// timeout) with serverInternal "the database is unreachable"; statements are
// bounded by statement_timeout; the pool reconnects when the server returns.
// Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "storage/postgres/pg.h"
#include "storage/store.h"

namespace signet::storage {

class PostgresStore : public Store {
 public:
  // Connects to `conninfo` (a postgresql:// URI) and applies pending
  // migrations under an advisory lock, so instances starting together
  // migrate once. Fails when the database is unreachable.
  static Result<std::unique_ptr<PostgresStore>> Open(const std::string& conninfo,
                                                     pg::Pool::Options options = {});
  // Round trips to the server so far (statements sent; the migrations'
  // included): what a request costs the database.
  uint64_t RoundTrips() const { return pool_.round_trips(); }

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
  // External account binding keys (postgres_publication.cc).
  Result<std::optional<EabKey>> GetEabKey(const std::string& kid) override;
  Result<std::vector<EabKey>> ListEabKeys() override;
  Status AddEabKey(const EabKey& key) override;
  Status CreateAccountWithEab(const acme::Account& account, const std::string& kid) override;
  // Pausing (postgres_accounts.cc).
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
  // The operator's queries (postgres_admin.cc).
  Result<std::vector<acme::Account>> FindAccounts(const AccountQuery& query) override;
  Result<std::vector<CertificateSummary>> FindCertificates(const CertificateQuery& query) override;
  Result<std::vector<CertificateSummary>> RecentRevocations(size_t limit) override;
  Result<StoreCounts> Counts(acme::TimePoint now) override;
  // Rate limits and issued name sets (postgres_admin.cc).
  Status UpdateRateLimitBuckets(const std::vector<std::string>& keys,
                                const RateLimitDecider& decide) override;
  Result<bool> HasCertificateForNames(const std::string& account_id,
                                      const std::string& identifier_set,
                                      acme::TimePoint now) override;
  // Shared replay nonces.
  Result<bool> RedeemNonce(const std::string& id, acme::TimePoint expires_at) override;
  Result<int64_t> PruneRedeemedNonces(acme::TimePoint now) override;
  Result<std::string> SharedNonceKey(const std::string& candidate) override;

  // Work in flight (postgres_work_items.cc).
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
  // Leadership and published CRLs (postgres_leader.cc).
  std::unique_ptr<LeaderLock> NewLeaderLock(const std::string& duty) override;
  Status SaveCrl(const StoredCrl& crl) override;
  Result<std::map<int, int64_t>> StoredCrlNumbers() override;
  Result<std::optional<StoredCrl>> GetStoredCrl(int shard) override;
  Result<bool> FinishIssuanceIf(const acme::CertificateRecord& cert, const acme::Order& order,
                                acme::ObjStatus expected) override;

 private:
  explicit PostgresStore(std::string conninfo, pg::Pool::Options options)
      : conninfo_(conninfo), options_(options), pool_(std::move(conninfo), options) {}
  Status Migrate();
  // The INSERT of CreateAccount, in the caller's transaction.
  static Status InsertAccount(pg::Conn& c, const acme::Account& account);
  static Result<bool> ReplacementExists(pg::Conn& c, const std::string& serial);
  // Row `i` of a SELECT of ACCOUNT_COLUMNS.
  static Result<acme::Account> ReadAccountRow(const pg::Rows& r, int i);
  Result<std::optional<acme::Account>> QueryAccount(const std::string& sql, const std::string& key);
  Result<std::vector<std::string>> ListIds(const std::string& sql, const std::string& arg);
  enum class Write { kInsert, kUpdate, kUpdateIfStatus };
  static Result<int64_t> WriteOrder(pg::Conn& c, const acme::Order& order, Write mode,
                                    acme::ObjStatus expected = acme::ObjStatus::kPending);
  static Status WriteAuthorization(pg::Conn& c, const acme::Authorization& authz, bool insert);
  // FinishIssuance(If): with `expected`, only while the stored order is in it.
  Result<bool> FinishIssuanceWrite(const acme::CertificateRecord& cert, const acme::Order& order,
                                   std::optional<acme::ObjStatus> expected);

  const std::string conninfo_;  // LeaderLock's dedicated sessions
  const pg::Pool::Options options_;
  pg::Pool pool_;
};

}  // namespace signet::storage
