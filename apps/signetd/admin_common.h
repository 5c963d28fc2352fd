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
#include "storage/store.h"

namespace CLI {
class App;
}

namespace signet::app::admin {

// "signetd admin: DETAIL" on stderr; the exit code 1.
int Fail(const Error& e);
// Where an admin command finds the store: --data-dir and --store, as
// signetd serve takes them.
struct StoreLocation {
  std::string data_dir = "/var/lib/signetd";
  std::string store;  // "" (the data directory's SQLite database), sqlite:PATH, postgresql://...
};
// Adds --data-dir and --store to `sub`.
void AddStoreOptions(CLI::App* sub, StoreLocation& where);
// The store `where` names; kNotFound when a SQLite database does not exist
// (never creates one).
Result<std::unique_ptr<storage::Store>> OpenStore(const StoreLocation& where);
// A field of a tab-separated record.
std::string Field(std::string_view value);
// "dns:example.com".
std::string IdentifierText(const acme::Identifier& id);
// When a listing stopped at its --limit: a hint on stderr to continue.
void MoreFollow(const std::string& last);

}  // namespace signet::app::admin
