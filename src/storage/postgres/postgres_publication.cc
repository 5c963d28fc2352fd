// PostgresStore: revocation, its change feed, blocked keys, CRL numbers,
// renewal windows, serials recorded before signing, and external account
// binding keys.
#include "storage/codec.h"
#include "storage/postgres/postgres_store.h"

namespace signet::storage {

using pg::Params;
using pg::Rows;

Result<bool> PostgresStore::RevokeCertificate(const std::string& serial, int reason,
                                              acme::TimePoint when) {
  return pg::Transact(pool_, [&](pg::Conn& c) -> Result<bool> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
        "UPDATE certificates SET revoked_at = $1, revoked_reason = $2 "
        "WHERE serial = $3 AND revoked_at IS NULL RETURNING crl_shard",
        Params().Add(ToUnix(when)).Add(int64_t(reason)).Add(serial)));
    if (r.empty()) return false;
    // Followers read the log by "seq > last seen": one writer at a time
    // (until its commit) makes the sequence's order the commits' order, so
    // no revocation is committed behind a number already read.
    SIGNET_RETURN_IF_ERROR(c.Exec("SELECT pg_advisory_xact_lock(hashtextextended('revocation_log', 0))"));
    SIGNET_RETURN_IF_ERROR(c.Exec(
        "INSERT INTO revocation_log (serial, crl_shard, revoked_at) VALUES ($1, $2, $3)",
        Params().Add(serial).Add(r.Int(0, 0)).Add(ToUnix(when))));
    return true;
  });
}

Result<std::vector<acme::RevokedCertificate>> PostgresStore::ListRevokedInShard(
    int shard, acme::TimePoint now) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::vector<acme::RevokedCertificate>> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
        "SELECT serial, revoked_at, revoked_reason FROM certificates "
        "WHERE crl_shard = $1 AND revoked_at IS NOT NULL AND not_after > $2",
        Params().Add(int64_t(shard)).Add(ToUnix(now))));
    std::vector<acme::RevokedCertificate> out;
    for (int i = 0; i < r.size(); ++i)
      out.push_back({r.Text(i, 0), FromUnix(r.Int(i, 1)), int(r.Int(i, 2))});
    return out;
  });
}

Result<int> PostgresStore::MaxCrlShard() {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<int> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec("SELECT MAX(crl_shard) FROM certificates"));
    return r.IsNull(0, 0) ? -1 : int(r.Int(0, 0));
  });
}

Result<std::vector<acme::RevocationEvent>> PostgresStore::RevocationsSince(int64_t after_sequence,
                                                                           size_t limit) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::vector<acme::RevocationEvent>> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
        "SELECT seq, serial, crl_shard FROM revocation_log WHERE seq > $1 ORDER BY seq LIMIT $2",
        Params().Add(after_sequence).Add(int64_t(limit))));
    std::vector<acme::RevocationEvent> out;
    for (int i = 0; i < r.size(); ++i) out.push_back({r.Int(i, 0), r.Text(i, 1), int(r.Int(i, 2))});
    return out;
  });
}

Result<bool> PostgresStore::IsKeyBlocked(const std::string& spki_sha256_hex) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<bool> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec("SELECT 1 FROM blocked_keys WHERE spki_sha256 = $1",
                                           Params().Add(spki_sha256_hex)));
    return !r.empty();
  });
}

Status PostgresStore::BlockKey(const std::string& spki_sha256_hex, const std::string& serial,
                               acme::TimePoint when) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Status {
    return c.Run("INSERT INTO blocked_keys (spki_sha256, added_at, serial) VALUES ($1, $2, $3) "
                  "ON CONFLICT DO NOTHING",
                  Params().Add(spki_sha256_hex).Add(ToUnix(when)).Add(serial));
  });
}

Result<bool> PostgresStore::ReplacementExists(pg::Conn& c, const std::string& serial) {
  SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
      "SELECT 1 FROM orders WHERE replaces_serial = $1 AND status != 'invalid' LIMIT 1",
      Params().Add(serial)));
  return !r.empty();
}

Result<bool> PostgresStore::HasReplacementOrder(const std::string& serial) {
  return pg::WithConn(pool_, [&](pg::Conn& c) { return ReplacementExists(c, serial); });
}

Result<bool> PostgresStore::SetRenewalWindow(const std::string& serial,
                                             std::optional<acme::TimePoint> start,
                                             std::optional<acme::TimePoint> end,
                                             const std::string& explanation_url) {
  if (start.has_value() != end.has_value())
    return Error(ErrorCode::kMalformed, "a renewal window needs both a start and an end");
  std::optional<int64_t> from, to;
  if (start) from = ToUnix(*start), to = ToUnix(*end);
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<bool> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
        "UPDATE certificates SET ari_start = $1, ari_end = $2, ari_explanation = $3 "
        "WHERE serial = $4",
        Params().Add(from).Add(to).AddNullable(explanation_url).Add(serial)));
    return r.Affected() == 1;
  });
}

Result<int64_t> PostgresStore::NextCrlNumber(int shard) {
  // One statement: the upsert locks the shard's row, so two instances never
  // get the same number.
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<int64_t> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
        "INSERT INTO crl_numbers (shard, number) VALUES ($1, 1) ON CONFLICT (shard) "
        "DO UPDATE SET number = crl_numbers.number + 1 RETURNING number",
        Params().Add(int64_t(shard))));
    return r.Int(0, 0);
  });
}

Status PostgresStore::AddSerial(const SerialRecord& rec) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Status {
    return c.Run("INSERT INTO serials (serial, order_id, account_id, tbs_der, created_at) "
                  "VALUES ($1, $2, $3, $4, $5)",
                  Params().Add(rec.serial).Add(rec.order_id).Add(rec.account_id)
                      .AddBytes(rec.tbs_der).Add(ToUnix(rec.created_at)));
  });
}

Status PostgresStore::AddPrecertificate(const std::string& serial, const std::string& der) {
  // Committed (synchronous_commit on) before any log sees it: a serial
  // submitted is a serial used.
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Status {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
        "UPDATE serials SET precertificate_der = $1 WHERE serial = $2",
        Params().AddBytes(der).Add(serial)));
    if (r.Affected() != 1)
      return Error(ErrorCode::kNotFound, "serial " + serial + " was never recorded");
    return OkStatus();
  });
}

Result<std::optional<SerialRecord>> PostgresStore::GetSerial(const std::string& serial) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::optional<SerialRecord>> {
    SIGNET_ASSIGN_OR_RETURN(Rows r, c.Exec(
        "SELECT serial, order_id, account_id, tbs_der, created_at, precertificate_der "
        "FROM serials WHERE serial = $1",
        Params().Add(serial)));
    if (r.empty()) return std::optional<SerialRecord>();
    SerialRecord rec{r.Text(0, 0), r.Text(0, 1), r.Text(0, 2), r.Bytes(0, 3),
                     FromUnix(r.Int(0, 4))};
    if (!r.IsNull(0, 5)) rec.precertificate_der = r.Bytes(0, 5);
    return std::optional<SerialRecord>(std::move(rec));
  });
}

namespace {

#define EAB_COLUMNS "kid, hmac_key, created_at, account_id, bound_at"

EabKey ReadEabKey(const Rows& r, int i) {
  EabKey k;
  k.kid = r.Text(i, 0);
  k.hmac_key = r.Bytes(i, 1);
  k.created_at = FromUnix(r.Int(i, 2));
  k.account_id = r.Text(i, 3);
  if (!r.IsNull(i, 4)) k.bound_at = FromUnix(r.Int(i, 4));
  return k;
}

}  // namespace

Result<std::optional<EabKey>> PostgresStore::GetEabKey(const std::string& kid) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::optional<EabKey>> {
    SIGNET_ASSIGN_OR_RETURN(
        Rows r, c.Exec("SELECT " EAB_COLUMNS " FROM eab_keys WHERE kid = $1", Params().Add(kid)));
    if (r.empty()) return std::optional<EabKey>();
    return std::optional<EabKey>(ReadEabKey(r, 0));
  });
}

Result<std::vector<EabKey>> PostgresStore::ListEabKeys() {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Result<std::vector<EabKey>> {
    SIGNET_ASSIGN_OR_RETURN(
        Rows r, c.Exec("SELECT " EAB_COLUMNS " FROM eab_keys ORDER BY created_at, kid"));
    std::vector<EabKey> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(ReadEabKey(r, i));
    return out;
  });
}

Status PostgresStore::AddEabKey(const EabKey& k) {
  return pg::WithConn(pool_, [&](pg::Conn& c) -> Status {
    return c.Run("INSERT INTO eab_keys (kid, hmac_key, created_at) VALUES ($1, $2, $3)",
                  Params().Add(k.kid).AddBytes(k.hmac_key).Add(ToUnix(k.created_at)));
  });
}

Status PostgresStore::CreateAccountWithEab(const acme::Account& a, const std::string& kid) {
  return pg::Transact(pool_, [&](pg::Conn& c) -> Status {
    SIGNET_RETURN_IF_ERROR(InsertAccount(c, a));
    // The compare-and-set that makes a key bind one account: a second
    // request waits on the row lock, then finds account_id set.
    SIGNET_ASSIGN_OR_RETURN(Rows claim, c.Exec(
        "UPDATE eab_keys SET account_id = $1, bound_at = $2 WHERE kid = $3 AND account_id IS NULL",
        Params().Add(a.id).Add(ToUnix(a.created_at)).Add(kid)));
    if (claim.Affected() == 1) return OkStatus();
    SIGNET_ASSIGN_OR_RETURN(Rows known,
                            c.Exec("SELECT 1 FROM eab_keys WHERE kid = $1", Params().Add(kid)));
    if (known.empty())
      return Error(ErrorCode::kUnauthorized,
                   "EAB key \"" + kid + "\" is not known to this CA; ask its operator for one");
    return Error(ErrorCode::kUnauthorized,
                 "EAB key already used: \"" + kid + "\" is bound to another account; ask the "
                 "CA's operator for a new one");
  });
}

}  // namespace signet::storage
