// Name resolution for validation (the VA's view of the DNS), behind an
// interface so unit tests can use a fixed table and the CA a real resolver.
// A/AAAA serve HTTP-01 and TLS-ALPN-01 (RFC 8555 8.3, RFC 8737), TXT serves
// DNS-01 (RFC 8555 8.4) and CAA serves the issuance check (RFC 8659).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
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

// The answers of a batch of CAA lookups (Resolver::LookupCaaAll), one per
// name in the order asked; nullopt for a lookup abandoned unanswered.
using CaaAnswers = std::vector<std::optional<Result<CaaAnswer>>>;
// Whether the answers in so far settle the caller's question, so that the
// lookups still outstanding can be abandoned.
using CaaEnough = std::function<bool(const CaaAnswers& so_far)>;

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

  // The CAA records at each of `names` (each as LookupCaa would answer),
  // all queried at once: every query is sent before any answer is awaited,
  // so a batch takes the time of its slowest needed answer, not the sum.
  // After each answer arrives, `enough(answers so far)` is asked (on the
  // calling thread, one call at a time); once it says true the lookups
  // still outstanding are abandoned (left nullopt) and this returns. Else
  // it returns when every name has its answer; one not in by `deadline`
  // (or the per-query timeout) is QueryTimedOut. On return, either
  // `enough` said true or every answer is set. For the CAA tree climb
  // (RFC 8659 3), which needs the closest non-empty RRset and nothing above.
  CaaAnswers LookupCaaAll(const std::vector<std::string>& names, Deadline deadline,
                          const CaaEnough& enough);

 private:
  // The implementations: called only with a deadline still in the future.
  virtual Result<std::vector<std::string>> DoLookupHost(const std::string& name,
                                                        Deadline deadline) = 0;
  virtual Result<TxtAnswer> DoLookupTxt(const std::string& name, Deadline deadline) = 0;
  virtual Result<CaaAnswer> DoLookupCaa(const std::string& name, Deadline deadline) = 0;
  // The batch, called with a deadline still in the future and at least one
  // name. The default runs DoLookupCaa for each name on a thread of its own
  // and returns when `enough` says so or every answer is in, once all its
  // threads have finished (an abandoned lookup still runs to its end, its
  // answer dropped): fine for tables and test fakes. A resolver with
  // asynchronous queries overrides it to return at once (UnboundResolver).
  virtual CaaAnswers DoLookupCaaAll(const std::vector<std::string>& names, Deadline deadline,
                                    const CaaEnough& enough);
};

// The error of a lookup whose deadline passed: kDns "DNS problem: query timed
// out looking up TYPE for NAME" (the wording of a per-query timeout, as
// Boulder's VA words both).
Error QueryTimedOut(const std::string& type, const std::string& name);

}  // namespace signet::dns
