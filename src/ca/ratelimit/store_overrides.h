// The operator's rate-limit overrides kept in the store (signetd admin
// ratelimit override add|list|remove), beside the --rate-limits file's. For
// the same limit and key, the store's override wins: it is the operator's
// latest word, and needs no file edit or SIGHUP on every instance.
#pragma once

#include <string>

#include "base/result.h"
#include "ca/ratelimit/limits.h"
#include "storage/store.h"

namespace signet::ca::ratelimit {

// Checks and writes (adding or replacing) an override. kMalformed naming
// what is wrong: an unknown limit, an empty key, a count that is not
// positive, a period that is not a positive duration ("7d", "3h", seconds).
Status AddStoredOverride(storage::Store& store, const std::string& limit, const std::string& key,
                         int64_t count, const std::string& period);
// kNotFound when (limit, key) has no stored override.
Status RemoveStoredOverride(storage::Store& store, const std::string& limit,
                            const std::string& key);
// `base` with the store's overrides set over it. Overrides of a limit this
// version does not know are skipped.
Result<Limits> WithStoredOverrides(storage::ReadOnlyStore& store, Limits base);

}  // namespace signet::ca::ratelimit
