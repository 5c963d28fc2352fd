// The CA's signing role (Boulder's "ca"): the only holder of the issuing
// key. It is asked one thing: sign a certificate for this public key and
// these names. Policy checks (which names, which key) happen before, in the RA.
// Thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "acme/objects.h"
#include "base/result.h"
#include "crypto/key.h"
#include "pki/ca_hierarchy.h"

namespace signet::ca {

struct SignerConfig {
  std::chrono::seconds lifetime = std::chrono::hours(24 * 90);
  std::chrono::seconds backdate = std::chrono::hours(1);  // clock skew allowance
  std::string ca_issuers_url;  // AIA caIssuers, e.g. https://host/acme/issuer-cert
};

struct IssuedCertificate {
  std::string serial_hex;
  std::string chain_pem;  // leaf + intermediate
  acme::TimePoint not_before;
  acme::TimePoint not_after;
};

class Signer {
 public:
  Signer(const pki::CaHierarchy& hierarchy, SignerConfig config)
      : hierarchy_(hierarchy), config_(std::move(config)) {}

  Result<IssuedCertificate> Issue(const crypto::Key& subject_key,
                                  const std::vector<std::string>& dns_names,
                                  const std::vector<std::string>& ip_addresses = {}) const;

 private:
  const pki::CaHierarchy& hierarchy_;
  SignerConfig config_;
};

}  // namespace signet::ca
