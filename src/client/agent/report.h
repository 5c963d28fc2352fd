// --json: the one JSON document `signet certificates`, `renew` and
// `certonly` print on stdout for scripts (their messages then go to
// stderr). The key names are stable and listed in the README ("JSON
// output"); times are RFC 3339 UTC ("2025-01-02T03:04:05Z"); a value not
// known is null, never a missing key.
//
// certificates: {"certificates": [LINEAGE...]}
//   LINEAGE = {"name", "domains": [...], "serial", "key_type" ("RSA" |
//   "ECDSA" | null), "not_before", "expiry", "status" ("valid" | "expired"
//   | "unreadable"), "error" (why unreadable, else null), "paths": {"cert",
//   "chain", "fullchain", "privkey"}, "preferred_profile",
//   "required_profile", "server", "ari": null | {"cert_id",
//   "window_start", "window_end", "renew_at", "next_poll",
//   "explanation_url"}}
// renew, certonly: {"command", "dry_run", "renewed": [DONE...],
//   "obtained": [DONE...], "skipped": [SKIP...], "failed": [FAIL...]}
//   DONE = {"name", "domains", "reason", "serial", "expiry", "cert_path"}
//   SKIP = {"name", "domains", "reason", "basis", "renew_at"}
//   FAIL = {"name", "domains", "error"}
// "reason" is the renewal decision (renewal_check.h), e.g. "not due until
// 2025-02-01T12:00:00Z (ARI window ...)"; "basis" is "ari", "ari-cached"
// or "expiry".
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "client/agent/renewal_check.h"
#include "client/store/layout.h"

namespace signet::client {

// What `certificates` knows of one lineage.
struct LineageInfo {
  std::string name;
  std::vector<std::string> domains;
  std::string serial;    // hex, as certbot prints it
  std::string key_type;  // "RSA" | "ECDSA" | "" (unknown)
  std::optional<TimePoint> not_before, not_after;
  std::string error;  // "" when readable
  std::string cert_path, chain_path, fullchain_path, privkey_path;
  std::string preferred_profile, required_profile, server;
  std::optional<AriState> ari;  // the cached renewal information, if any
};

// Reads lineage `name` (its files, conf and ARI cache); unreadable parts
// leave `error` set and the rest empty.
LineageInfo ReadLineageInfo(const StoreLayout& layout, const std::string& name);

boost::json::object LineageJson(const LineageInfo& info, TimePoint now);
boost::json::object CertificatesJson(const std::vector<LineageInfo>& lineages, TimePoint now);

// One lineage's outcome in a renew or certonly run.
struct RunOutcome {
  enum Kind { kRenewed, kObtained, kSkipped, kFailed };
  Kind kind = kFailed;
  std::string name;
  std::vector<std::string> domains;
  std::string reason;  // renewed/skipped: the decision; failed: the error line
  std::string basis;   // skipped: RenewalCheck::basis
  std::optional<TimePoint> renew_at;
  // renewed/obtained: the new certificate ("" / nullopt on a dry run).
  std::string serial, cert_path;
  std::optional<TimePoint> expiry;
};

boost::json::object RunJson(const std::string& command, bool dry_run,
                            const std::vector<RunOutcome>& outcomes);

// Prints `doc` and a newline on stdout.
void PrintJson(const boost::json::object& doc);

}  // namespace signet::client
