// Which DNSSEC trust anchors the validation resolver uses. BR 4.2.2.1.1
// (from 2026-03-15): CAA lookups are DNSSEC-validated to the IANA root trust
// anchor, so a production resolver starts with the root key of Debian's
// dns-root-data package unless the operator gives anchors of their own, and
// refuses to start without one rather than run unvalidated. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace signet::dns {

// Debian's dns-root-data: the root zone's KSKs as DNSKEY records.
inline constexpr char kDebianRootTrustAnchor[] = "/usr/share/dns/root.key";

struct TrustAnchorPolicy {
  std::vector<std::string> given;  // --dns-trust-anchor FILE..., in order
  bool dnssec = true;              // false: --no-dnssec
  // --allow-loopback-validation: test beds answer for made-up zones (test.)
  // that the root proves do not exist, so the root anchor would make every
  // answer bogus; there DNSSEC is validated only under the anchors given.
  bool testing = false;
  std::string default_file = kDebianRootTrustAnchor;
};

// The trust anchor files to load: the ones given (each must be readable), or
// none with --no-dnssec or in testing without any given, or else the root
// anchor. kMalformed, one line, when a file cannot be read, when the root
// anchor is missing, or when --no-dnssec comes with anchors.
Result<std::vector<std::string>> ChooseTrustAnchorFiles(const TrustAnchorPolicy& policy);

}  // namespace signet::dns
