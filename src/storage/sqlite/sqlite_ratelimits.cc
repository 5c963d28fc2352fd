// SqliteStore: rate-limit buckets and issued name sets (migration 0009).
#include "storage/codec.h"
#include "storage/sqlite/sqlite_store.h"

namespace signet::storage {

using Lock = std::lock_guard<std::mutex>;

Status SqliteStore::UpdateRateLimitBuckets(const std::vector<std::string>& keys,
                                           const RateLimitDecider& decide) {
  return Submit(sqlite::Durability::kFast, [&](sqlite::Db&) -> Status {
    RateLimitBuckets stored;
    for (const auto& key : keys) {
      SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
          "SELECT tat, interval_ns FROM rate_limits WHERE bucket_key = ?"));
      s.Bind(1, key);
      int rc = s.Step();
      if (rc == SQLITE_ROW) {
        stored[key] = RateLimitBucket{s.Int(0), s.Int(1)};
      } else if (rc != SQLITE_DONE) {
        return db_->LastError("read rate limit " + key);
      }
    }
    for (const auto& [key, bucket] : decide(stored)) {
      if (bucket.tat_ns == 0) {
        SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s,
                                db_->Prepare("DELETE FROM rate_limits WHERE bucket_key = ?"));
        s.Bind(1, key);
        SIGNET_RETURN_IF_ERROR(db_->StepDone(s, "delete rate limit " + key));
        continue;
      }
      SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
          "INSERT INTO rate_limits (bucket_key, tat, interval_ns) VALUES (?, ?, ?) "
          "ON CONFLICT (bucket_key) DO UPDATE SET tat = excluded.tat, "
          "interval_ns = excluded.interval_ns"));
      s.Bind(1, key).Bind(2, bucket.tat_ns).Bind(3, bucket.interval_ns);
      SIGNET_RETURN_IF_ERROR(db_->StepDone(s, "write rate limit " + key));
    }
    return OkStatus();
  });
}

Result<int64_t> SqliteStore::PruneRateLimitBuckets(int64_t before_ns) {
  Lock lock(mu_);
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare("DELETE FROM rate_limits WHERE tat < ?"));
  s.Bind(1, before_ns);
  SIGNET_RETURN_IF_ERROR(db_->StepDone(s, "prune rate limits"));
  return int64_t(db_->Changes());
}

Result<bool> SqliteStore::HasCertificateForNames(const std::string& account_id,
                                                 const std::string& identifier_set,
                                                 acme::TimePoint now) {
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db->Prepare(
      "SELECT 1 FROM issued_name_sets WHERE account_id = ? AND names = ? AND not_after > ?"));
  s.Bind(1, account_id).Bind(2, identifier_set).Bind(3, ToUnix(now));
  int rc = s.Step();
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) return db->LastError("read issued name sets");
  return false;
}

Result<std::vector<RateLimitOverride>> SqliteStore::ListRateLimitOverrides() {
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db->Prepare(
      "SELECT limit_name, key, count, period_s, created_at FROM rate_limit_overrides "
      "ORDER BY limit_name, key"));
  std::vector<RateLimitOverride> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW)
    out.push_back({s.Text(0), s.Text(1), s.Int(2), s.Int(3), FromUnix(s.Int(4))});
  if (rc != SQLITE_DONE) return db->LastError("list rate limit overrides");
  return out;
}

Status SqliteStore::SetRateLimitOverride(const RateLimitOverride& o) {
  Lock lock(mu_);
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
      "INSERT INTO rate_limit_overrides (limit_name, key, count, period_s, created_at) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT (limit_name, key) DO UPDATE SET "
      "count = excluded.count, period_s = excluded.period_s, created_at = excluded.created_at"));
  s.Bind(1, o.limit).Bind(2, o.key).Bind(3, o.count).Bind(4, o.period_seconds)
      .Bind(5, ToUnix(o.created_at));
  return db_->StepDone(s, "set rate limit override");
}

Result<bool> SqliteStore::RemoveRateLimitOverride(const std::string& limit,
                                                  const std::string& key) {
  Lock lock(mu_);
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
      "DELETE FROM rate_limit_overrides WHERE limit_name = ? AND key = ?"));
  s.Bind(1, limit).Bind(2, key);
  SIGNET_RETURN_IF_ERROR(db_->StepDone(s, "remove rate limit override"));
  return db_->Changes() > 0;
}

// REQUIRES: mu_ held, inside FinishIssuance's transaction.
Status SqliteStore::RecordIssuedNameSet(const acme::CertificateRecord& cert,
                                        const acme::Order& order) {
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
      "INSERT INTO issued_name_sets (account_id, names, not_after) VALUES (?, ?, ?) "
      "ON CONFLICT (account_id, names) DO UPDATE SET "
      "not_after = max(not_after, excluded.not_after)"));
  s.Bind(1, cert.account_id).Bind(2, IdentifierSetKey(order.identifiers))
      .Bind(3, ToUnix(cert.not_after));
  return db_->StepDone(s, "record issued name set");
}

}  // namespace signet::storage

namespace signet::storage {

Result<bool> SqliteStore::RedeemNonce(const std::string& id, acme::TimePoint expires_at) {
  bool redeemed = false;
  SIGNET_RETURN_IF_ERROR(Submit(sqlite::Durability::kFast, [&](sqlite::Db&) -> Status {
    SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
        "INSERT INTO redeemed_nonces (id, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING"));
    s.Bind(1, id).Bind(2, ToUnix(expires_at));
    SIGNET_RETURN_IF_ERROR(db_->StepDone(s, "redeem nonce"));
    redeemed = db_->Changes() == 1;
    return OkStatus();
  }));
  return redeemed;
}

Result<int64_t> SqliteStore::PruneRedeemedNonces(acme::TimePoint now) {
  std::lock_guard<std::mutex> lock(mu_);
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s,
                          db_->Prepare("DELETE FROM redeemed_nonces WHERE expires_at < ?"));
  s.Bind(1, ToUnix(now));
  SIGNET_RETURN_IF_ERROR(db_->StepDone(s, "prune redeemed nonces"));
  return int64_t(db_->Changes());
}

Result<std::string> SqliteStore::SharedNonceKey(const std::string& candidate) {
  std::lock_guard<std::mutex> lock(mu_);
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt insert, db_->Prepare(
      "INSERT INTO nonce_key (id, key) VALUES (1, ?) ON CONFLICT DO NOTHING"));
  insert.Bind(1, candidate);
  SIGNET_RETURN_IF_ERROR(db_->StepDone(insert, "store the nonce key"));
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt select,
                          db_->Prepare("SELECT key FROM nonce_key WHERE id = 1"));
  if (select.Step() != SQLITE_ROW)
    return Error(ErrorCode::kServerInternal, "the nonce key was not stored");
  return select.Text(0);
}

}  // namespace signet::storage
