// Wire-format RDATA of the record types the VA reads but libunbound leaves
// uninterpreted: TXT (RFC 1035 3.3.14) and CAA (RFC 8659 4.1). Also the TXT
// answer limits shared by every Resolver. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "dns/resolver.h"

namespace signet::dns {

// One TXT RDATA: a sequence of <length octet><octets> character-strings,
// returned concatenated. A string running past the end is kDns "malformed
// TXT record". Empty RDATA is one empty string.
Result<std::string> ParseTxtRdata(std::string_view rdata);

// One CAA RDATA: flags octet, tag length octet (1-15), tag (letters and
// digits), value (the rest). Anything else is kDns "malformed CAA record".
Result<CaaRecord> ParseCaaRdata(std::string_view rdata);

// kDns if `records` exceeds kMaxTxtRecords records or kMaxTxtBytes bytes:
// "DNS problem: too many TXT records (N, limit 100) for NAME" or
// "DNS problem: TXT records too large (N bytes, limit 65536) for NAME".
Status CheckTxtLimits(const std::vector<std::string>& records, const std::string& name);

}  // namespace signet::dns
