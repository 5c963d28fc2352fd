// A Resolver with a fixed table, for unit tests and the --allow-loopback demo.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "dns/resolver.h"

namespace signet::dns {

// StaticResolver: answers from tables name -> addresses / TXT / CAA records,
// plus an optional default address for every other name (A/AAAA only).
// Names match case-insensitively and without a trailing dot. No CNAMEs, no
// DNSSEC (answers are never secure). Sends no DNS traffic at all.
//
// Thread-safety: all methods may be called concurrently.
class StaticResolver : public Resolver {
 public:
  StaticResolver() = default;
  explicit StaticResolver(std::map<std::string, std::vector<std::string>> hosts,
                          std::optional<std::string> default_address = std::nullopt);

  // Replaces the addresses of `name`. An empty list makes the name exist
  // with no addresses ("No valid IP addresses found").
  void Add(const std::string& name, std::vector<std::string> addresses);
  // Replaces the TXT / CAA records of `name` (an empty list: NODATA).
  void AddTxt(const std::string& name, std::vector<std::string> records);
  void AddCaa(const std::string& name, std::vector<CaaRecord> records);
  // Makes every lookup of `name` fail with `error` (e.g. a simulated SERVFAIL).
  void AddError(const std::string& name, Error error);
  void SetDefault(std::optional<std::string> default_address);

 private:
  // Answers at once, so the deadline plays no part (Resolver checks that it
  // has not passed before asking).
  // The table's addresses, IPv4 first; else the default address; else kDns
  // "DNS problem: NXDOMAIN looking up A for NAME".
  Result<std::vector<std::string>> DoLookupHost(const std::string& name, Deadline) override;
  // The table's records; names not in the table are NXDOMAIN: an empty
  // list. TXT answers beyond kMaxTxtRecords/kMaxTxtBytes are kDns errors.
  Result<TxtAnswer> DoLookupTxt(const std::string& name, Deadline) override;
  Result<CaaAnswer> DoLookupCaa(const std::string& name, Deadline) override;
  // Asks the names one after another (each answers at once, so threads
  // would only add their cost), stopping when `enough` says so.
  CaaAnswers DoLookupCaaAll(const std::vector<std::string>& names, Deadline deadline,
                            const CaaEnough& enough) override;

  mutable std::mutex mu_;
  std::map<std::string, std::vector<std::string>> hosts_;
  std::map<std::string, std::vector<std::string>> txt_;
  std::map<std::string, std::vector<CaaRecord>> caa_;
  std::map<std::string, Error> errors_;
  std::optional<std::string> default_address_;
};

}  // namespace signet::dns
