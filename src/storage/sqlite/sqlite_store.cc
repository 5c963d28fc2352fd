#include "storage/sqlite/sqlite_store.h"

#include "storage/codec.h"
#include "storage/migrations.h"

namespace signet::storage {

using acme::ObjStatus;
using Lock = std::lock_guard<std::mutex>;

namespace {

std::optional<int64_t> OptUnix(const std::optional<acme::TimePoint>& t) {
  if (!t) return std::nullopt;
  return ToUnix(*t);
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) {
  SIGNET_ASSIGN_OR_RETURN(auto db, sqlite::Db::Open(path));
  // Readers: the I/O threads, the validation workers and the publisher
  // rarely need more at once; a caller beyond them waits for one.
  constexpr size_t kReaders = 4;
  SIGNET_ASSIGN_OR_RETURN(auto reads, sqlite::ReadPool::Open(path, kReaders));
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(db), std::move(reads)));
  SIGNET_RETURN_IF_ERROR(store->Migrate());
  SIGNET_ASSIGN_OR_RETURN(store->checkpointer_, sqlite::Checkpointer::Start(*store->db_, path));
  return store;
}

Status SqliteStore::Migrate() {
  Lock lock(mu_);
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt v, db_->Prepare("PRAGMA user_version"));
  if (v.Step() != SQLITE_ROW) return db_->LastError("read schema version");
  size_t version = size_t(v.Int(0));
  for (size_t i = version; i < kSqliteMigrations.size(); ++i) {
    sqlite::Transaction tx(*db_);
    if (!tx.begun()) return db_->LastError("begin migration");
    SIGNET_RETURN_IF_ERROR(db_->Exec(kSqliteMigrations[i]));
    SIGNET_RETURN_IF_ERROR(db_->Exec("PRAGMA user_version=" + std::to_string(i + 1)));
    SIGNET_RETURN_IF_ERROR(tx.Commit());
  }
  return OkStatus();
}

Result<std::optional<acme::Account>> SqliteStore::QueryAccount(const std::string& sql,
                                                               const std::string& key) {
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db->Prepare(sql));
  s.Bind(1, key);
  int rc = s.Step();
  if (rc == SQLITE_DONE) return std::optional<acme::Account>();
  if (rc != SQLITE_ROW) return db->LastError("read account");
  acme::Account a;
  a.id = s.Text(0);
  a.thumbprint = s.Text(1);
  a.jwk_json = s.Text(2);
  SIGNET_ASSIGN_OR_RETURN(a.contacts, DecodeStrings(s.Text(3)));
  a.status = acme::ParseStatus(s.Text(4)).value_or(ObjStatus::kDeactivated);
  a.tos_agreed = s.Int(5) != 0;
  a.created_at = FromUnix(s.Int(6));
  return std::optional<acme::Account>(std::move(a));
}

#define ACCOUNT_COLUMNS "id, thumbprint, jwk, contacts, status, tos_agreed, created_at"

Result<std::optional<acme::Account>> SqliteStore::GetAccount(const std::string& id) {
  return QueryAccount("SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = ?", id);
}

Result<std::optional<acme::Account>> SqliteStore::GetAccountByThumbprint(const std::string& tp) {
  return QueryAccount("SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE thumbprint = ?", tp);
}

Status SqliteStore::CreateAccount(const acme::Account& a) {
  return Submit(sqlite::Durability::kFast, [&](sqlite::Db&) { return InsertAccount(a); });
}

Status SqliteStore::InsertAccount(const acme::Account& a) {
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
      "INSERT INTO accounts (" ACCOUNT_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?)"));
  s.Bind(1, a.id).Bind(2, a.thumbprint).Bind(3, a.jwk_json).Bind(4, EncodeStrings(a.contacts))
      .Bind(5, acme::StatusName(a.status)).Bind(6, int64_t(a.tos_agreed))
      .Bind(7, ToUnix(a.created_at));
  if (s.Step() == SQLITE_DONE) return OkStatus();
  if (db_->ExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE)  // the thumbprint (ids are random)
    return Error(ErrorCode::kMalformed,
                 "this key is already bound to an account; send newAccount again to find it");
  return db_->LastError("insert account");
}

Status SqliteStore::UpdateAccount(const acme::Account& a) {
  return Submit(sqlite::Durability::kFast, [&](sqlite::Db&) -> Status {
    SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
        "UPDATE accounts SET contacts = ?, tos_agreed = ? WHERE id = ?"));
    s.Bind(1, EncodeStrings(a.contacts)).Bind(2, int64_t(a.tos_agreed)).Bind(3, a.id);
    return db_->StepDone(s, "update account");
  });
}

Result<std::optional<acme::Order>> SqliteStore::GetOrder(const std::string& id) {
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db->Prepare(
      "SELECT id, account_id, status, expires, identifiers, authz_ids, not_before, not_after, "
      "error, cert_serial, created_at, csr, profile, replaces, replaces_serial "
      "FROM orders WHERE id = ?"));
  s.Bind(1, id);
  int rc = s.Step();
  if (rc == SQLITE_DONE) return std::optional<acme::Order>();
  if (rc != SQLITE_ROW) return db->LastError("read order");
  acme::Order o;
  o.id = s.Text(0);
  o.account_id = s.Text(1);
  o.status = acme::ParseStatus(s.Text(2)).value_or(ObjStatus::kInvalid);
  o.expires = FromUnix(s.Int(3));
  SIGNET_ASSIGN_OR_RETURN(o.identifiers, DecodeIdentifiers(s.Text(4)));
  SIGNET_ASSIGN_OR_RETURN(o.authorization_ids, DecodeStrings(s.Text(5)));
  if (!s.IsNull(6)) o.not_before = FromUnix(s.Int(6));
  if (!s.IsNull(7)) o.not_after = FromUnix(s.Int(7));
  if (!s.IsNull(8)) o.error = DecodeError(s.Text(8));
  o.certificate_serial = s.Text(9);
  o.created_at = FromUnix(s.Int(10));
  o.csr_der = s.Text(11);
  o.profile = s.Text(12);
  o.replaces = s.Text(13);
  o.replaces_serial = s.Text(14);
  return std::optional<acme::Order>(std::move(o));
}

Status SqliteStore::WriteOrder(const acme::Order& o, Write mode, ObjStatus expected) {
  const char* sql = nullptr;
  switch (mode) {
    case Write::kInsert:
      sql = "INSERT INTO orders (account_id, status, expires, identifiers, authz_ids, not_before, "
            "not_after, error, cert_serial, created_at, csr, profile, replaces, replaces_serial, "
            "id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
      break;
    case Write::kUpdate:
      sql = "UPDATE orders SET account_id = ?, status = ?, expires = ?, identifiers = ?, "
            "authz_ids = ?, not_before = ?, not_after = ?, error = ?, cert_serial = ?, "
            "created_at = ?, csr = ?, profile = ?, replaces = ?, replaces_serial = ? "
            "WHERE id = ?";
      break;
    case Write::kUpdateIfStatus:
      sql = "UPDATE orders SET account_id = ?, status = ?, expires = ?, identifiers = ?, "
            "authz_ids = ?, not_before = ?, not_after = ?, error = ?, cert_serial = ?, "
            "created_at = ?, csr = ?, profile = ?, replaces = ?, replaces_serial = ? "
            "WHERE id = ? AND status = ?";
      break;
  }
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(sql));
  s.Bind(1, o.account_id).Bind(2, acme::StatusName(o.status)).Bind(3, ToUnix(o.expires))
      .Bind(4, EncodeIdentifiers(o.identifiers)).Bind(5, EncodeStrings(o.authorization_ids))
      .Bind(6, OptUnix(o.not_before)).Bind(7, OptUnix(o.not_after))
      .BindNullable(8, o.error ? EncodeError(*o.error) : std::string())
      .BindNullable(9, o.certificate_serial).Bind(10, ToUnix(o.created_at))
      .BindNullable(11, o.csr_der).Bind(12, o.profile).BindNullable(13, o.replaces).BindNullable(14, o.replaces_serial)
      .Bind(15, o.id);
  if (mode == Write::kUpdateIfStatus) s.Bind(16, acme::StatusName(expected));
  return db_->StepDone(s, mode == Write::kInsert ? "insert order" : "update order");
}

Status SqliteStore::WriteAuthorization(const acme::Authorization& a, bool insert) {
  const char* sql = insert
      ? "INSERT INTO authorizations (account_id, ident_type, ident_value, status, expires, "
        "wildcard, challenges, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
      : "UPDATE authorizations SET account_id = ?, ident_type = ?, ident_value = ?, "
        "status = ?, expires = ?, wildcard = ?, challenges = ? WHERE id = ?";
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(sql));
  s.Bind(1, a.account_id).Bind(2, a.identifier.type).Bind(3, a.identifier.value)
      .Bind(4, acme::StatusName(a.status)).Bind(5, ToUnix(a.expires))
      .Bind(6, int64_t(a.wildcard)).Bind(7, EncodeChallenges(a.challenges)).Bind(8, a.id);
  return db_->StepDone(s, insert ? "insert authorization" : "update authorization");
}

Status SqliteStore::CreateOrder(const acme::Order& order,
                                const std::vector<acme::Authorization>& authzs) {
  return Submit(sqlite::Durability::kFast, [&](sqlite::Db&) -> Status {
    if (!order.replaces_serial.empty()) {
      SIGNET_ASSIGN_OR_RETURN(bool replaced, ReplacementExists(order.replaces_serial));
      if (replaced)
        return Error(ErrorCode::kAlreadyReplaced, "certificate " + order.replaces_serial +
                                                      " already has a replacement order");
    }
    for (const auto& a : authzs) SIGNET_RETURN_IF_ERROR(WriteAuthorization(a, true));
    return WriteOrder(order, Write::kInsert);
  });
}

Status SqliteStore::UpdateOrder(const acme::Order& order) {
  return Submit(sqlite::Durability::kFast,
                [&](sqlite::Db&) { return WriteOrder(order, Write::kUpdate); });
}

Result<bool> SqliteStore::UpdateOrderIf(const acme::Order& order, ObjStatus expected) {
  bool changed = false;
  SIGNET_RETURN_IF_ERROR(Submit(sqlite::Durability::kFast, [&](sqlite::Db&) -> Status {
    SIGNET_RETURN_IF_ERROR(WriteOrder(order, Write::kUpdateIfStatus, expected));
    changed = db_->Changes() == 1;
    return OkStatus();
  }));
  return changed;
}

Result<std::optional<acme::Authorization>> SqliteStore::GetAuthorization(const std::string& id) {
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db->Prepare(
      "SELECT id, account_id, ident_type, ident_value, status, expires, wildcard, challenges "
      "FROM authorizations WHERE id = ?"));
  s.Bind(1, id);
  return ReadAuthorization(*db, s);
}

Result<std::optional<acme::Authorization>> SqliteStore::ReadAuthorization(sqlite::Db& db,
                                                                          sqlite::Stmt& s) {
  int rc = s.Step();
  if (rc == SQLITE_DONE) return std::optional<acme::Authorization>();
  if (rc != SQLITE_ROW) return db.LastError("read authorization");
  acme::Authorization a;
  a.id = s.Text(0);
  a.account_id = s.Text(1);
  a.identifier = {s.Text(2), s.Text(3)};
  a.status = acme::ParseStatus(s.Text(4)).value_or(ObjStatus::kInvalid);
  a.expires = FromUnix(s.Int(5));
  a.wildcard = s.Int(6) != 0;
  SIGNET_ASSIGN_OR_RETURN(a.challenges, DecodeChallenges(s.Text(7)));
  return std::optional<acme::Authorization>(std::move(a));
}

Status SqliteStore::UpdateAuthorization(const acme::Authorization& authz) {
  return Submit(sqlite::Durability::kFast,
                [&](sqlite::Db&) { return WriteAuthorization(authz, false); });
}

Result<bool> SqliteStore::AuthorizationMeets(const std::string& id,
                                             const AuthorizationExpectation& expected) {
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
      "SELECT status, challenges FROM authorizations WHERE id = ?"));
  s.Bind(1, id);
  int rc = s.Step();
  if (rc == SQLITE_DONE) return false;
  if (rc != SQLITE_ROW) return db_->LastError("read authorization");
  if (acme::ParseStatus(s.Text(0)) != expected.status) return false;
  SIGNET_ASSIGN_OR_RETURN(std::vector<acme::Challenge> challenges, DecodeChallenges(s.Text(1)));
  bool found = expected.challenge_id.empty();
  for (const auto& c : challenges) {
    if (c.id == expected.challenge_id) {
      if (c.status != expected.challenge_status) return false;
      found = true;
    } else if (expected.no_other_processing && c.status == ObjStatus::kProcessing) {
      return false;
    }
  }
  return found;
}

Result<bool> SqliteStore::UpdateAuthorizationIf(const acme::Authorization& authz,
                                                const AuthorizationExpectation& expected) {
  bool written = false;
  SIGNET_RETURN_IF_ERROR(Submit(sqlite::Durability::kFast, [&](sqlite::Db&) -> Status {
    written = false;
    SIGNET_ASSIGN_OR_RETURN(bool meets, AuthorizationMeets(authz.id, expected));
    if (!meets) return OkStatus();  // nothing written
    SIGNET_RETURN_IF_ERROR(WriteAuthorization(authz, false));
    written = true;
    return OkStatus();
  }));
  return written;
}

Result<std::optional<acme::CertificateRecord>> SqliteStore::GetCertificate(
    const std::string& serial) {
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db->Prepare(
      "SELECT serial, account_id, order_id, der, not_before, not_after, issued_at, "
      "revoked_at, revoked_reason, crl_shard, profile, ari_start, ari_end, ari_explanation, "
      "chain_pem FROM certificates WHERE serial = ?"));
  s.Bind(1, serial);
  int rc = s.Step();
  if (rc == SQLITE_DONE) return std::optional<acme::CertificateRecord>();
  if (rc != SQLITE_ROW) return db->LastError("read certificate");
  acme::CertificateRecord c;
  c.serial = s.Text(0);
  c.account_id = s.Text(1);
  c.order_id = s.Text(2);
  if (!s.IsNull(3)) {
    c.der = s.Blob(3);
  } else {  // written before schema version 4
    SIGNET_ASSIGN_OR_RETURN(c.der, FirstCertDerOfPem(s.Text(14)));
  }
  c.not_before = FromUnix(s.Int(4));
  c.not_after = FromUnix(s.Int(5));
  c.issued_at = FromUnix(s.Int(6));
  if (!s.IsNull(7)) {
    c.revoked_at = FromUnix(s.Int(7));
    c.revoked_reason = int(s.Int(8));
  }
  c.crl_shard = int(s.Int(9));
  c.profile = s.Text(10);
  if (!s.IsNull(11) && !s.IsNull(12)) {
    c.ari_window_start = FromUnix(s.Int(11));
    c.ari_window_end = FromUnix(s.Int(12));
  }
  c.ari_explanation_url = s.Text(13);
  return std::optional<acme::CertificateRecord>(std::move(c));
}

Status SqliteStore::FinishIssuance(const acme::CertificateRecord& c, const acme::Order& order) {
  SIGNET_ASSIGN_OR_RETURN(bool written, FinishIssuanceWrite(c, order, std::nullopt));
  (void)written;
  return OkStatus();
}

Result<bool> SqliteStore::FinishIssuanceIf(const acme::CertificateRecord& c,
                                           const acme::Order& order, ObjStatus expected) {
  return FinishIssuanceWrite(c, order, expected);
}

Result<bool> SqliteStore::FinishIssuanceWrite(const acme::CertificateRecord& c,
                                              const acme::Order& order,
                                              std::optional<ObjStatus> expected) {
  bool written = false;
  // Durable: the certificate is on disk before the client is answered.
  SIGNET_RETURN_IF_ERROR(Submit(sqlite::Durability::kDurable, [&](sqlite::Db&) -> Status {
    written = false;
    if (expected) {  // the order first: another finisher's certificate stands alone
      SIGNET_RETURN_IF_ERROR(WriteOrder(order, Write::kUpdateIfStatus, *expected));
      if (db_->Changes() != 1) return OkStatus();  // nothing written
    }
    SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
        "INSERT INTO certificates (serial, account_id, order_id, chain_pem, der, not_before, "
        "not_after, issued_at, crl_shard, profile) VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, ?)"));
    s.Bind(1, c.serial).Bind(2, c.account_id).Bind(3, c.order_id).BindBlob(4, c.der)
        .Bind(5, ToUnix(c.not_before)).Bind(6, ToUnix(c.not_after)).Bind(7, ToUnix(c.issued_at))
        .Bind(8, int64_t(c.crl_shard)).Bind(9, c.profile);
    SIGNET_RETURN_IF_ERROR(db_->StepDone(s, "insert certificate"));
    if (!expected) SIGNET_RETURN_IF_ERROR(WriteOrder(order, Write::kUpdate));
    SIGNET_RETURN_IF_ERROR(RecordIssuedNameSet(c, order));
    written = true;
    return OkStatus();
  }));
  return written;
}

Result<std::vector<std::string>> SqliteStore::ListIds(const std::string& sql,
                                                     const std::string& arg) {
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db->Prepare(sql));
  if (!arg.empty()) s.Bind(1, arg);
  std::vector<std::string> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.push_back(s.Text(0));
  if (rc != SQLITE_DONE) return db->LastError("list");
  return out;
}

Result<std::vector<std::string>> SqliteStore::ListAuthorizationsBeingValidated() {
  return ListIds(
      "SELECT id FROM authorizations WHERE status = 'pending' AND "
      "challenges LIKE '%\"status\":\"processing\"%'",
      "");
}

Result<std::vector<std::string>> SqliteStore::ListOrdersWithStatus(ObjStatus status) {
  return ListIds("SELECT id FROM orders WHERE status = ?", std::string(acme::StatusName(status)));
}

Result<bool> SqliteStore::HasValidAuthorization(const std::string& account_id,
                                                const acme::Identifier& id, acme::TimePoint now) {
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db->Prepare(
      "SELECT 1 FROM authorizations WHERE account_id = ? AND ident_value = ? AND "
      "ident_type = ? AND status = 'valid' AND expires > ? LIMIT 1"));
  s.Bind(1, account_id).Bind(2, id.value).Bind(3, id.type).Bind(4, ToUnix(now));
  int rc = s.Step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db->LastError("find authorization");
  return rc == SQLITE_ROW;
}

Result<std::optional<acme::Authorization>> SqliteStore::FindValidAuthorization(
    const std::string& account_id, const acme::Identifier& id, bool wildcard,
    acme::TimePoint now) {
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db->Prepare(
      "SELECT id, account_id, ident_type, ident_value, status, expires, wildcard, challenges "
      "FROM authorizations WHERE account_id = ? AND ident_value = ? AND ident_type = ? AND "
      "wildcard = ? AND status = 'valid' AND expires > ? ORDER BY expires DESC LIMIT 1"));
  s.Bind(1, account_id).Bind(2, id.value).Bind(3, id.type).Bind(4, int64_t(wildcard))
      .Bind(5, ToUnix(now));
  return ReadAuthorization(*db, s);
}

}  // namespace signet::storage
