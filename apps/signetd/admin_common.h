// What the `signetd admin` subcommand groups share: opening the data
// directory's store, the one-line failure, and the output conventions
// (one record per line, tab-separated fields, "-" for an empty field,
// control characters in a field written as %XX so a field never breaks a
// line or a column).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "acme/objects.h"
#include "base/result.h"
#include "storage/sqlite/sqlite_store.h"

namespace signet::app::admin {

// "signetd admin: DETAIL" on stderr; the exit code 1.
int Fail(const Error& e);
// The store of `data_dir`; kNotFound when it has no database (never creates one).
Result<std::unique_ptr<storage::SqliteStore>> OpenStore(const std::string& data_dir);
// A field of a tab-separated record.
std::string Field(std::string_view value);
// "dns:example.com".
std::string IdentifierText(const acme::Identifier& id);
// When a listing stopped at its --limit: a hint on stderr to continue.
void MoreFollow(const std::string& last);

}  // namespace signet::app::admin
