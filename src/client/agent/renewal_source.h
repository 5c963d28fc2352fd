// The real world behind renewal_check.h for one `signet renew` or
// `certonly` run: one HTTP client, each CA's directory fetched once (no
// account needed: RFC 9773 4.2 allows unauthenticated GETs), the system
// clock and randomness, and the lineage's ARI cache file. Not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "base/result.h"
#include "client/acme/renewal_info.h"
#include "client/acme/resources.h"
#include "client/agent/renewal_check.h"
#include "client/store/lineage.h"
#include "http/client.h"

namespace signet::client {

class RenewalInfoSource {
 public:
  explicit RenewalInfoSource(Logger log = nullptr);
  ~RenewalInfoSource();

  // The renewal information of `cert_id` from the CA at `server` (a
  // directory URL); nullopt when its directory has no renewalInfo.
  Result<std::optional<RenewalInfo>> Fetch(const std::string& server, const std::string& cert_id);

 private:
  Logger log_;
  std::unique_ptr<http::Client> http_;
  std::map<std::string, Result<Directory>> directories_;
};

// DecideRenewal for the lineage's current certificate, against the CA of
// `server`, with its cache in CONFIG/ari/NAME.json (saved when it changed;
// a failure to save is only logged; `refresh` ignores its next_poll). Logs the CA's explanationURL when the
// window was fetched now and has one. Errors: the certificate is unreadable.
Result<RenewalCheck> CheckLineageRenewal(const Lineage& lineage, const StoreLayout& layout,
                                         const std::string& server, RenewalInfoSource& source,
                                         const Logger& log, bool refresh = false);

}  // namespace signet::client
