// Which identifiers the CA will put in a certificate (Boulder's policy
// package). RFC 8555 7.1.4 and 9.7.7: "dns" identifiers holding a fully
// qualified domain name in LDH form.
#pragma once

#include <string>

#include "acme/objects.h"
#include "base/result.h"

namespace signet::ca {

// Checks one identifier. unsupportedIdentifier for a type other than "dns";
// rejectedIdentifier (with the reason) for a malformed or forbidden name:
// empty, too long (> 253) or a label > 63, characters outside [a-z0-9-],
// a label starting or ending with '-', a single label, a trailing dot, an IP
// address, a wildcard (needs DNS-01, which this CA does not offer yet), or a
// name under a reserved TLD (.local, .localhost, .invalid, .test, .example)
// unless `allow_test_names`.
Status CheckIdentifier(const acme::Identifier& id, bool allow_test_names);

}  // namespace signet::ca
