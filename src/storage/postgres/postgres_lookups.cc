// PostgresStore: lookups of authorizations and certificates, and the lists
// that recovery after a restart walks.
#include "storage/codec.h"
#include "storage/postgres/postgres_store.h"

namespace signet::storage {

using acme::ObjStatus;
using pg::Params;
using pg::Rows;

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
