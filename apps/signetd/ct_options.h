// Certificate Transparency in `signetd serve` (issue 11; ca/ct/submitter.h):
//   --ct-log-list FILE       Chrome's log list v3 (config ct_log_list); none: no CT
//   --ct-min-scts N          SCTs embedded at least (ct_min_scts, 2)
//   --ct-min-operators N     ... from logs of this many operators (ct_min_operators, 2)
//   --ct-timeout-ms MS       deadline for the SCTs of one precertificate (ct_timeout_ms, 10000)
//   --ct-ca-file FILE        CA bundle for https:// logs (ct_ca_file; default: system)
#pragma once

#include <memory>

#include <CLI/CLI.hpp>
#include <toml++/toml.h>

#include "base/result.h"
#include "ca/ct/submitter.h"
#include "config.h"
#include "pki/ca_hierarchy.h"

namespace signet::app {

void AddCtOptions(CLI::App& serve, CaConfig& config);
void LoadCtOptions(const toml::table& file, CaConfig& config);

// The submitter for the configured log list, or nullptr without one. The
// list is read and checked now: a bad file, or one whose usable logs cannot
// meet the policy, is an error naming it (signetd refuses to start).
// Skipped logs are logged. Chains submitted: (pre)certificate, intermediate, root.
Result<std::unique_ptr<ca::ct::CtSubmitter>> MakeCtSubmitter(const CaConfig& config,
                                                             const pki::CaHierarchy& hierarchy,
                                                             ca::ct::CtObserver observer);

}  // namespace signet::app
