// SqliteStore: the operator's queries (signetd admin accounts, certificates,
// counts). They run on the read connections, so a running signetd never
// waits for them. Lookups by account id, thumbprint or serial use the
// tables' keys; a search by contact or by name, and the counts, read the
// whole table (operator queries, bounded by their limit where they list).
#include "storage/codec.h"
#include "storage/sqlite/sqlite_store.h"

namespace signet::storage {

namespace {

// `text` for a LIKE pattern with ESCAPE '\': its own wildcards matched literally.
std::string LikeLiteral(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// A WHERE clause built from the filters that are set, and their values in
// parameter order.
struct Filter {
  std::string sql;
  std::vector<std::string> args;
  void Add(const std::string& condition, const std::string& value) {
    if (value.empty()) return;
    sql += (sql.empty() ? " WHERE " : " AND ") + condition;
    args.push_back(value);
  }
};

Status BindAll(sqlite::Stmt& s, const Filter& f, size_t limit) {
  int i = 1;
  for (const std::string& a : f.args) s.Bind(i++, a);
  s.Bind(i, int64_t(limit));
  return OkStatus();
}

// The columns ReadSummaries reads, of certificates c joined with orders o.
constexpr std::string_view kSummaryColumns =
    "c.serial, c.account_id, c.order_id, c.issued_at, c.not_after, c.revoked_at, "
    "c.revoked_reason, c.profile, o.identifiers";

Result<std::vector<CertificateSummary>> ReadSummaries(sqlite::Db& db, sqlite::Stmt& s,
                                                      const char* what) {
  std::vector<CertificateSummary> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    CertificateSummary c;
    c.serial = s.Text(0);
    c.account_id = s.Text(1);
    c.order_id = s.Text(2);
    c.issued_at = FromUnix(s.Int(3));
    c.not_after = FromUnix(s.Int(4));
    if (!s.IsNull(5)) {
      c.revoked_at = FromUnix(s.Int(5));
      c.revoked_reason = int(s.Int(6));
    }
    c.profile = s.Text(7);
    SIGNET_ASSIGN_OR_RETURN(c.identifiers, DecodeIdentifiers(s.Text(8)));
    out.push_back(std::move(c));
  }
  if (rc != SQLITE_DONE) return db.LastError(what);
  return out;
}

// Holds a read transaction on a read connection: every statement in it sees
// the same committed state.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(sqlite::Db& db) : db_(db), begun_(db.Exec("BEGIN").ok()) {}
  ~ReadSnapshot() {
    if (begun_) (void)db_.Exec("COMMIT");
  }
  bool begun() const { return begun_; }

 private:
  sqlite::Db& db_;
  bool begun_;
};

// Runs `sql` (a SELECT of (key, count) rows, `now` bound to every ?1 it
// has) and calls `take(key, count)` for each row.
template <typename F>
Status CountRows(sqlite::Db& db, const std::string& sql, int64_t now, F take) {
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db.Prepare(sql));
  if (sql.find("?1") != std::string::npos) s.Bind(1, now);
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) take(s.Text(0), s.Int(1));
  if (rc != SQLITE_DONE) return db.LastError("count");
  return OkStatus();
}

}  // namespace

Result<std::vector<acme::Account>> SqliteStore::FindAccounts(const AccountQuery& q) {
  Filter f;
  f.Add("id = ?", q.id);
  if (!q.contact_substring.empty())
    f.Add("contacts LIKE '%' || ? || '%' ESCAPE '\\'", LikeLiteral(q.contact_substring));
  f.Add("thumbprint = ?", q.thumbprint);
  f.Add("(created_at, id) > (SELECT created_at, id FROM accounts WHERE id = ?)", q.after_id);
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db->Prepare(
      "SELECT id, thumbprint, jwk, contacts, status, tos_agreed, created_at FROM accounts" +
      f.sql + " ORDER BY created_at, id LIMIT ?"));
  SIGNET_RETURN_IF_ERROR(BindAll(s, f, q.limit));
  std::vector<acme::Account> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    acme::Account a;
    a.id = s.Text(0);
    a.thumbprint = s.Text(1);
    a.jwk_json = s.Text(2);
    SIGNET_ASSIGN_OR_RETURN(a.contacts, DecodeStrings(s.Text(3)));
    a.status = acme::ParseStatus(s.Text(4)).value_or(acme::ObjStatus::kDeactivated);
    a.tos_agreed = s.Int(5) != 0;
    a.created_at = FromUnix(s.Int(6));
    out.push_back(std::move(a));
  }
  if (rc != SQLITE_DONE) return db->LastError("find accounts");
  return out;
}

Result<std::vector<CertificateSummary>> SqliteStore::FindCertificates(const CertificateQuery& q) {
  Filter f;
  f.Add("c.serial = ?", q.serial);
  f.Add("c.account_id = ?", q.account_id);
  f.Add("EXISTS (SELECT 1 FROM json_each(o.identifiers) j "
        "WHERE json_extract(j.value, '$.value') = ?)", q.name);
  f.Add("(c.issued_at, c.serial) > (SELECT issued_at, serial FROM certificates WHERE serial = ?)",
        q.after_serial);
  auto db = reads_->Acquire();
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db->Prepare(
      "SELECT " + std::string(kSummaryColumns) +
      " FROM certificates c JOIN orders o ON o.id = c.order_id" + f.sql +
      " ORDER BY c.issued_at, c.serial LIMIT ?"));
  SIGNET_RETURN_IF_ERROR(BindAll(s, f, q.limit));
  return ReadSummaries(*db, s, "find certificates");
}

Result<std::vector<CertificateSummary>> SqliteStore::RecentRevocations(size_t limit) {
  auto db = reads_->Acquire();
  // The feed's primary key, read backwards: `limit` rows, whatever its size.
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db->Prepare(
      "SELECT " + std::string(kSummaryColumns) +
      " FROM revocation_log r JOIN certificates c ON c.serial = r.serial"
      " JOIN orders o ON o.id = c.order_id ORDER BY r.seq DESC LIMIT ?"));
  s.Bind(1, int64_t(limit));
  return ReadSummaries(*db, s, "recent revocations");
}

Result<StoreCounts> SqliteStore::Counts(acme::TimePoint now) {
  auto db = reads_->Acquire();
  ReadSnapshot snapshot(*db);
  if (!snapshot.begun()) return db->LastError("begin read");
  int64_t t = ToUnix(now);
  StoreCounts c;
  SIGNET_RETURN_IF_ERROR(CountRows(
      *db, "SELECT status, COUNT(*) FROM accounts GROUP BY status", t,
      [&](const std::string& k, int64_t n) {
        (k == "valid" ? c.accounts_valid : c.accounts_deactivated) += n;
      }));
  SIGNET_RETURN_IF_ERROR(CountRows(
      *db, "SELECT status, COUNT(*) FROM orders GROUP BY status", t,
      [&](const std::string& k, int64_t n) {
        if (k == "pending") c.orders_pending += n;
        else if (k == "ready") c.orders_ready += n;
        else if (k == "processing") c.orders_processing += n;
        else if (k == "valid") c.orders_valid += n;
        else c.orders_invalid += n;
      }));
  SIGNET_RETURN_IF_ERROR(CountRows(
      *db,
      "SELECT CASE WHEN revoked_at IS NOT NULL THEN 'revoked' WHEN not_after <= ?1 THEN "
      "'expired' ELSE 'valid' END AS state, COUNT(*) FROM certificates GROUP BY state",
      t, [&](const std::string& k, int64_t n) {
        (k == "revoked" ? c.certificates_revoked
                        : k == "expired" ? c.certificates_expired : c.certificates_valid) += n;
      }));
  SIGNET_RETURN_IF_ERROR(CountRows(
      *db, "SELECT 'pending', COUNT(*) FROM authorizations WHERE status = 'pending' AND "
           "expires > ?1",
      t, [&](const std::string&, int64_t n) { c.authorizations_pending = n; }));
  SIGNET_RETURN_IF_ERROR(CountRows(
      *db, "SELECT account_id IS NULL, COUNT(*) FROM eab_keys GROUP BY account_id IS NULL", t,
      [&](const std::string& k, int64_t n) {
        (k == "1" ? c.eab_keys_unbound : c.eab_keys_bound) += n;
      }));
  SIGNET_RETURN_IF_ERROR(CountRows(
      *db, "SELECT 'paused', COUNT(*) FROM paused WHERE paused_at IS NOT NULL AND "
           "unpaused_at IS NULL",
      t, [&](const std::string&, int64_t n) { c.paused_pairs = n; }));
  return c;
}

}  // namespace signet::storage
