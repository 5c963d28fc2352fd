// A thin RAII layer over libpq: a connection, text-format parameters, a
// query's rows, and a pool of connections that reconnects by itself. Every
// failure is an Error (serverInternal); the SQLSTATE of the last one stays
// on the connection for callers that tell a constraint apart.
//
// A Conn is not thread-safe: a caller holds it through a Pool::Lease.
#pragma once

#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"

namespace signet::storage::pg {

// SQLSTATEs the store tells apart.
inline constexpr std::string_view kUniqueViolation = "23505";
inline constexpr std::string_view kSerializationFailure = "40001";
inline constexpr std::string_view kDeadlockDetected = "40P01";

// The parameters of one statement ($1, $2, ...), in order.
class Params {
 public:
  Params& Add(std::string_view v);
  Params& Add(const char* v) { return Add(std::string_view(v)); }
  Params& Add(const std::string& v) { return Add(std::string_view(v)); }
  Params& Add(int64_t v) { return Add(std::to_string(v)); }
  Params& Add(std::optional<int64_t> v);
  // NULL when empty (as the SQLite store's BindNullable).
  Params& AddNullable(std::string_view v);
  // A bytea, sent in binary.
  Params& AddBytes(std::string_view v);

  int size() const { return int(values_.size()); }
  std::vector<const char*> Values() const;
  const int* Lengths() const { return lengths_.data(); }
  const int* Formats() const { return formats_.data(); }

 private:
  std::vector<std::optional<std::string>> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

// The rows of one statement (text format).
class Rows {
 public:
  explicit Rows(PGresult* r) : r_(r, &PQclear) {}
  int size() const { return PQntuples(r_.get()); }
  bool empty() const { return size() == 0; }
  std::string Text(int row, int col) const;
  int64_t Int(int row, int col) const;
  bool IsNull(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  // A bytea column, decoded.
  std::string Bytes(int row, int col) const;
  // Rows an INSERT, UPDATE or DELETE touched.
  int64_t Affected() const;
  PGresult* get() const { return r_.get(); }

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> r_;
};

class Conn {
 public:
  // `conninfo`: a postgresql:// URI or key=value string. connect_timeout and
  // statement_timeout get defaults (Pool::Options) unless it sets them.
  // `prepare`: Exec prepares each statement with parameters once on this
  // connection (PQprepare) and then sends only its name and parameters, so
  // the server parses and plans it once per connection, not per call.
  static Result<std::unique_ptr<Conn>> Connect(const std::string& conninfo,
                                               std::chrono::seconds connect_timeout,
                                               std::chrono::milliseconds statement_timeout,
                                               bool prepare = true);

  Result<Rows> Exec(std::string_view sql, const Params& params = Params());
  // Statements prepared on this connection so far.
  size_t prepared() const { return prepared_.size(); }
  // Adds each round trip to the server (a statement sent, a PQprepare) to
  // `*counter` from now on.
  void CountRoundTripsInto(std::atomic<uint64_t>* counter) { round_trips_ = counter; }
  // Most statements one connection keeps prepared: SQL built at run time
  // (the operator's queries) beyond it is sent unprepared.
  static constexpr size_t kMaxPrepared = 256;
  // Exec, when only success matters.
  Status Run(std::string_view sql, const Params& params = Params());
  // Several statements, no parameters (migrations).
  Status ExecScript(std::string_view sql);
  // The SQLSTATE of the last failed statement ("" for none, or a lost connection).
  const std::string& last_sqlstate() const { return sqlstate_; }
  bool broken() const { return PQstatus(c_.get()) != CONNECTION_OK; }
  // False when the server closed the connection (seen without a round trip).
  bool Alive();

 private:
  Conn(PGconn* c, bool prepare) : c_(c, &PQfinish), prepare_(prepare) {}
  Error Failure(std::string_view what, const PGresult* r);
  // The name `sql` is prepared under on this connection, preparing it first;
  // nullptr when it is sent unprepared.
  Result<const std::string*> PreparedName(const std::string& sql, const Params& params);
  std::unique_ptr<PGconn, decltype(&PQfinish)> c_;
  void CountRoundTrip() {
    if (round_trips_) round_trips_->fetch_add(1, std::memory_order_relaxed);
  }
  const bool prepare_;
  std::atomic<uint64_t>* round_trips_ = nullptr;
  std::string sqlstate_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL -> statement name
};

// Connections shared by the store's threads. A connection found broken is
// dropped when returned and a new one made on the next Acquire, so the store
// recovers by itself once the server is back; while it is down, Acquire
// fails at once (connect refused) or after the connect timeout.
class Pool {
 public:
  struct Options {
    // About signetd's handler threads plus its validation workers.
    size_t size = 16;
    std::chrono::seconds connect_timeout{3};
    std::chrono::milliseconds statement_timeout{10000};
    // How long Acquire waits for a connection another caller holds.
    std::chrono::milliseconds acquire_timeout{10000};
    // Prepared statements (Conn::Connect); off behind a pooler that hands
    // one client's statements to several server sessions.
    bool prepare_statements = true;
  };
  Pool(std::string conninfo, Options options);

  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Conn> c) : pool_(&pool), c_(std::move(c)) {}
    Lease(Lease&& o) noexcept : pool_(o.pool_), c_(std::move(o.c_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() { if (c_) pool_->Return(std::move(c_)); }
    Conn& operator*() const { return *c_; }
    Conn* operator->() const { return c_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Conn> c_;
  };

  Result<Lease> Acquire();
  // Round trips to the server by this pool's connections so far.
  uint64_t round_trips() const { return round_trips_.load(std::memory_order_relaxed); }

 private:
  void Return(std::unique_ptr<Conn> c);

  const std::string conninfo_;
  const Options options_;
  std::mutex mu_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Conn>> idle_;  // GUARDED_BY(mu_)
  size_t out_ = 0;                           // GUARDED_BY(mu_): lent or connecting
  std::atomic<uint64_t> round_trips_{0};
};

// `values` as a PostgreSQL text[] literal, for "= ANY($1::TEXT[])" and unnest.
std::string TextArray(const std::vector<std::string>& values);

// A message for a failure to reach the database, as clients see it.
Error Unreachable(const std::string& why);

}  // namespace signet::storage::pg

namespace signet::storage::pg {

inline bool Retryable(const std::string& sqlstate) {
  return sqlstate == kSerializationFailure || sqlstate == kDeadlockDetected;
}

// Runs `fn(Conn&)` (returning a Result) inside `begin` ... COMMIT on a
// connection of `pool`: committed when it returns a value, rolled back when
// it returns an error. A transaction PostgreSQL aborted for a serialization
// failure or a deadlock is run again, a few times.
template <typename F>
auto Transact(Pool& pool, F&& fn, std::string_view begin = "BEGIN")
    -> decltype(fn(std::declval<Conn&>())) {
  constexpr int kAttempts = 8;
  for (int attempt = 1;; ++attempt) {
    SIGNET_ASSIGN_OR_RETURN(Pool::Lease c, pool.Acquire());
    SIGNET_RETURN_IF_ERROR(c->Exec(begin));
    auto r = fn(*c);
    if (r.ok()) {
      auto commit = c->Exec("COMMIT");
      if (commit.ok()) return r;
      if (attempt < kAttempts && Retryable(c->last_sqlstate())) continue;
      return std::move(commit).error();
    }
    bool retry = attempt < kAttempts && Retryable(c->last_sqlstate());
    if (!c->broken()) (void)c->Exec("ROLLBACK");
    if (!retry) return r;
  }
}

// Runs `fn(Conn&)` on a connection of `pool`, without a transaction of its
// own (one statement is its own transaction).
template <typename F>
auto WithConn(Pool& pool, F&& fn) -> decltype(fn(std::declval<Conn&>())) {
  SIGNET_ASSIGN_OR_RETURN(Pool::Lease c, pool.Acquire());
  return fn(*c);
}

}  // namespace signet::storage::pg
