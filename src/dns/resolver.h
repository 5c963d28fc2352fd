// Name resolution for validation (the VA's view of the DNS), behind an
// interface so unit tests can use a fixed table and the CA a real resolver.
// A/AAAA serve HTTP-01 and TLS-ALPN-01 (RFC 8555 8.3, RFC 8737), TXT serves
// DNS-01 (RFC 8555 8.4) and CAA serves the issuance check (RFC 8659).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace signet::dns {

// One CAA resource record (RFC 8659 4.1): flags octet, property tag, value.
struct CaaRecord {
  uint8_t flags = 0;  // Bit 128 is the Issuer Critical flag.
  std::string tag;    // As received; compare case-insensitively.
  std::string value;  // Raw octets, not interpreted here.
  bool operator==(const CaaRecord&) const = default;
};

// The records of one successful lookup and what is known about them.
template <typename T>
struct Answer {
  std::vector<T> records;      // Empty for NXDOMAIN and NODATA.
  bool secure = false;         // DNSSEC-validated from a configured trust anchor.
  std::string canonical_name;  // The name the records are at, after CNAMEs.
};
using TxtAnswer = Answer<std::string>;
using CaaAnswer = Answer<CaaRecord>;

// The moment by which a lookup (or a whole validation) must be finished, on
// the steady clock. kNoDeadline leaves only the resolver's own per-query
// timeout.
using Deadline = std::chrono::steady_clock::time_point;
inline constexpr Deadline kNoDeadline = Deadline::max();

// Limits on a TXT answer; beyond them the lookup is an error, not a partial
// answer (a DNS-01 check never scans an attacker-sized set).
constexpr size_t kMaxTxtRecords = 100;
constexpr size_t kMaxTxtBytes = 64 * 1024;

// Thread-safe: implementations may be called from several threads at once.
// Errors are kDns with a detail naming the type, the name and the cause
// ("DNS problem: SERVFAIL looking up CAA for example.com"); a DNSSEC
// validation failure (bogus answer) is kDns "DNSSEC validation failure: WHY
// looking up TYPE for NAME", never data. An unsigned (insecure) zone is fine.
//
// Every lookup answers by `deadline` at the latest: an implementation waits
// at most min(its own per-query timeout, time left before `deadline`), and a
// deadline already past is kDns "DNS problem: query timed out looking up
// TYPE for NAME" without any query sent. Callers pass the deadline of the
// whole validation so that a chain of lookups (the CAA tree climb) cannot
// add up to more than it.
class Resolver {
 public:
  virtual ~Resolver() = default;
  // The A and AAAA addresses of `name`, as text ("127.0.0.1", "::1"), IPv4
  // first. No address at all is kDns "No valid IP addresses found for NAME";
  // NXDOMAIN, a server failure or a timeout is kDns naming the cause.
  Result<std::vector<std::string>> LookupHost(const std::string& name,
                                              Deadline deadline = kNoDeadline);

  // The TXT records at `name` (CNAMEs followed), each record's
  // character-strings concatenated (RFC 8555 8.4 reads them that way).
  // NXDOMAIN and NODATA are an empty list; more than kMaxTxtRecords records
  // or kMaxTxtBytes of text is kDns "... too many/too large ...".
  Result<TxtAnswer> LookupTxt(const std::string& name, Deadline deadline = kNoDeadline);

  // The CAA records (type 257) at `name` exactly, CNAMEs followed; no tree
  // climbing here (the caller climbs, RFC 8659 3). NXDOMAIN and NODATA are an
  // empty list, so a caller can tell "no records" from a failure (SERVFAIL,
  // timeout, bogus), which is an error. Malformed RDATA is an error.
  Result<CaaAnswer> LookupCaa(const std::string& name, Deadline deadline = kNoDeadline);

 private:
  // The implementations: called only with a deadline still in the future.
  virtual Result<std::vector<std::string>> DoLookupHost(const std::string& name,
                                                        Deadline deadline) = 0;
  virtual Result<TxtAnswer> DoLookupTxt(const std::string& name, Deadline deadline) = 0;
  virtual Result<CaaAnswer> DoLookupCaa(const std::string& name, Deadline deadline) = 0;
};

// The error of a lookup whose deadline passed: kDns "DNS problem: query timed
// out looking up TYPE for NAME" (the wording of a per-query timeout, as
// Boulder's VA words both).
Error QueryTimedOut(const std::string& type, const std::string& name);

}  // namespace signet::dns
