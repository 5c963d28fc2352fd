// signetd's revocation publication wiring: where the plain-HTTP listener
// listens, the public base URL of CRLs and OCSP, the publisher's and the
// profiles' settings from the configuration.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "ca/publisher/publisher.h"
#include "ca/signer/profile.h"
#include "config.h"

namespace signet::app {

// Without --http-listen, the plain-HTTP listener takes the --listen port
// plus this (the test contract's 14000 -> 14080), so two signetd on one
// machine with different --listen ports do not collide.
inline constexpr uint16_t kHttpPortOffset = 80;

struct PublicationEndpoint {
  std::string host;  // the HTTP listener's address
  uint16_t port = 0;
  std::string base_url;  // the operator's public_base_url, else http://host:port
};

// --http-listen (default: the --listen host, its port + 80) and
// --public-base-url (default: that listener's URL, so certificates issued on
// this machine point at URLs that work here). A trailing "/" is dropped.
Result<PublicationEndpoint> PublicationEndpointFrom(const CaConfig& config);

// --acme-base-url without a trailing "/", else https://LISTEN: where the
// certificates' caIssuers URL and the account URLs point.
Result<std::string> AcmeBaseUrlFrom(const CaConfig& config);

ca::PublisherConfig PublisherConfigFrom(const CaConfig& config, const std::string& base_url);

// The configured profiles, checked (ca::ProfileSet::Create).
Result<ca::ProfileSet> ProfilesFrom(const CaConfig& config);

}  // namespace signet::app
