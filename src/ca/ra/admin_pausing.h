// The operator's side of paused clients (pausing.h), behind `signetd admin
// pause|unpause|paused`. Like admin.h, these act on the store alone, so they
// work with signetd running or stopped (newOrder reads pauses from the
// store on every request). Every input is checked before anything is
// written; each change is one store transaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "acme/objects.h"
#include "base/result.h"
#include "storage/store.h"

namespace signet::ca {

// "dns:NAME" or "ip:ADDRESS" as an operator types it, normalised the way
// pauses are kept (lower case, a wildcard's base name, canonical IP text).
// kMalformed for another form or a malformed name.
Result<acme::Identifier> ParseIdentifierArg(std::string_view text);

// Pauses `account_id` for `id`. kNotFound for an unknown account. False
// when it already was paused (nothing changes).
Result<bool> AdminPause(storage::Store& store, const std::string& account_id,
                        const acme::Identifier& id);

// Unpauses `account_id` for `only`, or for every identifier when unset; the
// identifiers unpaused. kNotFound for an unknown account, or when `only` is
// set and the account is not paused for it.
Result<std::vector<acme::Identifier>> AdminUnpause(storage::Store& store,
                                                   const std::string& account_id,
                                                   const std::optional<acme::Identifier>& only);

// The pairs paused now, of `account_id` ("" = every account), at most
// `limit` (1 to kAdminMaxLimit, else kMalformed).
Result<std::vector<storage::PauseState>> AdminListPaused(storage::ReadOnlyStore& store,
                                                         const std::string& account_id,
                                                         size_t limit);

// The largest --limit of the listing commands.
inline constexpr size_t kAdminMaxLimit = 100000;
Status CheckAdminLimit(size_t limit);

}  // namespace signet::ca
