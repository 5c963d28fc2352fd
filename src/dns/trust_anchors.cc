#include "dns/trust_anchors.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace signet::dns {
namespace {

Status Readable(const std::string& file, const std::string& what) {
  if (access(file.c_str(), R_OK) == 0) return OkStatus();
  return Error(ErrorCode::kMalformed,
               what + " " + file + " cannot be read (" + std::strerror(errno) + ")");
}

}  // namespace

Result<std::vector<std::string>> ChooseTrustAnchorFiles(const TrustAnchorPolicy& policy) {
  if (!policy.dnssec) {
    if (!policy.given.empty())
      return Error(ErrorCode::kMalformed, "--no-dnssec contradicts --dns-trust-anchor");
    return std::vector<std::string>{};
  }
  if (!policy.given.empty()) {
    for (const std::string& file : policy.given)
      SIGNET_RETURN_IF_ERROR(Readable(file, "DNSSEC trust anchor file"));
    return policy.given;
  }
  if (policy.testing) return std::vector<std::string>{};
  Status root = Readable(policy.default_file, "the DNSSEC root trust anchor");
  if (!root.ok()) {
    return Error(ErrorCode::kMalformed,
                 root.error().detail +
                     ": install dns-root-data, or give --dns-trust-anchor FILE, or --no-dnssec");
  }
  return std::vector<std::string>{policy.default_file};
}

}  // namespace signet::dns
