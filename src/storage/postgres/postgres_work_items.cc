// PostgresStore: work in flight (migration 0013). Each call is one
// statement; lease times are the server's clock, so instances' clocks need
// not agree. A claim locks the rows it takes and skips the rows another
// claim holds (FOR UPDATE SKIP LOCKED): concurrent claimers never wait for
// each other and never take the same item.
#include "storage/postgres/postgres_store.h"

namespace signet::storage {

using pg::Params;
using pg::Rows;

namespace {
// Unix milliseconds on the server's clock (not the transaction's start).
constexpr const char* kNowMs = "(extract(epoch FROM clock_timestamp()) * 1000)::BIGINT";
}  // namespace

Status PostgresStore::AddWorkItem(const std::string& kind, const std::string& object_id,
                                  const std::string& owner, std::chrono::milliseconds lease) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Status {
    return c.Run(std::string(
        "INSERT INTO work_items (kind, object_id, owner, lease_until, attempts, created_at) "
        "VALUES ($1, $2, $3, ") + kNowMs + " + $4, 1, " + kNowMs + ") "
        "ON CONFLICT (kind, object_id) DO UPDATE SET owner = excluded.owner, "
        "lease_until = excluded.lease_until, attempts = 1",
        Params().Add(kind).Add(object_id).Add(owner).Add(int64_t(lease.count())));
  });
}

Status PostgresStore::EnsureWorkItem(const std::string& kind, const std::string& object_id) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Status {
    return c.Run(std::string("INSERT INTO work_items (kind, object_id, created_at) VALUES ($1, $2, ") +
                     kNowMs + ") ON CONFLICT DO NOTHING",
                 Params().Add(kind).Add(object_id));
  });
}

Result<std::vector<WorkItem>> PostgresStore::ClaimWorkItems(const std::string& owner,
                                                            std::chrono::milliseconds lease,
                                                            size_t limit, WorkClaim which) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::vector<WorkItem>> {
    const std::string due = which == WorkClaim::kAll ? "TRUE" : std::string("lease_until < ") + kNowMs;
    SIGNET_ASSIGN_OR_RETURN(
        Rows r, c.Exec(std::string("UPDATE work_items w SET owner = $1, lease_until = ") + kNowMs +
                           " + $2, attempts = w.attempts + 1 FROM (SELECT kind, object_id FROM "
                           "work_items WHERE " + due +
                           " ORDER BY lease_until LIMIT $3 FOR UPDATE SKIP LOCKED) due "
                           "WHERE w.kind = due.kind AND w.object_id = due.object_id "
                           "RETURNING w.kind, w.object_id, w.attempts",
                       Params().Add(owner).Add(int64_t(lease.count())).Add(int64_t(limit))));
    std::vector<WorkItem> out;
    for (int i = 0; i < r.size(); ++i) out.push_back({r.Text(i, 0), r.Text(i, 1), int(r.Int(i, 2))});
    return out;
  });
}

Result<bool> PostgresStore::RenewWorkItem(const std::string& kind, const std::string& object_id,
                                          const std::string& owner,
                                          std::chrono::milliseconds lease) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<bool> {
    SIGNET_ASSIGN_OR_RETURN(
        Rows r, c.Exec(std::string("UPDATE work_items SET lease_until = ") + kNowMs +
                           " + $4 WHERE kind = $1 AND object_id = $2 AND owner = $3",
                       Params().Add(kind).Add(object_id).Add(owner).Add(int64_t(lease.count()))));
    return r.Affected() == 1;
  });
}

Result<int64_t> PostgresStore::RenewWorkItems(const std::string& owner,
                                              std::chrono::milliseconds lease) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<int64_t> {
    SIGNET_ASSIGN_OR_RETURN(
        Rows r, c.Exec(std::string("UPDATE work_items SET lease_until = ") + kNowMs +
                           " + $2 WHERE owner = $1",
                       Params().Add(owner).Add(int64_t(lease.count()))));
    return r.Affected();
  });
}

Status PostgresStore::FinishWorkItem(const std::string& kind, const std::string& object_id,
                                     const std::string& owner) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Status {
    return c.Run("DELETE FROM work_items WHERE kind = $1 AND object_id = $2 AND owner = $3",
                 Params().Add(kind).Add(object_id).Add(owner));
  });
}

Status PostgresStore::ReleaseWorkItems(const std::string& owner) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Status {
    return c.Run("UPDATE work_items SET lease_until = 0 WHERE owner = $1", Params().Add(owner));
  });
}

}  // namespace signet::storage
