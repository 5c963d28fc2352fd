// Which identifiers the CA will put in a certificate (Boulder's policy
// package). RFC 8555 7.1.4 and 9.7.7: "dns" identifiers holding a fully
// qualified domain name in LDH form (IDNA A-labels), optionally a wildcard
// "*." in the leftmost label; RFC 8738: "ip" identifiers.
#pragma once

#include <string>
#include <vector>

#include "acme/objects.h"
#include "base/result.h"

namespace signet::ca {

struct IdentifierPolicy {
  // Testing: accept the test TLDs (.test, .example, .local, .localhost,
  // .invalid) and names under TLDs not in the root zone, and
  // loopback/private IP identifiers. Other special-use TLDs (.onion,
  // .internal, .arpa, ...) stay refused.
  bool allow_test_names = false;
  bool allow_ip = true;
  // Operator blocklist: each entry forbids itself, every name under it and
  // a wildcard covering it; compared ignoring case and trailing dots.
  std::vector<std::string> blocklist;
};

// Checks one identifier (already lower-cased). unsupportedIdentifier for a
// type other than "dns"/"ip"; rejectedIdentifier with the reason for a
// malformed or forbidden value: empty, too long (> 253) or a label > 63,
// characters outside [a-z0-9-], a hyphen at a label's edge, an "xn--" label
// that is not a valid IDNA2008 A-label (RFC 5890), a single label,
// a trailing dot, an IP address as a DNS name, a misplaced wildcard, a
// public suffix as a whole name (Debian's public suffix list, via libpsl),
// a special-use TLD, a TLD that is not in the root zone (the list's ICANN
// section), a blocked name, or a reserved IP range.
Status CheckIdentifier(const acme::Identifier& id, const IdentifierPolicy& policy);

// The canonical text of an IP address ("::1", "127.0.0.1"); the input
// unchanged if it is not one.
std::string CanonicalIp(const std::string& ip);

}  // namespace signet::ca
