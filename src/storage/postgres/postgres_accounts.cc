// PostgresStore: account key changes, deactivation, the orders list
// (RFC 8555 7.3.5, 7.3.6, 7.1.2.1) and paused clients (migration 0010).
#include <algorithm>
#include <tuple>

#include "storage/codec.h"
#include "storage/postgres/postgres_store.h"

namespace signet::storage {

using pg::Params;
using pg::Rows;

Result<KeyChangeOutcome> PostgresStore::ChangeAccountKey(const std::string& account_id,
                                                         const std::string& old_thumbprint,
                                                         const std::string& new_jwk_json,
                                                         const std::string& new_thumbprint) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<KeyChangeOutcome> {
    // One statement: the compare-and-set and the unique thumbprint index
    // decide together.
    auto r = c.Exec("UPDATE accounts SET jwk = $1, thumbprint = $2 "
                    "WHERE id = $3 AND thumbprint = $4 AND status = 'valid'",
                    Params().Add(new_jwk_json).Add(new_thumbprint).Add(account_id)
                        .Add(old_thumbprint));
    if (r.ok())
      return r->Affected() == 1 ? KeyChangeOutcome::kChanged : KeyChangeOutcome::kAccountChanged;
    if (c.last_sqlstate() == pg::kUniqueViolation) return KeyChangeOutcome::kKeyInUse;
    return std::move(r).error();
  });
}

Status PostgresStore::DeactivateAccount(const std::string& account_id) {
  return pg::Transact(pool_, [&](pg::Conn& c) -> Status {
    SIGNET_RETURN_IF_ERROR(c.Exec("UPDATE accounts SET status = 'deactivated' WHERE id = $1",
                                  Params().Add(account_id)));
    return c.Run("UPDATE authorizations SET status = 'deactivated' "
                  "WHERE account_id = $1 AND status = 'pending'",
                  Params().Add(account_id));
  });
}

Result<OrderPage> PostgresStore::ListAccountOrders(const std::string& account_id,
                                                   const std::optional<OrderCursor>& after,
                                                   size_t limit) {
  limit = std::max<size_t>(limit, 1);
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<OrderPage> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
        "SELECT id, created_at FROM orders WHERE account_id = $1 AND status != 'invalid' AND "
        "(created_at, id) > ($2::BIGINT, $3::TEXT) ORDER BY created_at, id LIMIT $4",
        Params().Add(account_id).Add(after ? ToUnix(after->created_at) : int64_t{-1})
            .Add(after ? after->id : std::string()).Add(int64_t(limit) + 1)));
    OrderPage page;
    std::optional<OrderCursor> last;
    for (int i = 0; i < r.size(); ++i) {
      if (page.order_ids.size() == limit) {  // the extra row: more follow
        page.next = std::move(last);
        break;
      }
      page.order_ids.push_back(r.Text(i, 0));
      last = OrderCursor{FromUnix(r.Int(i, 1)), page.order_ids.back()};
    }
    return page;
  });
}

namespace {

#define PAUSE_COLUMNS \
  "account_id, ident_type, ident_value, failures, first_failure_at, paused_at, unpaused_at"
#define PAUSE_KEY "account_id = $1 AND ident_type = $2 AND ident_value = $3"
#define PAUSED_NOW "paused_at IS NOT NULL AND unpaused_at IS NULL"

std::optional<acme::TimePoint> OptTime(const Rows& r, int row, int col) {
  if (r.IsNull(row, col)) return std::nullopt;
  return FromUnix(r.Int(row, col));
}

PauseState ReadPauseState(const Rows& r, int i) {
  PauseState p;
  p.account_id = r.Text(i, 0);
  p.identifier = {r.Text(i, 1), r.Text(i, 2)};
  p.failures = r.Int(i, 3);
  p.first_failure_at = OptTime(r, i, 4);
  p.paused_at = OptTime(r, i, 5);
  p.unpaused_at = OptTime(r, i, 6);
  return p;
}

Params Key(const std::string& account_id, const acme::Identifier& id) {
  Params p;
  p.Add(account_id).Add(id.type).Add(id.value);
  return p;
}

}  // namespace

Result<std::optional<PauseState>> PostgresStore::GetPauseState(const std::string& account_id,
                                                               const acme::Identifier& id) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::optional<PauseState>> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec("SELECT " PAUSE_COLUMNS " FROM paused WHERE " PAUSE_KEY,
                                           Key(account_id, id)));
    if (r.empty()) return std::optional<PauseState>();
    return std::optional<PauseState>(ReadPauseState(r, 0));
  });
}

Result<std::vector<acme::Identifier>> PostgresStore::PausedAmong(
    const std::string& account_id, const std::vector<acme::Identifier>& ids) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::vector<acme::Identifier>> {
    std::vector<acme::Identifier> paused;
    for (const acme::Identifier& id : ids) {
      SIGNET_ASSIGN_OR_RETURN(
          Rows r, c.Exec("SELECT 1 FROM paused WHERE " PAUSE_KEY " AND " PAUSED_NOW,
                         Key(account_id, id)));
      if (!r.empty()) paused.push_back(id);
    }
    return paused;
  });
}

Result<std::vector<PauseState>> PostgresStore::ListPaused(const std::string& account_id,
                                                          size_t limit) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::vector<PauseState>> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
        "SELECT " PAUSE_COLUMNS " FROM paused WHERE " PAUSED_NOW
        " AND ($1 = '' OR account_id = $1) ORDER BY account_id, ident_type, ident_value LIMIT $2",
        Params().Add(account_id).Add(int64_t(limit))));
    std::vector<PauseState> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(ReadPauseState(r, i));
    return out;
  });
}

Result<bool> PostgresStore::RecordValidationFailure(const std::string& account_id,
                                                    const acme::Identifier& id,
                                                    acme::TimePoint now,
                                                    const PauseThreshold& threshold) {
  return pg::Transact(pool_, [&](pg::Conn& c) -> Result<bool> {
    // The upsert locks the row until commit: concurrent failures count one by one.
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
        "INSERT INTO paused (account_id, ident_type, ident_value, failures, first_failure_at) "
        "VALUES ($1, $2, $3, 1, $4) ON CONFLICT (account_id, ident_type, ident_value) DO UPDATE "
        "SET failures = paused.failures + 1, "
        "first_failure_at = COALESCE(paused.first_failure_at, EXCLUDED.first_failure_at) "
        "RETURNING " PAUSE_COLUMNS,
        Key(account_id, id).Add(ToUnix(now))));
    PauseState state = ReadPauseState(r, 0);
    int64_t first = state.first_failure_at ? ToUnix(*state.first_failure_at) : ToUnix(now);
    bool pause = !state.paused() && threshold.failures > 0 &&
                 state.failures >= threshold.failures &&
                 ToUnix(now) - first >= threshold.min_span.count();
    if (pause)
      SIGNET_RETURN_IF_ERROR(
          c.Exec("UPDATE paused SET paused_at = $4, unpaused_at = NULL WHERE " PAUSE_KEY,
                 Key(account_id, id).Add(ToUnix(now))));
    return pause;
  });
}

Status PostgresStore::RecordValidationSuccess(const std::string& account_id,
                                              const acme::Identifier& id) {
  // The common case (no failures on record) is a read, not a write.
  SIGNET_ASSIGN_OR_RETURN(std::optional<PauseState> state, GetPauseState(account_id, id));
  if (!state || (state->failures == 0 && !state->first_failure_at)) return OkStatus();
  return pg::Transact(pool_, [&](pg::Conn& c) -> Status {
    SIGNET_RETURN_IF_ERROR(c.Exec("DELETE FROM paused WHERE " PAUSE_KEY " AND paused_at IS NULL",
                                  Key(account_id, id)));
    return c.Run("UPDATE paused SET failures = 0, first_failure_at = NULL WHERE " PAUSE_KEY,
                  Key(account_id, id));
  });
}

Result<bool> PostgresStore::PauseIdentifier(const std::string& account_id,
                                            const acme::Identifier& id, acme::TimePoint now) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<bool> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
        "INSERT INTO paused (account_id, ident_type, ident_value, failures, paused_at) "
        "VALUES ($1, $2, $3, 0, $4) ON CONFLICT (account_id, ident_type, ident_value) DO UPDATE "
        "SET paused_at = EXCLUDED.paused_at, unpaused_at = NULL "
        "WHERE NOT (paused.paused_at IS NOT NULL AND paused.unpaused_at IS NULL)",
        Key(account_id, id).Add(ToUnix(now))));
    return r.Affected() == 1;
  });
}

Result<std::vector<acme::Identifier>> PostgresStore::Unpause(
    const std::string& account_id, const std::optional<acme::Identifier>& only,
    acme::TimePoint now) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::vector<acme::Identifier>> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
        "UPDATE paused SET unpaused_at = $4, failures = 0, first_failure_at = NULL "
        "WHERE account_id = $1 AND ($2 = '' OR (ident_type = $2 AND ident_value = $3)) AND "
        PAUSED_NOW " RETURNING ident_type, ident_value",
        Params().Add(account_id).Add(only ? only->type : "").Add(only ? only->value : "")
            .Add(ToUnix(now))));
    std::vector<acme::Identifier> unpaused;
    for (int i = 0; i < r.size(); ++i) unpaused.push_back({r.Text(i, 0), r.Text(i, 1)});
    std::sort(unpaused.begin(), unpaused.end(), [](const auto& a, const auto& b) {
      return std::tie(a.type, a.value) < std::tie(b.type, b.value);
    });
    return unpaused;
  });
}

}  // namespace signet::storage
