// Which lineage a certonly (or run) request goes to, as certbot decides
// (main.py _find_lineage_for_domains_and_certname): a new one, the next
// version of an existing one, or none (keep the existing certificate).
// On a terminal the questions are certbot's; without one, certbot's
// non-interactive answers (keep a certificate not due, refuse to expand
// without --expand, accept new names for --cert-name).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "client/agent/agent_options.h"
#include "client/agent/prompt.h"
#include "client/agent/renewal_check.h"
#include "client/store/lineage.h"

namespace signet::client {

struct LineageChoice {
  enum Action { kNew, kRenew, kKeep };
  Action action = kNew;
  std::string name;                // the existing lineage (kRenew, kKeep); "" for kNew
  std::vector<std::string> names;  // what to certify (kNew, kRenew), or the kept names
  std::string reason;              // why it is renewed (for --json), e.g. "--expand"
  std::optional<RenewalCheck> check;  // kKeep: the renewal decision, when one was made
};

// `due` decides whether an existing lineage is due (the CA's ARI window or
// the expiry rule; --force-renewal and --dry-run force it). Errors are
// one line (certbot's wording where it has one).
Result<LineageChoice> ChooseLineage(const AgentOptions& options, const StoreLayout& layout,
                                    const Prompter& prompter,
                                    const std::function<Result<RenewalCheck>(const Lineage&)>& due);

}  // namespace signet::client
