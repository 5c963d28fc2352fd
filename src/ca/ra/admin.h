// Operator actions without an ACME account (Boulder's cmd/admin), behind
// `signetd admin`. They act on the store alone, so they work with signetd
// stopped or running: a running signetd follows the store's revocation feed
// and republishes its CRLs and OCSP answers (ca/publisher), and reads renewal
// windows from the store on every renewalInfo request.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "acme/objects.h"
#include "base/result.h"
#include "storage/store.h"

namespace signet::ca {

// A serial as an operator may type it ("0A:1b:..", "0a1b..", "serial=0A1B")
// in the store's form: lower-case hex without colons or leading zeros.
// kMalformed when it is not hex.
Result<std::string> NormalizeSerial(std::string_view text);

// Revokes the certificate `serial` with an RFC 5280 reason: the five a
// subscriber may use (0, 1, 3, 4, 5) or privilegeWithdrawn (9). keyCompromise
// also blocks the certificate's key. `explanation_url`, when set, is what
// renewalInfo answers as explanationURL. kNotFound for an unknown serial,
// kBadRevocationReason, kAlreadyRevoked.
Status AdminRevoke(storage::Store& store, std::string_view serial, int reason,
                   const std::string& explanation_url = "");

// Sets the suggested renewal window (RFC 9773 4.2) of every certificate in
// `serials` to [start, end), with an optional explanation URL. Checks all
// serials before changing any: kNotFound names the unknown ones; kMalformed
// when end is not after start.
Status AdminSetRenewalWindow(storage::Store& store, const std::vector<std::string>& serials,
                             acme::TimePoint start, acme::TimePoint end,
                             const std::string& explanation_url);

// RFC 3339 date-time: "2025-06-01T12:00:00Z", with optional fractional
// seconds and a numeric offset ("+02:00"). kMalformed otherwise.
Result<acme::TimePoint> ParseRfc3339(std::string_view text);

}  // namespace signet::ca
