#include "mpic_wiring.h"

#include <algorithm>
#include <thread>

#include <spdlog/spdlog.h>

#include "base/files.h"
#include "ca/va/remote/mpic_rules.h"
#include "ca/va/remote/multi_perspective_va.h"
#include "ca/va/remote/remote_va_client.h"

namespace signet::app {
namespace {

using va::remote::RemoteValidationAuthority;

// Asks every remote for its RIR, in parallel, each within the remote
// timeout; the RIRs of those that answered.
std::vector<std::string> ProbeRirs(
    const std::vector<std::shared_ptr<RemoteValidationAuthority>>& remotes,
    std::chrono::milliseconds timeout) {
  const va::Deadline deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<Status> outcomes(remotes.size());
  std::vector<std::thread> probes;
  for (size_t i = 0; i < remotes.size(); ++i)
    probes.emplace_back([&, i] { outcomes[i] = remotes[i]->Probe(deadline); });
  for (std::thread& t : probes) t.join();
  std::vector<std::string> rirs;
  for (size_t i = 0; i < remotes.size(); ++i) {
    if (outcomes[i].ok()) {
      spdlog::info("remote perspective {} declares RIR {}", remotes[i]->url(), remotes[i]->rir());
      rirs.push_back(remotes[i]->rir());
    } else {
      spdlog::warn("remote perspective {} did not answer the start-up probe: {}",
                   remotes[i]->url(), outcomes[i].error().detail);
    }
  }
  return rirs;
}

// The clients of config.remote_vas, with our mutual-TLS identity.
Result<std::vector<std::shared_ptr<RemoteValidationAuthority>>> MakeRemotes(
    const CaConfig& config) {
  std::vector<std::shared_ptr<RemoteValidationAuthority>> remotes;
  if (config.remote_vas.empty()) return remotes;
  if (config.remote_va_cert.empty() || config.remote_va_key.empty() || config.remote_va_ca.empty())
    return Error(ErrorCode::kMalformed,
                 "--remote-va needs --remote-va-ca, --remote-va-cert and --remote-va-key");
  SIGNET_ASSIGN_OR_RETURN(std::string cert, ReadFile(config.remote_va_cert));
  SIGNET_ASSIGN_OR_RETURN(std::string key, ReadFile(config.remote_va_key));
  for (const auto& url : config.remote_vas)
    remotes.push_back(std::make_shared<RemoteValidationAuthority>(
        va::remote::RemoteVaConfig{url, config.remote_va_ca, cert, key,
                                   std::chrono::milliseconds(config.remote_va_timeout_ms)}));
  return remotes;
}

}  // namespace

Result<std::unique_ptr<va::ValidationAuthority>> MakeValidationAuthority(
    const CaConfig& config, va::ValidationAuthority& local) {
  namespace mpic = va::remote;
  const bool enforce = !config.allow_loopback_validation && !config.allow_incomplete_mpic;
  const std::string hint = " (--allow-incomplete-mpic for a CA that is not publicly trusted)";
  if (enforce && config.remote_vas.size() < mpic::kMinRemotePerspectives) {
    Error e = mpic::CheckDeployment(config.remote_vas.size(), {}).error();
    e.detail += hint;
    return e;
  }
  SIGNET_ASSIGN_OR_RETURN(auto remotes, MakeRemotes(config));
  size_t min_rirs = mpic::kMinCorroboratingRirs;
  if (!remotes.empty()) {
    const std::vector<std::string> rirs =
        ProbeRirs(remotes, std::chrono::milliseconds(config.remote_va_timeout_ms));
    Status deployment = mpic::CheckDeployment(remotes.size(), rirs);
    if (enforce && !deployment.ok()) {
      Error e = std::move(deployment).error();
      e.detail += hint;
      return e;
    }
    if (!deployment.ok()) spdlog::warn("not BR-compliant: {}", deployment.error().detail);
    if (!enforce) min_rirs = std::min(min_rirs, mpic::DistinctRirs(rirs).size());
  } else {
    spdlog::warn("not BR-compliant: no remote perspectives, validating from this host only");
  }
  std::vector<std::shared_ptr<mpic::RemotePerspective>> perspectives(remotes.begin(),
                                                                    remotes.end());
  // One deadline per validation for the primary and the remotes alike.
  return std::unique_ptr<va::ValidationAuthority>(std::make_unique<mpic::MultiPerspectiveVa>(
      local, std::move(perspectives), std::chrono::milliseconds(config.validation_timeout_ms),
      min_rirs));
}

}  // namespace signet::app
