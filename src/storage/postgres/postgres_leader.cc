// PostgresStore: leadership (a session-level advisory lock held on a
// dedicated connection, released by the server when that session ends: the
// instance died, or lost the database) and published CRLs (migration 0014).
#include "storage/codec.h"
#include "storage/postgres/postgres_store.h"

namespace signet::storage {

using pg::Params;
using pg::Rows;

namespace {

// The advisory lock's key: FNV-1a of the duty's name, in a range apart from
// the migration lock's.
int64_t LockKey(const std::string& duty) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : "signet leader " + duty) h = (h ^ c) * 1099511628211ull;
  return int64_t(h >> 1);
}

class AdvisoryLock : public LeaderLock {
 public:
  AdvisoryLock(std::string conninfo, pg::Pool::Options options, int64_t key)
      : conninfo_(std::move(conninfo)), options_(options), key_(key) {}

  Result<bool> Hold() override {
    if (conn_ && (conn_->broken() || !conn_->Alive())) Drop();  // the session (and lock) is gone
    if (!conn_) {
      SIGNET_ASSIGN_OR_RETURN(conn_, pg::Conn::Connect(conninfo_, options_.connect_timeout,
                                                       options_.statement_timeout));
    }
    if (held_) {  // still ours while the session lives: one round trip says it does
      auto alive = conn_->Exec("SELECT 1");
      if (!alive.ok()) {
        Drop();
        return std::move(alive).error();
      }
      return true;
    }
    auto r = conn_->Exec("SELECT pg_try_advisory_lock($1)", Params().Add(key_));
    if (!r.ok()) {
      Drop();
      return std::move(r).error();
    }
    held_ = r->Text(0, 0) == "t";
    return held_;
  }
  bool exclusive() const override { return false; }

 private:
  void Drop() {
    conn_.reset();
    held_ = false;
  }
  const std::string conninfo_;
  const pg::Pool::Options options_;
  const int64_t key_;
  std::unique_ptr<pg::Conn> conn_;
  bool held_ = false;
};

}  // namespace

std::unique_ptr<LeaderLock> PostgresStore::NewLeaderLock(const std::string& duty) {
  return std::make_unique<AdvisoryLock>(conninfo_, options_, LockKey(duty));
}

Status PostgresStore::SaveCrl(const StoredCrl& crl) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Status {
    return c.Run(
        "INSERT INTO published_crls (shard, number, der, this_update, next_update, entries) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (shard) DO UPDATE SET "
        "number = excluded.number, der = excluded.der, this_update = excluded.this_update, "
        "next_update = excluded.next_update, entries = excluded.entries "
        "WHERE published_crls.number < excluded.number",
        Params().Add(int64_t(crl.shard)).Add(crl.number).AddBytes(crl.der)
            .Add(ToUnix(crl.this_update)).Add(ToUnix(crl.next_update)).Add(crl.entries));
  });
}

Result<std::map<int, int64_t>> PostgresStore::StoredCrlNumbers() {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::map<int, int64_t>> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec("SELECT shard, number FROM published_crls"));
    std::map<int, int64_t> out;
    for (int i = 0; i < r.size(); ++i) out[int(r.Int(i, 0))] = r.Int(i, 1);
    return out;
  });
}

Result<std::optional<StoredCrl>> PostgresStore::GetStoredCrl(int shard) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::optional<StoredCrl>> {
    SIGNET_ASSIGN_OR_RETURN(
        Rows r, c.Exec("SELECT number, der, this_update, next_update, entries FROM "
                       "published_crls WHERE shard = $1", Params().Add(int64_t(shard))));
    if (r.empty()) return std::optional<StoredCrl>();
    StoredCrl crl{shard, r.Int(0, 0), r.Bytes(0, 1), FromUnix(r.Int(0, 2)), FromUnix(r.Int(0, 3)),
                  r.Int(0, 4)};
    return std::optional<StoredCrl>(std::move(crl));
  });
}

}  // namespace signet::storage
