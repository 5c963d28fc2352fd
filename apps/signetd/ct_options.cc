#include "ct_options.h"

#include <spdlog/spdlog.h>

#include "pki/certificate.h"
#include "toml_number.h"

namespace signet::app {

void AddCtOptions(CLI::App& serve, CaConfig& config) {
  serve.add_option("--ct-log-list", config.ct_log_list,
                   "CT logs to get SCTs from (Chrome's log list v3 JSON); none: no CT");
  serve.add_option("--ct-min-scts", config.ct_min_scts,
                   "SCTs a certificate needs at least (2)");
  serve.add_option("--ct-min-operators", config.ct_min_operators,
                   "distinct log operators among them at least (2)");
  serve.add_option("--ct-timeout-ms", config.ct_timeout_ms,
                   "deadline for a precertificate's SCTs (10000)");
  serve.add_option("--ct-ca-file", config.ct_ca_file,
                   "CA bundle for https:// CT logs (default: the system store)");
}

void LoadCtOptions(const toml::table& t, CaConfig& c) {
  if (auto v = t["ct_log_list"].value<std::string>()) c.ct_log_list = *v;
  if (auto v = TomlInt(t["ct_min_scts"])) c.ct_min_scts = int(*v);
  if (auto v = TomlInt(t["ct_min_operators"])) c.ct_min_operators = int(*v);
  if (auto v = TomlInt(t["ct_timeout_ms"])) c.ct_timeout_ms = int(*v);
  if (auto v = t["ct_ca_file"].value<std::string>()) c.ct_ca_file = *v;
}

Result<std::unique_ptr<ca::ct::CtSubmitter>> MakeCtSubmitter(const CaConfig& config,
                                                             const pki::CaHierarchy& hierarchy,
                                                             ca::ct::CtObserver observer) {
  if (config.ct_log_list.empty()) return std::unique_ptr<ca::ct::CtSubmitter>();
  if (config.ct_min_scts <= 0 || config.ct_min_operators <= 0 || config.ct_timeout_ms <= 0)
    return Error(ErrorCode::kMalformed,
                 "--ct-min-scts, --ct-min-operators and --ct-timeout-ms must be positive");
  SIGNET_ASSIGN_OR_RETURN(ca::ct::LogList list, ca::ct::LoadLogList(config.ct_log_list));
  for (const std::string& skipped : list.skipped)
    spdlog::info("CT log skipped: {}", skipped);
  std::vector<ca::ct::SubmitterLog> logs;
  for (ca::ct::LogInfo& info : list.logs) {
    auto log = std::make_shared<ca::ct::HttpCtLog>(
        ca::ct::HttpCtLogConfig{info.url, config.ct_ca_file});
    spdlog::info("CT log {} ({}) at {}", info.description, info.operator_name, info.url);
    logs.push_back({std::move(info), std::move(log)});
  }
  ca::ct::CtPolicy policy;
  policy.min_scts = size_t(config.ct_min_scts);
  policy.min_operators = size_t(config.ct_min_operators);
  policy.deadline = std::chrono::milliseconds(config.ct_timeout_ms);
  auto submitter = ca::ct::CtSubmitter::Create(
      std::move(logs), policy,
      {pki::CertToDer(hierarchy.intermediate().cert.get()),
       pki::CertToDer(hierarchy.root().cert.get())},
      std::move(observer));
  if (!submitter.ok())
    return Error(ErrorCode::kMalformed, config.ct_log_list + ": " + submitter.error().detail);
  return submitter;
}

}  // namespace signet::app
