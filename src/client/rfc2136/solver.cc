#include "client/rfc2136/solver.h"

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "client/solvers/dns_records.h"

namespace signet::client::rfc2136 {

Solver::Solver(std::string credentials_path, std::chrono::seconds propagation, Log log)
    : credentials_path_(std::move(credentials_path)),
      propagation_(propagation),
      log_(std::move(log)) {}

Status Solver::Perform(const std::vector<ChallengeSpec>& challenges) {
  if (credentials_path_.empty())
    return Error(ErrorCode::kMalformed,
                 "--dns-rfc2136 needs --dns-rfc2136-credentials FILE (the RFC 2136 credentials "
                 "INI file)");
  if (!client_) {
    auto warn = [this](const std::string& w) {
      if (log_) log_("Warning: " + w);
    };
    SIGNET_ASSIGN_OR_RETURN(Credentials credentials, LoadCredentials(credentials_path_, warn));
    client_.emplace(std::move(credentials));
  }
  std::vector<DnsRecord> wanted;  // every record checked before the first update
  for (const ChallengeSpec& c : challenges) {
    SIGNET_ASSIGN_OR_RETURN(DnsRecord want, DnsRecordFor(c));
    wanted.push_back(std::move(want));
  }
  std::vector<Record> records;
  for (size_t i = 0; i < challenges.size(); ++i) {
    const ChallengeSpec& c = challenges[i];
    const DnsRecord& want = wanted[i];
    auto zone = client_->FindZone(want.name);
    if (!zone.ok()) {
      Cleanup(challenges);
      return zone.error();
    }
    Status added = client_->AddTxt(*zone, want.name, want.value, kTtl);
    if (!added.ok()) {
      Cleanup(challenges);
      return added;
    }
    published_.push_back({*zone, want.name, want.value, c.type == "dns-persist-01"});
    records.push_back(published_.back());
  }
  // The caller runs Cleanup only after a successful Perform: undo here.
  Status waited = WaitForAuthoritativeServers(records);
  if (!waited.ok()) Cleanup(challenges);
  return waited;
}

Status Solver::WaitForAuthoritativeServers(const std::vector<Record>& records) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + propagation_;
  if (log_)
    log_("Waiting up to " + std::to_string(propagation_.count()) +
         " seconds for every authoritative server to answer the TXT records");
  // (server address, record index) pairs still to see.
  std::map<std::string, std::vector<std::string>> servers;  // zone -> addresses
  std::set<std::pair<std::string, size_t>> pending;
  for (size_t i = 0; i < records.size(); ++i) {
    auto& addrs = servers[records[i].zone];
    if (addrs.empty()) {
      SIGNET_ASSIGN_OR_RETURN(std::vector<std::string> ns, client_->NameServers(records[i].zone));
      for (const auto& host : ns) {
        std::vector<std::string> a = client_->Addresses(host);
        if (a.empty() && log_) log_("Warning: cannot find an address for name server " + host);
        addrs.insert(addrs.end(), a.begin(), a.end());
      }
      std::sort(addrs.begin(), addrs.end());
      addrs.erase(std::unique(addrs.begin(), addrs.end()), addrs.end());
    }
    for (const auto& a : addrs) pending.insert({a, i});
  }
  const int port = client_->credentials().port;
  while (true) {
    for (auto it = pending.begin(); it != pending.end();) {
      const Record& r = records[it->second];
      auto seen = ServerAnswersTxt(it->first, port, r.name, r.value, std::chrono::seconds(2));
      it = seen.ok() && *seen ? pending.erase(it) : std::next(it);
    }
    if (pending.empty()) return OkStatus();
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(
        std::min<Clock::duration>(std::chrono::seconds(1), deadline - Clock::now()));
  }
  std::string missing;
  for (const auto& [addr, i] : pending)
    missing += (missing.empty() ? "" : ", ") + records[i].name + " at " + addr;
  if (log_)
    log_("Warning: after " + std::to_string(propagation_.count()) +
         " seconds these authoritative servers still do not answer the TXT record: " + missing +
         "; asking the CA to validate anyway");
  return OkStatus();
}

void Solver::Cleanup(const std::vector<ChallengeSpec>& challenges) {
  for (const Record& r : published_) {
    if (r.keep) {
      if (log_)
        log_("Leaving the dns-persist-01 record " + r.name + " TXT \"" + r.value + "\" in place");
      continue;
    }
    Status st = client_->DeleteTxt(r.zone, r.name, r.value);
    if (!st.ok() && log_) log_("Warning: " + st.error().detail);
  }
  published_.clear();
}

}  // namespace signet::client::rfc2136
