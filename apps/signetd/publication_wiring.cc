#include "publication_wiring.h"

namespace signet::app {

Result<PublicationEndpoint> PublicationEndpointFrom(const CaConfig& config) {
  PublicationEndpoint out;
  if (config.http_listen.empty()) {
    SIGNET_ASSIGN_OR_RETURN(auto listen, SplitHostPort(config.listen));
    out.host = listen.first;
    out.port = listen.second <= 65535 - kHttpPortOffset ? listen.second + kHttpPortOffset
                                                         : listen.second - kHttpPortOffset;
  } else {
    SIGNET_ASSIGN_OR_RETURN(auto http, SplitHostPort(config.http_listen));
    out.host = http.first;
    out.port = http.second;
  }
  out.base_url = config.public_base_url;
  if (out.base_url.empty()) {
    std::string host = out.host.find(':') != std::string::npos ? "[" + out.host + "]" : out.host;
    out.base_url = "http://" + host + ":" + std::to_string(out.port);
  }
  while (!out.base_url.empty() && out.base_url.back() == '/') out.base_url.pop_back();
  if (!out.base_url.starts_with("http://") && !out.base_url.starts_with("https://"))
    return Error(ErrorCode::kMalformed, "public_base_url must be an http:// URL");
  if (config.crl_shards < 1 || config.crl_shards > 1024)
    return Error(ErrorCode::kMalformed, "crl_shards must be between 1 and 1024");
  // BR 4.9.7: a CRL's nextUpdate is at most 10 days after its thisUpdate,
  // and the window is at least 4 intervals: 3600 minutes at most.
  if (config.crl_interval_minutes < 1 || config.crl_interval_minutes > 3600)
    return Error(ErrorCode::kMalformed, "crl_interval_minutes must be between 1 and 3600 "
                                        "(a CRL may be valid 10 days at most)");
  return out;
}

Result<std::string> AcmeBaseUrlFrom(const CaConfig& config) {
  if (config.acme_base_url.empty()) return "https://" + config.listen;
  std::string base = config.acme_base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (!base.starts_with("https://") || base.size() == 8)
    return Error(ErrorCode::kMalformed, "acme_base_url must be an https:// URL, got \"" +
                                            config.acme_base_url + "\"");
  return base;
}

ca::PublisherConfig PublisherConfigFrom(const CaConfig& config, const std::string& base_url) {
  ca::PublisherConfig p;
  p.crl.urls.base = base_url;
  p.crl.shards = config.crl_shards;
  p.crl_interval = std::chrono::minutes(config.crl_interval_minutes);
  // nextUpdate leaves room for a few missed regenerations, at least a day.
  p.crl.validity = std::max<std::chrono::seconds>(std::chrono::hours(24), 4 * p.crl_interval);
  p.ocsp = config.ocsp;
  return p;
}

Result<ca::ProfileSet> ProfilesFrom(const CaConfig& config) {
  return ca::ProfileSet::Create(config.profiles, config.default_profile);
}

}  // namespace signet::app
