#include "storage/postgres/pg.h"

#include <poll.h>

#include <cstdlib>

namespace signet::storage::pg {

Params& Params::Add(std::string_view v) {
  values_.emplace_back(std::string(v));
  lengths_.push_back(int(v.size()));
  formats_.push_back(0);
  return *this;
}

Params& Params::Add(std::optional<int64_t> v) {
  if (v) return Add(*v);
  values_.emplace_back(std::nullopt);
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

Params& Params::AddNullable(std::string_view v) {
  if (!v.empty()) return Add(v);
  return Add(std::optional<int64_t>());
}

Params& Params::AddBytes(std::string_view v) {
  values_.emplace_back(std::string(v));
  lengths_.push_back(int(v.size()));
  formats_.push_back(1);
  return *this;
}

std::vector<const char*> Params::Values() const {
  std::vector<const char*> out;
  for (const auto& v : values_) out.push_back(v ? v->data() : nullptr);
  return out;
}

std::string Rows::Text(int row, int col) const {
  return std::string(PQgetvalue(r_.get(), row, col), size_t(PQgetlength(r_.get(), row, col)));
}

int64_t Rows::Int(int row, int col) const {
  return std::strtoll(PQgetvalue(r_.get(), row, col), nullptr, 10);
}

std::string Rows::Bytes(int row, int col) const {
  size_t n = 0;
  unsigned char* raw =
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r_.get(), row, col)), &n);
  if (!raw) return std::string();
  std::string out(reinterpret_cast<const char*>(raw), n);
  PQfreemem(raw);
  return out;
}

int64_t Rows::Affected() const {
  const char* n = PQcmdTuples(r_.get());
  return (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
}

Error Unreachable(const std::string& why) {
  Error e(ErrorCode::kServerInternal, "the database is unreachable; try again shortly (" + why + ")");
  e.retry_after_seconds = 5;
  return e;
}

namespace {

// libpq's messages end in a newline and may hold several lines.
std::string OneLine(const char* msg) {
  std::string s = msg ? msg : "unknown error";
  for (char& c : s)
    if (c == '\n') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

Result<std::unique_ptr<Conn>> Conn::Connect(const std::string& conninfo,
                                            std::chrono::seconds connect_timeout,
                                            std::chrono::milliseconds statement_timeout,
                                            bool prepare) {
  // Defaults first: what the URI itself says overrides them (expand_dbname).
  std::string timeout = std::to_string(connect_timeout.count());
  std::string options = "-c statement_timeout=" + std::to_string(statement_timeout.count()) +
                        " -c lock_timeout=" + std::to_string(statement_timeout.count()) +
                        " -c client_min_messages=warning";
  const char* keys[] = {"connect_timeout", "options", "application_name", "dbname", nullptr};
  const char* values[] = {timeout.c_str(), options.c_str(), "signetd", conninfo.c_str(), nullptr};
  std::unique_ptr<Conn> c(new Conn(PQconnectdbParams(keys, values, 1), prepare));
  if (!c->c_) return Unreachable("out of memory");
  if (PQstatus(c->c_.get()) != CONNECTION_OK)
    return Unreachable(OneLine(PQerrorMessage(c->c_.get())));
  return c;
}

bool Conn::Alive() {
  if (PQstatus(c_.get()) != CONNECTION_OK) return false;
  // An idle connection has nothing to read unless the server spoke on its
  // own: mostly to say it is going away (a restart, an administrator's
  // termination: "FATAL: terminating connection", then the end), which
  // libpq may not notice until the next query fails. Anything readable, or
  // a hang-up, retires the connection (a rare notice costs a reconnect).
  pollfd p{PQsocket(c_.get()), POLLIN, 0};
  if (::poll(&p, 1, 0) != 0) return false;
  return true;
}

Error Conn::Failure(std::string_view what, const PGresult* r) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  sqlstate_ = state ? state : "";
  if (broken()) return Unreachable(OneLine(PQerrorMessage(c_.get())));
  const char* msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c_.get());
  return Error(ErrorCode::kServerInternal, "postgresql " + std::string(what) + ": " + OneLine(msg));
}

Result<const std::string*> Conn::PreparedName(const std::string& sql, const Params& params) {
  // Statements without parameters are mostly BEGIN, COMMIT and the like.
  if (!prepare_ || params.size() == 0) return nullptr;
  auto it = prepared_.find(sql);
  if (it != prepared_.end()) return &it->second;
  if (prepared_.size() >= kMaxPrepared) return nullptr;
  // Unlike the transaction it may run in, a prepared statement outlives a
  // ROLLBACK: it stays until the connection ends.
  std::string name = "signet_" + std::to_string(prepared_.size());
  CountRoundTrip();
  Rows made(PQprepare(c_.get(), name.c_str(), sql.c_str(), params.size(), nullptr));
  if (PQresultStatus(made.get()) != PGRES_COMMAND_OK)
    return Failure(sql.substr(0, sql.find(' ')), made.get());
  return &prepared_.emplace(sql, std::move(name)).first->second;
}

Result<Rows> Conn::Exec(std::string_view sql, const Params& params) {
  std::string text(sql);
  std::vector<const char*> values = params.Values();
  SIGNET_ASSIGN_OR_RETURN(const std::string* name, PreparedName(text, params));
  CountRoundTrip();
  Rows rows(name ? PQexecPrepared(c_.get(), name->c_str(), params.size(), values.data(),
                                  params.Lengths(), params.Formats(), 0)
                 : PQexecParams(c_.get(), text.c_str(), params.size(), nullptr, values.data(),
                                params.Lengths(), params.Formats(), 0));
  ExecStatusType st = PQresultStatus(rows.get());
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
    sqlstate_.clear();
    return rows;
  }
  return Failure(text.substr(0, text.find(' ')), rows.get());
}

Status Conn::Run(std::string_view sql, const Params& params) {
  SIGNET_ASSIGN_OR_RETURN(Rows r, Exec(sql, params));
  (void)r;
  return OkStatus();
}

std::string TextArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (const std::string& v : values) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

Status Conn::ExecScript(std::string_view sql) {
  std::string text(sql);
  CountRoundTrip();
  Rows rows(PQexec(c_.get(), text.c_str()));
  ExecStatusType st = PQresultStatus(rows.get());
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return OkStatus();
  return Failure("script", rows.get());
}

Pool::Pool(std::string conninfo, Options options)
    : conninfo_(std::move(conninfo)), options_(options) {}

Result<Pool::Lease> Pool::Acquire() {
  std::unique_ptr<Conn> conn;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!returned_.wait_for(lock, options_.acquire_timeout, [&] {
          return !idle_.empty() || out_ < options_.size;
        }))
      return Error(ErrorCode::kServerInternal,
                   "every database connection is busy; try again shortly");
    ++out_;
    while (!idle_.empty() && !conn) {
      conn = std::move(idle_.back());
      idle_.pop_back();
      if (!conn->Alive()) conn.reset();  // stale after a server restart
    }
  }
  if (!conn) {
    auto made = Conn::Connect(conninfo_, options_.connect_timeout, options_.statement_timeout,
                              options_.prepare_statements);
    if (!made.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      --out_;
      returned_.notify_one();
      return std::move(made).error();
    }
    conn = std::move(*made);
    conn->CountRoundTripsInto(&round_trips_);
  }
  return Lease(*this, std::move(conn));
}

void Pool::Return(std::unique_ptr<Conn> c) {
  std::lock_guard<std::mutex> lock(mu_);
  --out_;
  if (!c->broken()) idle_.push_back(std::move(c));
  returned_.notify_one();
}

}  // namespace signet::storage::pg
