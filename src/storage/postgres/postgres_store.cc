#include "storage/postgres/postgres_store.h"

#include "storage/codec.h"
#include "storage/migrations.h"

namespace signet::storage {

using acme::ObjStatus;
using pg::Params;
using pg::Rows;

namespace {

std::optional<int64_t> OptUnix(const std::optional<acme::TimePoint>& t) {
  if (!t) return std::nullopt;
  return ToUnix(*t);
}

// The key of the session-level advisory lock migrations run under (any
// constant no other code uses; "signet" in ASCII).
constexpr int64_t kMigrationLock = 0x7369676e6574;

}  // namespace

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& conninfo,
                                                           pg::Pool::Options options) {
  std::unique_ptr<PostgresStore> store(new PostgresStore(conninfo, options));
  SIGNET_RETURN_IF_ERROR(store->Migrate());
  return store;
}

Status PostgresStore::Migrate() {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Status {
    const std::string lock = std::to_string(kMigrationLock);
    // No timeouts while migrating, or while waiting for another instance to:
    // a migration of a large table may take minutes.
    SIGNET_RETURN_IF_ERROR(c.Run("SET statement_timeout = 0"));
    SIGNET_RETURN_IF_ERROR(c.Run("SET lock_timeout = 0"));
    // Held until unlocked or the session ends: an instance that starts while
    // another migrates waits here, then finds the schema current.
    SIGNET_RETURN_IF_ERROR(c.Exec("SELECT pg_advisory_lock(" + lock + ")"));
    auto migrate = [&]() -> Status {
      SIGNET_RETURN_IF_ERROR(c.Exec(
          "CREATE TABLE IF NOT EXISTS signet_schema_version (version BIGINT NOT NULL)"));
      SIGNET_ASSIGN_OR_RETURN(Rows v, c.Exec("SELECT version FROM signet_schema_version"));
      if (v.empty()) SIGNET_RETURN_IF_ERROR(c.Exec("INSERT INTO signet_schema_version VALUES (0)"));
      size_t version = v.empty() ? 0 : size_t(v.Int(0, 0));
      if (version > kPostgresMigrations.size())
        return Error(ErrorCode::kServerInternal,
                     "the database's schema (version " + std::to_string(version) +
                         ") is newer than this signetd knows; run a newer signetd");
      for (size_t i = version; i < kPostgresMigrations.size(); ++i) {
        SIGNET_RETURN_IF_ERROR(c.Exec("BEGIN"));
        Status applied = c.ExecScript(kPostgresMigrations[i]);
        if (applied.ok())
          applied = c.Run("UPDATE signet_schema_version SET version = $1",
                           Params().Add(int64_t(i + 1)));
        if (applied.ok()) applied = c.Run("COMMIT");
        if (!applied.ok()) {
          if (!c.broken()) (void)c.Exec("ROLLBACK");
          return Error(ErrorCode::kServerInternal, "migration " + std::to_string(i + 1) +
                                                       " failed: " + applied.error().detail);
        }
      }
      return OkStatus();
    };
    Status done = migrate();
    if (!c.broken()) {
      (void)c.Exec("SELECT pg_advisory_unlock(" + lock + ")");
      (void)c.Exec("RESET statement_timeout");  // back to the connection's own
      (void)c.Exec("RESET lock_timeout");
    }
    return done;
  });
}

#define ACCOUNT_COLUMNS "id, thumbprint, jwk, contacts, status, tos_agreed, created_at"

Result<acme::Account> PostgresStore::ReadAccountRow(const Rows& r, int i) {
  acme::Account a;
  a.id = r.Text(i, 0);
  a.thumbprint = r.Text(i, 1);
  a.jwk_json = r.Text(i, 2);
  SIGNET_ASSIGN_OR_RETURN(a.contacts, DecodeStrings(r.Text(i, 3)));
  a.status = acme::ParseStatus(r.Text(i, 4)).value_or(ObjStatus::kDeactivated);
  a.tos_agreed = r.Int(i, 5) != 0;
  a.created_at = FromUnix(r.Int(i, 6));
  return a;
}

Result<std::optional<acme::Account>> PostgresStore::QueryAccount(const std::string& sql,
                                                                 const std::string& key) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::optional<acme::Account>> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(sql, Params().Add(key)));
    if (r.empty()) return std::optional<acme::Account>();
    SIGNET_ASSIGN_OR_RETURN(acme::Account a, ReadAccountRow(r, 0));
    return std::optional<acme::Account>(std::move(a));
  });
}

Result<std::optional<acme::Account>> PostgresStore::GetAccount(const std::string& id) {
  return QueryAccount("SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = $1", id);
}

Result<std::optional<acme::Account>> PostgresStore::GetAccountByThumbprint(const std::string& tp) {
  return QueryAccount("SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE thumbprint = $1", tp);
}

Status PostgresStore::CreateAccount(const acme::Account& a) {
  return pg::WithConn(pool_, [&](pg::Conn& c) { return InsertAccount(c, a); });
}

Status PostgresStore::InsertAccount(pg::Conn& c, const acme::Account& a) {
  auto r = c.Exec("INSERT INTO accounts (" ACCOUNT_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7)",
                  Params().Add(a.id).Add(a.thumbprint).Add(a.jwk_json)
                      .Add(EncodeStrings(a.contacts)).Add(acme::StatusName(a.status))
                      .Add(int64_t(a.tos_agreed)).Add(ToUnix(a.created_at)));
  if (r.ok()) return OkStatus();
  if (c.last_sqlstate() == pg::kUniqueViolation)  // the thumbprint (ids are random)
    return Error(ErrorCode::kMalformed,
                 "this key is already bound to an account; send newAccount again to find it");
  return std::move(r).error();
}

Status PostgresStore::UpdateAccount(const acme::Account& a) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Status {
    return c.Run("UPDATE accounts SET contacts = $1, tos_agreed = $2 WHERE id = $3",
                  Params().Add(EncodeStrings(a.contacts)).Add(int64_t(a.tos_agreed)).Add(a.id));
  });
}

Result<std::optional<acme::Order>> PostgresStore::GetOrder(const std::string& id) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::optional<acme::Order>> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
        "SELECT id, account_id, status, expires, identifiers, authz_ids, not_before, not_after, "
        "error, cert_serial, created_at, csr, profile, replaces, replaces_serial "
        "FROM orders WHERE id = $1", Params().Add(id)));
    if (r.empty()) return std::optional<acme::Order>();
    acme::Order o;
    o.id = r.Text(0, 0);
    o.account_id = r.Text(0, 1);
    o.status = acme::ParseStatus(r.Text(0, 2)).value_or(ObjStatus::kInvalid);
    o.expires = FromUnix(r.Int(0, 3));
    SIGNET_ASSIGN_OR_RETURN(o.identifiers, DecodeIdentifiers(r.Text(0, 4)));
    SIGNET_ASSIGN_OR_RETURN(o.authorization_ids, DecodeStrings(r.Text(0, 5)));
    if (!r.IsNull(0, 6)) o.not_before = FromUnix(r.Int(0, 6));
    if (!r.IsNull(0, 7)) o.not_after = FromUnix(r.Int(0, 7));
    if (!r.IsNull(0, 8)) o.error = DecodeError(r.Text(0, 8));
    o.certificate_serial = r.Text(0, 9);
    o.created_at = FromUnix(r.Int(0, 10));
    o.csr_der = r.Text(0, 11);
    o.profile = r.Text(0, 12);
    o.replaces = r.Text(0, 13);
    o.replaces_serial = r.Text(0, 14);
    return std::optional<acme::Order>(std::move(o));
  });
}

namespace {

// An order's columns as $1 ... $14 and its id as $15, for WriteOrder's
// statements and FinishIssuanceWrite's.
#define ORDER_SET                                                                         \
  "account_id = $1, status = $2, expires = $3, identifiers = $4, authz_ids = $5, "        \
  "not_before = $6, not_after = $7, error = $8, cert_serial = $9, created_at = $10, "     \
  "csr = $11, profile = $12, replaces = $13, replaces_serial = $14"

Params OrderParams(const acme::Order& o) {
  Params p;
  p.Add(o.account_id).Add(acme::StatusName(o.status)).Add(ToUnix(o.expires))
      .Add(EncodeIdentifiers(o.identifiers)).Add(EncodeStrings(o.authorization_ids))
      .Add(OptUnix(o.not_before)).Add(OptUnix(o.not_after))
      .AddNullable(o.error ? EncodeError(*o.error) : std::string())
      .AddNullable(o.certificate_serial).Add(ToUnix(o.created_at)).AddNullable(o.csr_der)
      .Add(o.profile).AddNullable(o.replaces).AddNullable(o.replaces_serial).Add(o.id);
  return p;
}

}  // namespace

Result<int64_t> PostgresStore::WriteOrder(pg::Conn& c, const acme::Order& o, Write mode,
                                          ObjStatus expected) {
  const char* sql = nullptr;
  switch (mode) {
    case Write::kInsert:
      sql = "INSERT INTO orders (account_id, status, expires, identifiers, authz_ids, not_before, "
            "not_after, error, cert_serial, created_at, csr, profile, replaces, replaces_serial, "
            "id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
      break;
    case Write::kUpdate:
      sql = "UPDATE orders SET " ORDER_SET " WHERE id = $15";
      break;
    case Write::kUpdateIfStatus:
      sql = "UPDATE orders SET " ORDER_SET " WHERE id = $15 AND status = $16";
      break;
  }
  Params p = OrderParams(o);
  if (mode == Write::kUpdateIfStatus) p.Add(acme::StatusName(expected));
  SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(sql, p));
  return r.Affected();
}

Status PostgresStore::WriteAuthorization(pg::Conn& c, const acme::Authorization& a, bool insert) {
  const char* sql = insert
      ? "INSERT INTO authorizations (account_id, ident_type, ident_value, status, expires, "
        "wildcard, challenges, id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
      : "UPDATE authorizations SET account_id = $1, ident_type = $2, ident_value = $3, "
        "status = $4, expires = $5, wildcard = $6, challenges = $7 WHERE id = $8";
  return c.Run(sql, Params().Add(a.account_id).Add(a.identifier.type).Add(a.identifier.value)
                         .Add(acme::StatusName(a.status)).Add(ToUnix(a.expires))
                         .Add(int64_t(a.wildcard)).Add(EncodeChallenges(a.challenges)).Add(a.id));
}

Status PostgresStore::CreateOrder(const acme::Order& order,
                                  const std::vector<acme::Authorization>& authzs) {
  if (order.replaces_serial.empty()) {
    // One statement (one round trip, where BEGIN, the INSERTs and COMMIT
    // took 3 + authorizations): its own transaction.
    std::string sql = "WITH a AS (INSERT INTO authorizations (account_id, ident_type, "
                      "ident_value, status, expires, wildcard, challenges, id) VALUES ";
    Params p = OrderParams(order);  // $1 ... $15
    for (size_t i = 0; i < authzs.size(); ++i) {
      const acme::Authorization& a = authzs[i];
      sql += i ? ", (" : "(";
      for (int col = 0; col < 8; ++col)
        sql += (col ? ", $" : "$") + std::to_string(16 + 8 * i + col);
      sql += ")";
      p.Add(a.account_id).Add(a.identifier.type).Add(a.identifier.value)
          .Add(acme::StatusName(a.status)).Add(ToUnix(a.expires)).Add(int64_t(a.wildcard))
          .Add(EncodeChallenges(a.challenges)).Add(a.id);
    }
    sql += ") INSERT INTO orders (account_id, status, expires, identifiers, authz_ids, "
           "not_before, not_after, error, cert_serial, created_at, csr, profile, replaces, "
           "replaces_serial, id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
           "$14, $15)";
    if (authzs.empty()) sql = sql.substr(sql.find(") INSERT INTO orders") + 2);
    return pg::WithConn(pool_, [&](pg::Conn& c) { return c.Run(sql, p); });
  }
  return pg::Transact(pool_, [&](pg::Conn& c) -> Status {
    // Two orders replacing one certificate, on two instances: the second
    // waits for the first's commit here, then sees its order.
    SIGNET_RETURN_IF_ERROR(c.Exec("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                                  Params().Add("replaces:" + order.replaces_serial)));
    SIGNET_ASSIGN_OR_RETURN(bool replaced, ReplacementExists(c, order.replaces_serial));
    if (replaced)
      return Error(ErrorCode::kAlreadyReplaced, "certificate " + order.replaces_serial +
                                                    " already has a replacement order");
    for (const auto& a : authzs) SIGNET_RETURN_IF_ERROR(WriteAuthorization(c, a, true));
    SIGNET_ASSIGN_OR_RETURN(int64_t n, WriteOrder(c, order, Write::kInsert));
    (void)n;
    return OkStatus();
  });
}

Status PostgresStore::UpdateOrder(const acme::Order& order) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Status {
    SIGNET_ASSIGN_OR_RETURN(int64_t n, WriteOrder(c, order, Write::kUpdate));
    (void)n;
    return OkStatus();
  });
}

Result<bool> PostgresStore::UpdateOrderIf(const acme::Order& order, ObjStatus expected) {
  // One statement: under READ COMMITTED a concurrent writer's commit makes
  // PostgreSQL re-check "status = expected" on the new row, so of two
  // racing compare-and-sets exactly one matches.
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<bool> {
    SIGNET_ASSIGN_OR_RETURN(int64_t n, WriteOrder(c, order, Write::kUpdateIfStatus, expected));
    return n == 1;
  });
}

namespace {

#define AUTHZ_COLUMNS "id, account_id, ident_type, ident_value, status, expires, wildcard, challenges"

Result<std::optional<acme::Authorization>> ReadAuthorization(const Rows& r) {
  if (r.empty()) return std::optional<acme::Authorization>();
  acme::Authorization a;
  a.id = r.Text(0, 0);
  a.account_id = r.Text(0, 1);
  a.identifier = {r.Text(0, 2), r.Text(0, 3)};
  a.status = acme::ParseStatus(r.Text(0, 4)).value_or(ObjStatus::kInvalid);
  a.expires = FromUnix(r.Int(0, 5));
  a.wildcard = r.Int(0, 6) != 0;
  SIGNET_ASSIGN_OR_RETURN(a.challenges, DecodeChallenges(r.Text(0, 7)));
  return std::optional<acme::Authorization>(std::move(a));
}

}  // namespace

Result<std::optional<acme::Authorization>> PostgresStore::GetAuthorization(const std::string& id) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::optional<acme::Authorization>> {
    SIGNET_ASSIGN_OR_RETURN(
        Rows r, c.Exec("SELECT " AUTHZ_COLUMNS " FROM authorizations WHERE id = $1",
                       Params().Add(id)));
    return ReadAuthorization(r);
  });
}

Status PostgresStore::UpdateAuthorization(const acme::Authorization& authz) {
  return pg::WithConn(pool_, [&](pg::Conn& c) { return WriteAuthorization(c, authz, false); });
}

Result<bool> PostgresStore::UpdateAuthorizationIf(const acme::Authorization& authz,
                                                  const AuthorizationExpectation& expected) {
  // One statement, one round trip (BEGIN, SELECT ... FOR UPDATE, UPDATE and
  // COMMIT were four): the WHERE is the compare, over the challenges' JSON,
  // and the SET the swap. Under READ COMMITTED a
  // concurrent writer's commit makes PostgreSQL re-check the whole WHERE on
  // the new row, so of two racing compare-and-sets exactly one matches.
  const acme::Authorization& a = authz;
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<bool> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
        "UPDATE authorizations SET account_id = $1, ident_type = $2, ident_value = $3, "
        "status = $4, expires = $5, wildcard = $6, challenges = $7 "
        "WHERE id = $8 AND status = $9 AND "
        "($10::TEXT = '' OR EXISTS (SELECT 1 FROM jsonb_array_elements(challenges::jsonb) "
        "AS e(ch) WHERE ch->>'id' = $10::TEXT AND ch->>'status' = $11::TEXT)) AND "
        "(NOT $12::BOOLEAN OR NOT EXISTS (SELECT 1 FROM jsonb_array_elements(challenges::jsonb) "
        "AS e(ch) WHERE ch->>'id' <> $10::TEXT AND ch->>'status' = 'processing'))",
        Params().Add(a.account_id).Add(a.identifier.type).Add(a.identifier.value)
            .Add(acme::StatusName(a.status)).Add(ToUnix(a.expires)).Add(int64_t(a.wildcard))
            .Add(EncodeChallenges(a.challenges)).Add(a.id)
            .Add(acme::StatusName(expected.status)).Add(expected.challenge_id)
            .Add(acme::StatusName(expected.challenge_status))
            .Add(expected.no_other_processing ? "true" : "false")));
    return r.Affected() == 1;
  });
}

Result<std::optional<acme::CertificateRecord>> PostgresStore::GetCertificate(
    const std::string& serial) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::optional<acme::CertificateRecord>> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
        "SELECT serial, account_id, order_id, der, not_before, not_after, issued_at, "
        "revoked_at, revoked_reason, crl_shard, profile, ari_start, ari_end, ari_explanation, "
        "chain_pem FROM certificates WHERE serial = $1", Params().Add(serial)));
    if (r.empty()) return std::optional<acme::CertificateRecord>();
    acme::CertificateRecord cert;
    cert.serial = r.Text(0, 0);
    cert.account_id = r.Text(0, 1);
    cert.order_id = r.Text(0, 2);
    if (!r.IsNull(0, 3)) {
      cert.der = r.Bytes(0, 3);
    } else {
      SIGNET_ASSIGN_OR_RETURN(cert.der, FirstCertDerOfPem(r.Text(0, 14)));
    }
    cert.not_before = FromUnix(r.Int(0, 4));
    cert.not_after = FromUnix(r.Int(0, 5));
    cert.issued_at = FromUnix(r.Int(0, 6));
    if (!r.IsNull(0, 7)) {
      cert.revoked_at = FromUnix(r.Int(0, 7));
      cert.revoked_reason = int(r.Int(0, 8));
    }
    cert.crl_shard = int(r.Int(0, 9));
    cert.profile = r.Text(0, 10);
    if (!r.IsNull(0, 11) && !r.IsNull(0, 12)) {
      cert.ari_window_start = FromUnix(r.Int(0, 11));
      cert.ari_window_end = FromUnix(r.Int(0, 12));
    }
    cert.ari_explanation_url = r.Text(0, 13);
    return std::optional<acme::CertificateRecord>(std::move(cert));
  });
}

Status PostgresStore::FinishIssuance(const acme::CertificateRecord& cert,
                                     const acme::Order& order) {
  SIGNET_ASSIGN_OR_RETURN(bool written, FinishIssuanceWrite(cert, order, std::nullopt));
  (void)written;
  return OkStatus();
}

Result<bool> PostgresStore::FinishIssuanceIf(const acme::CertificateRecord& cert,
                                             const acme::Order& order, ObjStatus expected) {
  return FinishIssuanceWrite(cert, order, expected);
}

Result<bool> PostgresStore::FinishIssuanceWrite(const acme::CertificateRecord& cert,
                                                const acme::Order& order,
                                                std::optional<ObjStatus> expected) {
  // One statement (its own transaction, one round trip, where BEGIN, three
  // writes and COMMIT took five): the order's update, the certificate and
  // the issued name set commit together or not at all. With `expected`, the
  // inserts take their one row from the order's update ("FROM o"): a
  // finisher that lost the race to a concurrent one (which the row lock
  // makes it wait for, then re-check the status) writes nothing.
  Params p = OrderParams(order);  // $1 ... $15
  p.Add(cert.serial).Add(cert.account_id).Add(cert.order_id).AddBytes(cert.der)  // $16 ... $19
      .Add(ToUnix(cert.not_before)).Add(ToUnix(cert.not_after))                  // $20, $21
      .Add(ToUnix(cert.issued_at)).Add(int64_t(cert.crl_shard)).Add(cert.profile)  // $22 ... $24
      .Add(IdentifierSetKey(order.identifiers));                                 // $25
  if (expected) p.Add(acme::StatusName(*expected));                              // $26
#define CERT_VALUES                                                                   \
  "$16::TEXT, $17::TEXT, $18::TEXT, '', $19::BYTEA, $20::BIGINT, $21::BIGINT, "       \
  "$22::BIGINT, $23::BIGINT, $24::TEXT"
#define CERT_INSERT                                                                   \
  "INSERT INTO certificates (serial, account_id, order_id, chain_pem, der, not_before, " \
  "not_after, issued_at, crl_shard, profile) "
#define NAMES_INSERT "INSERT INTO issued_name_sets (account_id, names, not_after) "
#define NAMES_UPSERT                                                                  \
  " ON CONFLICT (account_id, names) DO UPDATE SET "                                   \
  "not_after = GREATEST(issued_name_sets.not_after, EXCLUDED.not_after)"
  const char* sql =
      expected ? "WITH o AS (UPDATE orders SET " ORDER_SET " WHERE id = $15 AND status = $26 "
                 "RETURNING id), "
                 "c AS (" CERT_INSERT "SELECT " CERT_VALUES " FROM o), "
                 "n AS (" NAMES_INSERT "SELECT $17::TEXT, $25::TEXT, $21::BIGINT FROM o"
                 NAMES_UPSERT ") SELECT count(*) FROM o"
               : "WITH o AS (UPDATE orders SET " ORDER_SET " WHERE id = $15 RETURNING id), "
                 "c AS (" CERT_INSERT "VALUES (" CERT_VALUES ")), "
                 "n AS (" NAMES_INSERT "VALUES ($17::TEXT, $25::TEXT, $21::BIGINT)"
                 NAMES_UPSERT ") SELECT count(*) FROM o";
#undef CERT_VALUES
#undef CERT_INSERT
#undef NAMES_INSERT
#undef NAMES_UPSERT
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<bool> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(sql, p));
    return !expected || r.Int(0, 0) == 1;
  });
}

Result<std::vector<std::string>> PostgresStore::ListIds(const std::string& sql,
                                                       const std::string& arg) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::vector<std::string>> {
    Params p;
    if (!arg.empty()) p.Add(arg);
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(sql, p));
    std::vector<std::string> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(r.Text(i, 0));
    return out;
  });
}

Result<std::vector<std::string>> PostgresStore::ListAuthorizationsBeingValidated() {
  return ListIds(
      "SELECT id FROM authorizations WHERE status = 'pending' AND "
      "challenges LIKE '%\"status\":\"processing\"%'",
      "");
}

Result<std::vector<std::string>> PostgresStore::ListOrdersWithStatus(ObjStatus status) {
  return ListIds("SELECT id FROM orders WHERE status = $1", std::string(acme::StatusName(status)));
}

Result<bool> PostgresStore::HasValidAuthorization(const std::string& account_id,
                                                  const acme::Identifier& id,
                                                  acme::TimePoint now) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<bool> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
        "SELECT 1 FROM authorizations WHERE account_id = $1 AND ident_value = $2 AND "
        "ident_type = $3 AND status = 'valid' AND expires > $4 LIMIT 1",
        Params().Add(account_id).Add(id.value).Add(id.type).Add(ToUnix(now))));
    return !r.empty();
  });
}

Result<std::optional<acme::Authorization>> PostgresStore::FindValidAuthorization(
    const std::string& account_id, const acme::Identifier& id, bool wildcard,
    acme::TimePoint now) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::optional<acme::Authorization>> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
        "SELECT " AUTHZ_COLUMNS " FROM authorizations WHERE account_id = $1 AND "
        "ident_value = $2 AND ident_type = $3 AND wildcard = $4 AND status = 'valid' AND "
        "expires > $5 ORDER BY expires DESC LIMIT 1",
        Params().Add(account_id).Add(id.value).Add(id.type).Add(int64_t(wildcard))
            .Add(ToUnix(now))));
    return ReadAuthorization(r);
  });
}

}  // namespace signet::storage
