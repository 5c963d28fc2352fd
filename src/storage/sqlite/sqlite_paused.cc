// SqliteStore: paused clients (migration 0010). Each call touches the rows
// of the pairs it names (the table's primary key) or the pairs paused now
// (the partial index paused_now); none reads the history of authorizations.
#include <algorithm>
#include <tuple>

#include "storage/codec.h"
#include "storage/sqlite/sqlite_store.h"

namespace signet::storage {

using Lock = std::lock_guard<std::mutex>;

namespace {

#define PAUSE_COLUMNS \
  "account_id, ident_type, ident_value, failures, first_failure_at, paused_at, unpaused_at"
#define PAUSE_KEY "account_id = ?1 AND ident_type = ?2 AND ident_value = ?3"
#define PAUSED_NOW "paused_at IS NOT NULL AND unpaused_at IS NULL"

std::optional<acme::TimePoint> OptTime(const sqlite::Stmt& s, int col) {
  if (s.IsNull(col)) return std::nullopt;
  return FromUnix(s.Int(col));
}

PauseState ReadPauseState(const sqlite::Stmt& s) {
  PauseState p;
  p.account_id = s.Text(0);
  p.identifier = {s.Text(1), s.Text(2)};
  p.failures = s.Int(3);
  p.first_failure_at = OptTime(s, 4);
  p.paused_at = OptTime(s, 5);
  p.unpaused_at = OptTime(s, 6);
  return p;
}

// Binds (account_id, type, value) at `first`, `first`+1, `first`+2.
void BindKey(sqlite::Stmt& s, int first, const std::string& account_id,
             const acme::Identifier& id) {
  s.Bind(first, account_id).Bind(first + 1, id.type).Bind(first + 2, id.value);
}

}  // namespace

Result<std::optional<PauseState>> SqliteStore::GetPauseState(const std::string& account_id,
                                                             const acme::Identifier& id) {
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s,
                          db->Prepare("SELECT " PAUSE_COLUMNS " FROM paused WHERE " PAUSE_KEY));
  BindKey(s, 1, account_id, id);
  int rc = s.Step();
  if (rc == SQLITE_DONE) return std::optional<PauseState>();
  if (rc != SQLITE_ROW) return db->LastError("read pause state");
  return std::optional<PauseState>(ReadPauseState(s));
}

Result<std::vector<acme::Identifier>> SqliteStore::PausedAmong(
    const std::string& account_id, const std::vector<acme::Identifier>& ids) {
  auto db = reads_->Acquire();
  std::vector<acme::Identifier> paused;
  for (const acme::Identifier& id : ids) {
    SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db->Prepare(
        "SELECT 1 FROM paused WHERE " PAUSE_KEY " AND " PAUSED_NOW));
    BindKey(s, 1, account_id, id);
    int rc = s.Step();
    if (rc == SQLITE_ROW) paused.push_back(id);
    else if (rc != SQLITE_DONE) return db->LastError("read paused identifiers");
  }
  return paused;
}

Result<std::vector<PauseState>> SqliteStore::ListPaused(const std::string& account_id,
                                                        size_t limit) {
  auto db = reads_->Acquire();
  // ?1 = '' lists every account's.
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db->Prepare(
      "SELECT " PAUSE_COLUMNS " FROM paused WHERE " PAUSED_NOW
      " AND (?1 = '' OR account_id = ?1) ORDER BY account_id, ident_type, ident_value LIMIT ?2"));
  s.Bind(1, account_id).Bind(2, int64_t(limit));
  std::vector<PauseState> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.push_back(ReadPauseState(s));
  if (rc != SQLITE_DONE) return db->LastError("list paused identifiers");
  return out;
}

Result<bool> SqliteStore::RecordValidationFailure(const std::string& account_id,
                                                  const acme::Identifier& id, acme::TimePoint now,
                                                  const PauseThreshold& threshold) {
  bool pause = false;
  SIGNET_RETURN_IF_ERROR(Submit(sqlite::Durability::kFast, [&](sqlite::Db&) -> Status {
    SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt count, db_->Prepare(
        "INSERT INTO paused (account_id, ident_type, ident_value, failures, first_failure_at) "
        "VALUES (?1, ?2, ?3, 1, ?4) ON CONFLICT DO UPDATE SET failures = failures + 1, "
        "first_failure_at = COALESCE(first_failure_at, excluded.first_failure_at)"));
    BindKey(count, 1, account_id, id);
    count.Bind(4, ToUnix(now));
    SIGNET_RETURN_IF_ERROR(db_->StepDone(count, "count failed validation"));
    // Read back in the same transaction: SQLite 3.40 (Debian 12) was seen to
    // answer "unpaused_at IS NULL" wrongly in this upsert's RETURNING clause.
    PauseState state;
    {
      SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt read, db_->Prepare(
          "SELECT " PAUSE_COLUMNS " FROM paused WHERE " PAUSE_KEY));
      BindKey(read, 1, account_id, id);
      if (read.Step() != SQLITE_ROW) return db_->LastError("count failed validation");
      state = ReadPauseState(read);
    }
    int64_t failures = state.failures;
    int64_t first = state.first_failure_at ? ToUnix(*state.first_failure_at) : ToUnix(now);
    bool already = state.paused();
    pause = !already && threshold.failures > 0 && failures >= threshold.failures &&
            ToUnix(now) - first >= threshold.min_span.count();
    if (pause) {
      SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
          "UPDATE paused SET paused_at = ?4, unpaused_at = NULL WHERE " PAUSE_KEY));
      BindKey(s, 1, account_id, id);
      s.Bind(4, ToUnix(now));
      SIGNET_RETURN_IF_ERROR(db_->StepDone(s, "pause identifier"));
    }
    return OkStatus();
  }));
  return pause;
}

Status SqliteStore::RecordValidationSuccess(const std::string& account_id,
                                            const acme::Identifier& id) {
  // The common case (no failures on record) is a read, not a write.
  SIGNET_ASSIGN_OR_RETURN(std::optional<PauseState> state, GetPauseState(account_id, id));
  if (!state || (state->failures == 0 && !state->first_failure_at)) return OkStatus();
  return Submit(sqlite::Durability::kFast, [&](sqlite::Db&) -> Status {
    // A pair never paused has nothing left to keep; one paused keeps its row
    // (the pause, or the record of its unpause) with the run ended.
    SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt drop, db_->Prepare(
        "DELETE FROM paused WHERE " PAUSE_KEY " AND paused_at IS NULL"));
    BindKey(drop, 1, account_id, id);
    SIGNET_RETURN_IF_ERROR(db_->StepDone(drop, "reset failed validations"));
    SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt reset, db_->Prepare(
        "UPDATE paused SET failures = 0, first_failure_at = NULL WHERE " PAUSE_KEY));
    BindKey(reset, 1, account_id, id);
    return db_->StepDone(reset, "reset failed validations");
  });
}

Result<bool> SqliteStore::PauseIdentifier(const std::string& account_id,
                                          const acme::Identifier& id, acme::TimePoint now) {
  Lock lock(mu_);
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
      "INSERT INTO paused (account_id, ident_type, ident_value, failures, paused_at) "
      "VALUES (?1, ?2, ?3, 0, ?4) ON CONFLICT DO UPDATE SET paused_at = excluded.paused_at, "
      "unpaused_at = NULL WHERE NOT (" PAUSED_NOW ")"));
  BindKey(s, 1, account_id, id);
  s.Bind(4, ToUnix(now));
  SIGNET_RETURN_IF_ERROR(db_->StepDone(s, "pause identifier"));
  return db_->Changes() == 1;
}

Result<std::vector<acme::Identifier>> SqliteStore::Unpause(
    const std::string& account_id, const std::optional<acme::Identifier>& only,
    acme::TimePoint now) {
  Lock lock(mu_);
  sqlite::Transaction tx(*db_);
  if (!tx.begun()) return db_->LastError("begin");
  // ?2 = '' : every identifier of the account.
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
      "UPDATE paused SET unpaused_at = ?4, failures = 0, first_failure_at = NULL "
      "WHERE account_id = ?1 AND (?2 = '' OR (ident_type = ?2 AND ident_value = ?3)) AND "
      PAUSED_NOW " RETURNING ident_type, ident_value"));
  s.Bind(1, account_id).Bind(2, only ? only->type : "").Bind(3, only ? only->value : "");
  s.Bind(4, ToUnix(now));
  std::vector<acme::Identifier> unpaused;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) unpaused.push_back({s.Text(0), s.Text(1)});
  if (rc != SQLITE_DONE) return db_->LastError("unpause");
  SIGNET_RETURN_IF_ERROR(tx.Commit());
  std::sort(unpaused.begin(), unpaused.end(), [](const auto& a, const auto& b) {
    return std::tie(a.type, a.value) < std::tie(b.type, b.value);
  });
  return unpaused;
}

}  // namespace signet::storage
