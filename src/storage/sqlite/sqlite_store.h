// Store on an embedded SQLite database (WAL mode) in the CA's data
// directory. One connection guarded by a mutex: SQLite allows one writer at a
// time anyway, and every call is a short transaction.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "storage/sqlite/db.h"
#include "storage/store.h"

namespace signet::storage {

class SqliteStore : public Store {
 public:
  // Opens (creating if needed) the database at `path` and applies pending
  // migrations.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);

  Result<std::optional<acme::Account>> GetAccount(const std::string& id) override;
  Result<std::optional<acme::Account>> GetAccountByThumbprint(const std::string& tp) override;
  Result<std::optional<acme::Order>> GetOrder(const std::string& id) override;
  Result<std::optional<acme::Authorization>> GetAuthorization(const std::string& id) override;
  Result<std::optional<acme::CertificateRecord>> GetCertificate(const std::string& serial) override;
  Result<std::vector<std::string>> ListAuthorizationsBeingValidated() override;
  Result<std::vector<std::string>> ListOrdersWithStatus(acme::ObjStatus status) override;
  Result<bool> HasValidAuthorization(const std::string& account_id, const std::string& name,
                                     acme::TimePoint now) override;
  Result<std::optional<acme::Authorization>> FindValidAuthorization(
      const std::string& account_id, const acme::Identifier& id, bool wildcard,
      acme::TimePoint now) override;
  Result<bool> RevokeCertificate(const std::string& serial, int reason,
                                 acme::TimePoint when) override;

  Status CreateAccount(const acme::Account& account) override;
  Status UpdateAccount(const acme::Account& account) override;
  Status CreateOrder(const acme::Order& order,
                     const std::vector<acme::Authorization>& authzs) override;
  Status UpdateOrder(const acme::Order& order) override;
  Result<bool> TransitionOrder(const std::string& id, acme::ObjStatus from,
                               acme::ObjStatus to) override;
  Status UpdateAuthorization(const acme::Authorization& authz) override;
  Status FinishIssuance(const acme::CertificateRecord& cert, const acme::Order& order) override;

 private:
  explicit SqliteStore(std::unique_ptr<sqlite::Db> db) : db_(std::move(db)) {}
  Status Migrate();
  Result<std::optional<acme::Account>> QueryAccount(const std::string& sql, const std::string& key);
  Result<std::vector<std::string>> ListIds(const std::string& sql, const std::string& arg);
  Status WriteOrder(const acme::Order& order, bool insert);
  // REQUIRES: mu_ held; `s` bound, selecting the authorization columns.
  Result<std::optional<acme::Authorization>> ReadAuthorization(sqlite::Stmt& s);
  Status WriteAuthorization(const acme::Authorization& authz, bool insert);

  std::mutex mu_;
  std::unique_ptr<sqlite::Db> db_;  // GUARDED_BY(mu_)
};

}  // namespace signet::storage
