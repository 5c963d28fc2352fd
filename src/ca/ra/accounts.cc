// RFC 8555 7.3.5 (account key rollover) and 7.1.2.1 (the orders list).
#include <boost/json/serialize.hpp>

#include "ca/ra/ra.h"
#include "jose/jwk.h"

namespace signet::ca {

using storage::KeyChangeOutcome;

Result<RegistrationAuthority::KeyChange> RegistrationAuthority::ChangeAccountKey(
    const acme::Account& account, const crypto::Key& new_key) {
  SIGNET_RETURN_IF_ERROR(CheckAccountKey(new_key));
  const std::string thumbprint = jose::Thumbprint(new_key);
  if (thumbprint == account.thumbprint)
    return Error(ErrorCode::kMalformed,
                 "the new key is the account's current key; sign the inner JWS with a new key");
  const std::string jwk_json = boost::json::serialize(jose::PublicJwk(new_key));
  // The store decides atomically (a unique thumbprint): a newAccount or
  // another key change to the same key, at the same time, cannot both win.
  // The holder it names may move to yet another key before we read it; then
  // the key is free again and the change is tried once more.
  constexpr int kAttempts = 3;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    SIGNET_ASSIGN_OR_RETURN(KeyChangeOutcome outcome,
                            store_.ChangeAccountKey(account.id, account.thumbprint, jwk_json,
                                                    thumbprint));
    switch (outcome) {
      case KeyChangeOutcome::kChanged: {
        KeyChange out{account, ""};
        out.account.jwk_json = jwk_json;
        out.account.thumbprint = thumbprint;
        return out;
      }
      case KeyChangeOutcome::kAccountChanged:
        return Error(ErrorCode::kUnauthorized,
                     "the account's key or status changed while this request was processed; "
                     "fetch the account and sign with its current key");
      case KeyChangeOutcome::kKeyInUse: {
        SIGNET_ASSIGN_OR_RETURN(std::optional<acme::Account> holder,
                                store_.GetAccountByThumbprint(thumbprint));
        if (holder) return KeyChange{account, holder->id};
        break;
      }
    }
  }
  return Error(ErrorCode::kServerInternal, "the new key kept changing accounts; try again");
}

Result<storage::OrderPage> RegistrationAuthority::ListOrders(
    const acme::Account& account, const std::optional<storage::OrderCursor>& after,
    size_t limit) {
  return store_.ListAccountOrders(account.id, after, limit);
}

}  // namespace signet::ca
