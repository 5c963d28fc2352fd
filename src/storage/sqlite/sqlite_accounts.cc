// SqliteStore: account key changes, deactivation and the orders list
// (RFC 8555 7.3.5, 7.3.6, 7.1.2.1).
#include <algorithm>

#include "storage/codec.h"
#include "storage/sqlite/sqlite_store.h"

namespace signet::storage {

using Lock = std::lock_guard<std::mutex>;

Result<KeyChangeOutcome> SqliteStore::ChangeAccountKey(const std::string& account_id,
                                                       const std::string& old_thumbprint,
                                                       const std::string& new_jwk_json,
                                                       const std::string& new_thumbprint) {
  Lock lock(mu_);
  // One statement: the compare-and-set and the unique thumbprint index
  // decide together, against every other writer of the accounts table.
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db_->Prepare(
      "UPDATE accounts SET jwk = ?, thumbprint = ? "
      "WHERE id = ? AND thumbprint = ? AND status = 'valid'"));
  s.Bind(1, new_jwk_json).Bind(2, new_thumbprint).Bind(3, account_id).Bind(4, old_thumbprint);
  if (s.Step() == SQLITE_DONE)
    return db_->Changes() == 1 ? KeyChangeOutcome::kChanged : KeyChangeOutcome::kAccountChanged;
  if (db_->ExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE) return KeyChangeOutcome::kKeyInUse;
  return db_->LastError("change account key");
}

Status SqliteStore::DeactivateAccount(const std::string& account_id) {
  return Submit(sqlite::Durability::kFast, [&](sqlite::Db&) -> Status {
    SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt account, db_->Prepare(
        "UPDATE accounts SET status = 'deactivated' WHERE id = ?"));
    account.Bind(1, account_id);
    SIGNET_RETURN_IF_ERROR(db_->StepDone(account, "deactivate account"));
    // A validation finishing later finds its authorization no longer pending
    // (UpdateAuthorizationIf) and changes nothing.
    SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt authzs, db_->Prepare(
        "UPDATE authorizations SET status = 'deactivated' "
        "WHERE account_id = ? AND status = 'pending'"));
    authzs.Bind(1, account_id);
    return db_->StepDone(authzs, "deactivate pending authorizations");
  });
}

Result<OrderPage> SqliteStore::ListAccountOrders(const std::string& account_id,
                                                 const std::optional<OrderCursor>& after,
                                                 size_t limit) {
  limit = std::max<size_t>(limit, 1);
  auto db = reads_->Acquire();
  // A range search of orders_listed_by_account (migration 0008): the status
  // term is the index's own, and row values compare as the index is sorted.
  SIGNET_ASSIGN_OR_RETURN(sqlite::Stmt s, db->Prepare(
      "SELECT id, created_at FROM orders WHERE account_id = ? AND status != 'invalid' AND "
      "(created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?"));
  s.Bind(1, account_id)
      .Bind(2, after ? ToUnix(after->created_at) : int64_t{-1})
      .Bind(3, after ? after->id : std::string())
      .Bind(4, int64_t(limit) + 1);  // one more tells whether a next page exists
  OrderPage page;
  std::optional<OrderCursor> last;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    if (page.order_ids.size() == limit) {  // the extra row: more follow
      page.next = std::move(last);
      break;
    }
    page.order_ids.push_back(s.Text(0));
    last = OrderCursor{FromUnix(s.Int(1)), page.order_ids.back()};
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db->LastError("list account orders");
  return page;
}

}  // namespace signet::storage
