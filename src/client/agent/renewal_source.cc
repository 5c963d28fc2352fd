#include "client/agent/renewal_source.h"

#include <random>

#include "client/acme/transport.h"
#include "pki/certificate.h"

namespace signet::client {

RenewalInfoSource::RenewalInfoSource(Logger log) : log_(std::move(log)) {
  http::ClientConfig config;
  config.ca_file = http::DefaultCaFileFromEnv();
  http_ = std::make_unique<http::Client>(config);
}

RenewalInfoSource::~RenewalInfoSource() = default;

Result<std::optional<RenewalInfo>> RenewalInfoSource::Fetch(const std::string& server,
                                                            const std::string& cert_id) {
  auto it = directories_.find(server);
  if (it == directories_.end()) {
    AcmeTransport transport(*http_, log_);
    Result<AcmeResponse> r = transport.Get(server);
    Result<Directory> dir = r.ok() ? ParseDirectory(r->json, server) : Result<Directory>(r.error());
    it = directories_.emplace(server, std::move(dir)).first;
  }
  if (!it->second.ok()) return it->second.error();
  if (it->second->renewal_info.empty()) return std::optional<RenewalInfo>();
  SIGNET_ASSIGN_OR_RETURN(RenewalInfo info,
                          FetchRenewalInfo(*http_, it->second->renewal_info, cert_id, log_));
  return std::optional<RenewalInfo>(std::move(info));
}

Result<RenewalCheck> CheckLineageRenewal(const Lineage& lineage, const StoreLayout& layout,
                                         const std::string& server, RenewalInfoSource& source,
                                         const Logger& log, bool refresh) {
  SIGNET_ASSIGN_OR_RETURN(CertificateFiles files, lineage.ReadCurrent());
  SIGNET_ASSIGN_OR_RETURN(crypto::X509Ptr cert, pki::CertFromPem(files.cert));
  std::filesystem::path state_path = AriStatePath(layout, lineage.name());
  std::mt19937_64 rng(std::random_device{}());
  RenewalEnv env;
  env.now = std::chrono::system_clock::now();
  env.refresh = refresh;
  env.uniform01 = [&rng] { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); };
  env.fetch = [&](const std::string& cert_id) { return source.Fetch(server, cert_id); };
  RenewalCheck check = DecideRenewal(cert.get(), LoadAriState(state_path),
                                     lineage.conf().TopLevel("renew_before_expiry"), env);
  if (log && !check.fallback_reason.empty())
    log(lineage.name() + ": using the expiry rule: " + check.fallback_reason);
  if (check.ari && check.state_changed) {
    if (log && !check.ari->explanation_url.empty())
      log(lineage.name() + ": the CA explains its renewal window at " +
          check.ari->explanation_url);
    Status saved = SaveAriState(state_path, *check.ari);
    if (!saved.ok() && log)
      log(lineage.name() + ": cannot cache the renewal information: " + saved.error().detail);
  }
  return check;
}

}  // namespace signet::client
