// PostgresStore: the operator's queries (signetd admin accounts,
// certificates, counts), rate-limit buckets and overrides, and issued name
// sets (migration 0009).
#include <algorithm>
#include <cstdint>

#include "storage/codec.h"
#include "storage/postgres/postgres_store.h"

namespace signet::storage {

using pg::Params;
using pg::Rows;

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

// A WHERE clause built from the filters that are set ("$?" numbered in
// order), and their values.
struct Filter {
  std::string sql;
  Params params;
  void Add(const std::string& condition, const std::string& value) {
    if (value.empty()) return;
    std::string numbered = condition;
    numbered.replace(numbered.find("$?"), 2, "$" + std::to_string(params.size() + 1));
    sql += (sql.empty() ? " WHERE " : " AND ") + numbered;
    params.Add(value);
  }
  std::string Limit(size_t limit) {
    params.Add(int64_t(limit));
    return " LIMIT $" + std::to_string(params.size());
  }
};

}  // namespace

Result<std::vector<acme::Account>> PostgresStore::FindAccounts(const AccountQuery& q) {
  Filter f;
  f.Add("id = $?", q.id);
  if (!q.contact_substring.empty())
    f.Add("contacts ILIKE '%' || $? || '%' ESCAPE '\\'", LikeLiteral(q.contact_substring));
  f.Add("thumbprint = $?", q.thumbprint);
  f.Add("(created_at, id) > (SELECT created_at, id FROM accounts WHERE id = $?)", q.after_id);
  std::string sql = "SELECT id, thumbprint, jwk, contacts, status, tos_agreed, created_at "
                    "FROM accounts" + f.sql + " ORDER BY created_at, id";
  sql += f.Limit(q.limit);
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::vector<acme::Account>> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(sql, f.params));
    std::vector<acme::Account> out;
    for (int i = 0; i < r.size(); ++i) {
      SIGNET_ASSIGN_OR_RETURN(acme::Account a, ReadAccountRow(r, i));
      out.push_back(std::move(a));
    }
    return out;
  });
}

namespace {

const char* const kSummaryColumns =
    "c.serial, c.account_id, c.order_id, c.issued_at, c.not_after, c.revoked_at, "
    "c.revoked_reason, c.profile, o.identifiers";

// Rows of kSummaryColumns.
Result<std::vector<CertificateSummary>> ReadSummaries(const Rows& r) {
  std::vector<CertificateSummary> out;
  for (int i = 0; i < r.size(); ++i) {
    CertificateSummary s;
    s.serial = r.Text(i, 0);
    s.account_id = r.Text(i, 1);
    s.order_id = r.Text(i, 2);
    s.issued_at = FromUnix(r.Int(i, 3));
    s.not_after = FromUnix(r.Int(i, 4));
    if (!r.IsNull(i, 5)) {
      s.revoked_at = FromUnix(r.Int(i, 5));
      s.revoked_reason = int(r.Int(i, 6));
    }
    s.profile = r.Text(i, 7);
    SIGNET_ASSIGN_OR_RETURN(s.identifiers, DecodeIdentifiers(r.Text(i, 8)));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

Result<std::vector<CertificateSummary>> PostgresStore::FindCertificates(
    const CertificateQuery& q) {
  Filter f;
  f.Add("c.serial = $?", q.serial);
  f.Add("c.account_id = $?", q.account_id);
  f.Add("EXISTS (SELECT 1 FROM jsonb_array_elements(o.identifiers::jsonb) j "
        "WHERE j->>'value' = $?)", q.name);
  f.Add("(c.issued_at, c.serial) > (SELECT issued_at, serial FROM certificates WHERE serial = $?)",
        q.after_serial);
  std::string sql = std::string("SELECT ") + kSummaryColumns +
                    " FROM certificates c JOIN orders o ON o.id = c.order_id" + f.sql +
                    " ORDER BY c.issued_at, c.serial";
  sql += f.Limit(q.limit);
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::vector<CertificateSummary>> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(sql, f.params));
    return ReadSummaries(r);
  });
}

Result<std::vector<CertificateSummary>> PostgresStore::RecentRevocations(size_t limit) {
  // The feed's primary key, read backwards: `limit` rows, whatever its size.
  const std::string sql = std::string("SELECT ") + kSummaryColumns +
                          " FROM revocation_log r JOIN certificates c ON c.serial = r.serial"
                          " JOIN orders o ON o.id = c.order_id ORDER BY r.seq DESC LIMIT $1";
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::vector<CertificateSummary>> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(sql, Params().Add(int64_t(limit))));
    return ReadSummaries(r);
  });
}

Result<StoreCounts> PostgresStore::Counts(acme::TimePoint now) {
  // One statement over every table: one snapshot, one round trip.
  static const char* kSql =
      "SELECT 'accounts:' || status, COUNT(*) FROM accounts GROUP BY status "
      "UNION ALL SELECT 'orders:' || status, COUNT(*) FROM orders GROUP BY status "
      "UNION ALL SELECT 'certificates:' || CASE WHEN revoked_at IS NOT NULL THEN 'revoked' "
      "  WHEN not_after <= $1 THEN 'expired' ELSE 'valid' END, COUNT(*) FROM certificates "
      "  GROUP BY 1 "
      "UNION ALL SELECT 'authorizations:pending', COUNT(*) FROM authorizations "
      "  WHERE status = 'pending' AND expires > $1 "
      "UNION ALL SELECT CASE WHEN account_id IS NULL THEN 'eab:unbound' ELSE 'eab:bound' END, "
      "  COUNT(*) FROM eab_keys GROUP BY 1 "
      "UNION ALL SELECT 'paused', COUNT(*) FROM paused "
      "  WHERE paused_at IS NOT NULL AND unpaused_at IS NULL";
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<StoreCounts> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(kSql, Params().Add(ToUnix(now))));
    StoreCounts s;
    for (int i = 0; i < r.size(); ++i) {
      std::string k = r.Text(i, 0);
      int64_t n = r.Int(i, 1);
      if (k == "accounts:valid") s.accounts_valid += n;
      else if (k.rfind("accounts:", 0) == 0) s.accounts_deactivated += n;
      else if (k == "orders:pending") s.orders_pending += n;
      else if (k == "orders:ready") s.orders_ready += n;
      else if (k == "orders:processing") s.orders_processing += n;
      else if (k == "orders:valid") s.orders_valid += n;
      else if (k.rfind("orders:", 0) == 0) s.orders_invalid += n;
      else if (k == "certificates:revoked") s.certificates_revoked += n;
      else if (k == "certificates:expired") s.certificates_expired += n;
      else if (k == "certificates:valid") s.certificates_valid += n;
      else if (k == "authorizations:pending") s.authorizations_pending = n;
      else if (k == "eab:unbound") s.eab_keys_unbound += n;
      else if (k == "eab:bound") s.eab_keys_bound += n;
      else if (k == "paused") s.paused_pairs = n;
    }
    return s;
  });
}

Status PostgresStore::UpdateRateLimitBuckets(const std::vector<std::string>& keys,
                                             const RateLimitDecider& decide) {
  return pg::Transact(pool_, [&](pg::Conn& c) -> Status {
    // A bucket not yet spent has no row to lock with FOR UPDATE: lock each
    // key instead (transaction-scoped advisory locks, taken in one order so
    // two requests never wait on each other crosswise). Every instance
    // spending a bucket waits here for the one before it to commit.
    SIGNET_RETURN_IF_ERROR(c.Exec(
        "SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(k, 0) AS h "
        "FROM unnest($1::TEXT[]) AS k) AS keys ORDER BY h",
        Params().Add(pg::TextArray(keys))));
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
        "SELECT bucket_key, tat, interval_ns FROM rate_limits WHERE bucket_key = ANY($1::TEXT[])",
        Params().Add(pg::TextArray(keys))));
    RateLimitBuckets stored;
    for (int i = 0; i < r.size(); ++i) stored[r.Text(i, 0)] = {r.Int(i, 1), r.Int(i, 2)};
    std::vector<std::string> gone, keys_out;
    std::vector<std::string> tats, intervals;
    for (const auto& [key, bucket] : decide(stored)) {
      if (bucket.tat_ns == 0) {
        gone.push_back(key);
        continue;
      }
      keys_out.push_back(key);
      tats.push_back(std::to_string(bucket.tat_ns));
      intervals.push_back(std::to_string(bucket.interval_ns));
    }
    if (!gone.empty())
      SIGNET_RETURN_IF_ERROR(c.Exec("DELETE FROM rate_limits WHERE bucket_key = ANY($1::TEXT[])",
                                    Params().Add(pg::TextArray(gone))));
    if (!keys_out.empty())
      SIGNET_RETURN_IF_ERROR(c.Exec(
          "INSERT INTO rate_limits (bucket_key, tat, interval_ns) "
          "SELECT * FROM unnest($1::TEXT[], $2::BIGINT[], $3::BIGINT[]) "
          "ON CONFLICT (bucket_key) DO UPDATE SET tat = EXCLUDED.tat, "
          "interval_ns = EXCLUDED.interval_ns",
          Params().Add(pg::TextArray(keys_out)).Add(pg::TextArray(tats)).Add(pg::TextArray(intervals))));
    return OkStatus();
  });
}

Result<int64_t> PostgresStore::PruneRateLimitBuckets(int64_t before_ns) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<int64_t> {
    SIGNET_ASSIGN_OR_RETURN(
        Rows r, c.Exec("DELETE FROM rate_limits WHERE tat < $1", Params().Add(before_ns)));
    return r.Affected();
  });
}

Result<bool> PostgresStore::HasCertificateForNames(const std::string& account_id,
                                                   const std::string& identifier_set,
                                                   acme::TimePoint now) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<bool> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
        "SELECT 1 FROM issued_name_sets WHERE account_id = $1 AND names = $2 AND not_after > $3",
        Params().Add(account_id).Add(identifier_set).Add(ToUnix(now))));
    return !r.empty();
  });
}

Result<std::vector<RateLimitOverride>> PostgresStore::ListRateLimitOverrides() {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::vector<RateLimitOverride>> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
        "SELECT limit_name, key, count, period_s, created_at FROM rate_limit_overrides "
        "ORDER BY limit_name, key"));
    std::vector<RateLimitOverride> out;
    for (int i = 0; i < r.size(); ++i)
      out.push_back({r.Text(i, 0), r.Text(i, 1), r.Int(i, 2), r.Int(i, 3), FromUnix(r.Int(i, 4))});
    return out;
  });
}

Status PostgresStore::SetRateLimitOverride(const RateLimitOverride& o) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Status {
    return c.Run(
        "INSERT INTO rate_limit_overrides (limit_name, key, count, period_s, created_at) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (limit_name, key) DO UPDATE SET "
        "count = EXCLUDED.count, period_s = EXCLUDED.period_s, created_at = EXCLUDED.created_at",
        Params().Add(o.limit).Add(o.key).Add(o.count).Add(o.period_seconds)
            .Add(ToUnix(o.created_at)));
  });
}

Result<bool> PostgresStore::RemoveRateLimitOverride(const std::string& limit,
                                                    const std::string& key) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<bool> {
    SIGNET_ASSIGN_OR_RETURN(
        Rows r, c.Exec("DELETE FROM rate_limit_overrides WHERE limit_name = $1 AND key = $2",
                       Params().Add(limit).Add(key)));
    return r.Affected() > 0;
  });
}

}  // namespace signet::storage

namespace signet::storage {

Result<bool> PostgresStore::RedeemNonce(const std::string& id, acme::TimePoint expires_at) {
  // One statement: the primary key decides which of two instances redeeming
  // the same nonce at once wins. Its commit does not wait for the WAL flush
  // (synchronous_commit off for this transaction only, set in the same
  // statement): a redemption is on every request, and a crash of the server
  // (not a clean restart) forgets at most the last fraction of a second of
  // them, as an in-memory nonce service forgets all at a restart.
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<bool> {
    SIGNET_ASSIGN_OR_RETURN(pg::Rows r, c.Exec(
        "WITH async AS (SELECT set_config('synchronous_commit', 'off', true)) "
        "INSERT INTO redeemed_nonces (id, expires_at) SELECT $1::TEXT, $2::BIGINT FROM async "
        "ON CONFLICT DO NOTHING",
        pg::Params().Add(id).Add(ToUnix(expires_at))));
    return r.Affected() == 1;
  });
}

Result<int64_t> PostgresStore::PruneRedeemedNonces(acme::TimePoint now) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<int64_t> {
    SIGNET_ASSIGN_OR_RETURN(pg::Rows r, c.Exec("DELETE FROM redeemed_nonces WHERE expires_at < $1",
                                               pg::Params().Add(ToUnix(now))));
    return r.Affected();
  });
}

Result<std::string> PostgresStore::SharedNonceKey(const std::string& candidate) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::string> {
    // Two instances starting at once: the primary key keeps the first.
    SIGNET_ASSIGN_OR_RETURN(
        pg::Rows inserted,
        c.Exec("INSERT INTO nonce_key (id, key) VALUES (1, $1) ON CONFLICT DO NOTHING",
               pg::Params().Add(candidate)));
    (void)inserted;
    SIGNET_ASSIGN_OR_RETURN(pg::Rows r, c.Exec("SELECT key FROM nonce_key WHERE id = 1"));
    if (r.empty()) return Error(ErrorCode::kServerInternal, "the nonce key was not stored");
    return r.Text(0, 0);
  });
}

}  // namespace signet::storage
