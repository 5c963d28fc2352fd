#include "ca/ra/admin_pausing.h"

#include <algorithm>
#include <cctype>

#include "ca/ra/identifier_policy.h"
#include "ca/ra/pausing.h"

namespace signet::ca {
namespace {

Status RequireAccount(storage::ReadOnlyStore& store, const std::string& account_id) {
  if (account_id.empty()) return Error(ErrorCode::kMalformed, "no account id given");
  SIGNET_ASSIGN_OR_RETURN(auto account, store.GetAccount(account_id));
  if (!account) return Error(ErrorCode::kNotFound, "no account with id " + account_id);
  return OkStatus();
}

acme::TimePoint Now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(acme::Clock::now());
}

}  // namespace

Result<acme::Identifier> ParseIdentifierArg(std::string_view text) {
  size_t colon = text.find(':');
  std::string type(text.substr(0, colon == std::string_view::npos ? 0 : colon));
  if (colon == std::string_view::npos || (type != "dns" && type != "ip"))
    return Error(ErrorCode::kMalformed, "identifier \"" + std::string(text) +
                                            "\" must be dns:NAME or ip:ADDRESS");
  acme::Identifier id{type, std::string(text.substr(colon + 1))};
  std::transform(id.value.begin(), id.value.end(), id.value.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  if (type == "ip") id.value = CanonicalIp(id.value);
  // The syntax rules of newOrder; test names allowed, as an operator may
  // pause anything an account could have ordered.
  Status valid = CheckIdentifier(id, IdentifierPolicy{true, true, {}});
  if (!valid.ok())
    return Error(ErrorCode::kMalformed,
                 "identifier \"" + std::string(text) + "\": " + valid.error().detail);
  return PauseKey(id);
}

Status CheckAdminLimit(size_t limit) {
  if (limit == 0 || limit > kAdminMaxLimit)
    return Error(ErrorCode::kMalformed,
                 "--limit must be 1 to " + std::to_string(kAdminMaxLimit));
  return OkStatus();
}

Result<bool> AdminPause(storage::Store& store, const std::string& account_id,
                        const acme::Identifier& id) {
  SIGNET_RETURN_IF_ERROR(RequireAccount(store, account_id));
  return store.PauseIdentifier(account_id, PauseKey(id), Now());
}

Result<std::vector<acme::Identifier>> AdminUnpause(storage::Store& store,
                                                   const std::string& account_id,
                                                   const std::optional<acme::Identifier>& only) {
  SIGNET_RETURN_IF_ERROR(RequireAccount(store, account_id));
  std::optional<acme::Identifier> key;
  if (only) key = PauseKey(*only);
  SIGNET_ASSIGN_OR_RETURN(std::vector<acme::Identifier> unpaused,
                          store.Unpause(account_id, key, Now()));
  if (key && unpaused.empty())
    return Error(ErrorCode::kNotFound, "account " + account_id + " is not paused for " +
                                           key->type + ":" + key->value);
  return unpaused;
}

Result<std::vector<storage::PauseState>> AdminListPaused(storage::ReadOnlyStore& store,
                                                         const std::string& account_id,
                                                         size_t limit) {
  SIGNET_RETURN_IF_ERROR(CheckAdminLimit(limit));
  if (!account_id.empty()) SIGNET_RETURN_IF_ERROR(RequireAccount(store, account_id));
  return store.ListPaused(account_id, limit);
}

}  // namespace signet::ca
