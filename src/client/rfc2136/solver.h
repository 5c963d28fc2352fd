// certbot-dns-rfc2136's authenticator (--dns-rfc2136): publishes each DNS
// challenge's TXT record with a TSIG-signed DNS UPDATE (RFC 2136, RFC 8945)
// to the primary named in the credentials file, waits until every
// authoritative server of the zone answers it, and deletes it in Cleanup.
//
// Waiting: certbot sleeps --dns-rfc2136-propagation-seconds (default 60)
// unconditionally. Here that number is an upper bound: after the updates,
// each NS of each zone (the NS RRset as the primary serves it, each NS name's
// addresses from the primary or else the system resolver, queried directly on
// dns_rfc2136_port without recursion) is asked for the TXT once a second;
// Perform returns as soon as every server answers every record. When the
// bound passes first, Perform warns, naming the servers still missing a
// record, and returns anyway, so the CA is told no later than certbot would.
//
// Record names and values are DnsRecordFor's: dns-01, dns-account-01 and
// dns-persist-01. Cleanup deletes what Perform added except dns-persist-01
// records, which are standing records by design (the next order from the
// account finds them); remove one with nsupdate when retiring it.
//
// The credentials file is read by Perform, as certbot reads it when it
// performs challenges (so its warning about world-readable permissions and
// its errors appear there).
//
// Ownership: holds the credentials and what Perform published until Cleanup.
// Thread-safety: none; one call at a time.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "client/rfc2136/client.h"
#include "client/solvers/solver.h"

namespace signet::client::rfc2136 {

class Solver : public client::Solver {
 public:
  using Log = std::function<void(const std::string&)>;
  // `log` receives progress lines and warnings (may be null).
  Solver(std::string credentials_path, std::chrono::seconds propagation, Log log);

  Status Perform(const std::vector<ChallengeSpec>& challenges) override;
  void Cleanup(const std::vector<ChallengeSpec>& challenges) override;

  static constexpr int kTtl = 120;  // certbot-dns-rfc2136's TTL

 private:
  struct Record {
    std::string zone, name, value;
    bool keep = false;  // dns-persist-01: left in place by Cleanup
  };
  Status WaitForAuthoritativeServers(const std::vector<Record>& records);

  std::string credentials_path_;
  std::optional<Client> client_;
  std::chrono::seconds propagation_;
  Log log_;
  std::vector<Record> published_;
};

}  // namespace signet::client::rfc2136
