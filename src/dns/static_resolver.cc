#include "dns/static_resolver.h"

#include <algorithm>
#include <cctype>

#include "dns/rdata.h"

namespace signet::dns {
namespace {

std::string Normalize(std::string name) {
  if (!name.empty() && name.back() == '.') name.pop_back();
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name;
}

bool IsV4(const std::string& address) { return address.find(':') == std::string::npos; }

}  // namespace

StaticResolver::StaticResolver(std::map<std::string, std::vector<std::string>> hosts,
                               std::optional<std::string> default_address)
    : default_address_(std::move(default_address)) {
  for (auto& [name, addresses] : hosts) hosts_[Normalize(name)] = std::move(addresses);
}

void StaticResolver::Add(const std::string& name, std::vector<std::string> addresses) {
  std::lock_guard lock(mu_);
  hosts_[Normalize(name)] = std::move(addresses);
}

void StaticResolver::AddTxt(const std::string& name, std::vector<std::string> records) {
  std::lock_guard lock(mu_);
  txt_[Normalize(name)] = std::move(records);
}

void StaticResolver::AddCaa(const std::string& name, std::vector<CaaRecord> records) {
  std::lock_guard lock(mu_);
  caa_[Normalize(name)] = std::move(records);
}

void StaticResolver::AddError(const std::string& name, Error error) {
  std::lock_guard lock(mu_);
  errors_.insert_or_assign(Normalize(name), std::move(error));
}

void StaticResolver::SetDefault(std::optional<std::string> default_address) {
  std::lock_guard lock(mu_);
  default_address_ = std::move(default_address);
}

Result<std::vector<std::string>> StaticResolver::DoLookupHost(const std::string& name, Deadline) {
  const std::string key = Normalize(name);
  std::lock_guard lock(mu_);
  if (auto e = errors_.find(key); e != errors_.end()) return e->second;
  if (auto it = hosts_.find(key); it != hosts_.end()) {
    std::vector<std::string> out = it->second;
    std::stable_partition(out.begin(), out.end(), IsV4);
    if (out.empty()) return Error(ErrorCode::kDns, "No valid IP addresses found for " + name);
    return out;
  }
  if (default_address_) return std::vector<std::string>{*default_address_};
  return Error(ErrorCode::kDns, "DNS problem: NXDOMAIN looking up A for " + name);
}

Result<TxtAnswer> StaticResolver::DoLookupTxt(const std::string& name, Deadline) {
  const std::string key = Normalize(name);
  std::lock_guard lock(mu_);
  if (auto e = errors_.find(key); e != errors_.end()) return e->second;
  TxtAnswer answer;
  answer.canonical_name = name;
  if (auto it = txt_.find(key); it != txt_.end()) answer.records = it->second;
  SIGNET_RETURN_IF_ERROR(CheckTxtLimits(answer.records, name));
  return answer;
}

Result<CaaAnswer> StaticResolver::DoLookupCaa(const std::string& name, Deadline) {
  const std::string key = Normalize(name);
  std::lock_guard lock(mu_);
  if (auto e = errors_.find(key); e != errors_.end()) return e->second;
  CaaAnswer answer;
  answer.canonical_name = name;
  if (auto it = caa_.find(key); it != caa_.end()) answer.records = it->second;
  return answer;
}

CaaAnswers StaticResolver::DoLookupCaaAll(const std::vector<std::string>& names,
                                          Deadline deadline, const CaaEnough& enough) {
  CaaAnswers answers(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    answers[i] = LookupCaa(names[i], deadline);
    if (enough(answers)) break;
  }
  return answers;
}

}  // namespace signet::dns
