// SqliteStore: revocation, its change feed, blocked keys, CRL numbers and
// renewal windows (the state behind CRLs, OCSP and ARI).
#include "storage/codec.h"
#include "storage/sqlite/sqlite_store.h"

namespace signet::storage {

using Lock = std::lock_guard<std::mutex>;

Result<bool> SqliteStore::RevokeCertificate(const std::string& serial, int reason,
                                            acme::TimePoint when) {
  bool revoked = false;
  // Durable: a revocation that was answered survives a power loss.
  SIGNET_RETURN_IF_ERROR(Submit(sqlite::Durability::kDurable, [&](sqlite::Db&) -> Status {
    revoked = false;
    SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
        "UPDATE certificates SET revoked_at = ?, revoked_reason = ? "
        "WHERE serial = ? AND revoked_at IS NULL"));
    s.Bind(1, ToUnix(when)).Bind(2, int64_t(reason)).Bind(3, serial);
    SIGNET_RETURN_IF_ERROR(db_->StepDone(s, "revoke certificate"));
    if (db_->Changes() != 1) return OkStatus();  // nothing written
    SIGNET_ASSIGN_OR_RETURN(
        sqlite::Stmt log,
        db_->Prepare("INSERT INTO revocation_log (serial, crl_shard, revoked_at) "
                     "SELECT serial, crl_shard, revoked_at FROM certificates WHERE serial = ?"));
    log.Bind(1, serial);
    SIGNET_RETURN_IF_ERROR(db_->StepDone(log, "log revocation"));
    revoked = true;
    return OkStatus();
  }));
  return revoked;
}

Result<std::vector<acme::RevokedCertificate>> SqliteStore::ListRevokedInShard(int shard,
                                                                              acme::TimePoint now) {
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(
      sqlite::Stmt s,
      db->Prepare("SELECT serial, revoked_at, revoked_reason FROM certificates "
                        "WHERE crl_shard = ? AND revoked_at IS NOT NULL AND not_after > ?"));
  s.Bind(1, int64_t(shard)).Bind(2, ToUnix(now));
  std::vector<acme::RevokedCertificate> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW)
    out.push_back({s.Text(0), FromUnix(s.Int(1)), int(s.Int(2))});
  if (rc != SQLITE_DONE) return db->LastError("list revoked certificates");
  return out;
}

Result<int> SqliteStore::MaxCrlShard() {
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s,
                          db->Prepare("SELECT MAX(crl_shard) FROM certificates"));
  if (s.Step() != SQLITE_ROW) return db->LastError("max CRL shard");
  return s.IsNull(0) ? -1 : int(s.Int(0));
}

Result<std::vector<acme::RevocationEvent>> SqliteStore::RevocationsSince(int64_t after_sequence,
                                                                         size_t limit) {
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(
      sqlite::Stmt s,
      db->Prepare(
          "SELECT seq, serial, crl_shard FROM revocation_log WHERE seq > ? ORDER BY seq LIMIT ?"));
  s.Bind(1, after_sequence).Bind(2, int64_t(limit));
  std::vector<acme::RevocationEvent> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.push_back({s.Int(0), s.Text(1), int(s.Int(2))});
  if (rc != SQLITE_DONE) return db->LastError("read revocation log");
  return out;
}

Result<bool> SqliteStore::IsKeyBlocked(const std::string& spki_sha256_hex) {
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s,
                          db->Prepare("SELECT 1 FROM blocked_keys WHERE spki_sha256 = ?"));
  s.Bind(1, spki_sha256_hex);
  int rc = s.Step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db->LastError("read blocked keys");
  return rc == SQLITE_ROW;
}

Status SqliteStore::BlockKey(const std::string& spki_sha256_hex, const std::string& serial,
                             acme::TimePoint when) {
  return Submit(sqlite::Durability::kDurable, [&](sqlite::Db&) -> Status {
    SIGNET_ASSIGN_OR_RETURN(
        sqlite::Stmt s,
        db_->Prepare(
            "INSERT OR IGNORE INTO blocked_keys (spki_sha256, added_at, serial) VALUES (?, ?, ?)"));
    s.Bind(1, spki_sha256_hex).Bind(2, ToUnix(when)).Bind(3, serial);
    return db_->StepDone(s, "block key");
  });
}

Result<bool> SqliteStore::ReplacementExists(const std::string& serial) {
  SIGNET_ASSIGN_OR_RETURN(
      sqlite::Stmt s,
      db_->Prepare(
          "SELECT 1 FROM orders WHERE replaces_serial = ? AND status != 'invalid' LIMIT 1"));
  s.Bind(1, serial);
  int rc = s.Step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_->LastError("find replacement order");
  return rc == SQLITE_ROW;
}

Result<bool> SqliteStore::HasReplacementOrder(const std::string& serial) {
  Lock lock(mu_);
  return ReplacementExists(serial);
}

Result<bool> SqliteStore::SetRenewalWindow(const std::string& serial,
                                           std::optional<acme::TimePoint> start,
                                           std::optional<acme::TimePoint> end,
                                           const std::string& explanation_url) {
  if (start.has_value() != end.has_value())
    return Error(ErrorCode::kMalformed, "a renewal window needs both a start and an end");
  Lock lock(mu_);
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s,
                          db_->Prepare("UPDATE certificates SET ari_start = ?, ari_end = ?, "
                                       "ari_explanation = ? WHERE serial = ?"));
  std::optional<int64_t> from, to;
  if (start) from = ToUnix(*start), to = ToUnix(*end);
  s.Bind(1, from).Bind(2, to).BindNullable(3, explanation_url).Bind(4, serial);
  SIGNET_RETURN_IF_ERROR(db_->StepDone(s, "set renewal window"));
  return db_->Changes() == 1;
}

Result<int64_t> SqliteStore::NextCrlNumber(int shard) {
  Lock lock(mu_);
  // Durable: a number is never returned twice, even across a power loss.
  sqlite::Transaction tx(*db_, sqlite::Durability::kDurable);
  if (!tx.begun()) return db_->LastError("begin");
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s,
                          db_->Prepare("INSERT INTO crl_numbers (shard, number) VALUES (?, 1) "
                                       "ON CONFLICT(shard) DO UPDATE SET number = number + 1"));
  s.Bind(1, int64_t(shard));
  SIGNET_RETURN_IF_ERROR(db_->StepDone(s, "next CRL number"));
  int64_t number = 0;
  {
    SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt q,
                            db_->Prepare("SELECT number FROM crl_numbers WHERE shard = ?"));
    q.Bind(1, int64_t(shard));
    if (q.Step() != SQLITE_ROW) return db_->LastError("read CRL number");
    number = q.Int(0);
  }  // the statement is reset before COMMIT
  SIGNET_RETURN_IF_ERROR(tx.Commit());
  return number;
}

}  // namespace signet::storage
