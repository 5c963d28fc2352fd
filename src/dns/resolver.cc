// The Resolver's deadline check, shared by every implementation.
#include "dns/resolver.h"

namespace signet::dns {
namespace {

bool Passed(Deadline deadline) { return std::chrono::steady_clock::now() >= deadline; }

}  // namespace

Error QueryTimedOut(const std::string& type, const std::string& name) {
  return Error(ErrorCode::kDns, "DNS problem: query timed out looking up " + type + " for " + name);
}

Result<std::vector<std::string>> Resolver::LookupHost(const std::string& name, Deadline deadline) {
  if (Passed(deadline)) return QueryTimedOut("A", name);
  return DoLookupHost(name, deadline);
}

Result<TxtAnswer> Resolver::LookupTxt(const std::string& name, Deadline deadline) {
  if (Passed(deadline)) return QueryTimedOut("TXT", name);
  return DoLookupTxt(name, deadline);
}

Result<CaaAnswer> Resolver::LookupCaa(const std::string& name, Deadline deadline) {
  if (Passed(deadline)) return QueryTimedOut("CAA", name);
  return DoLookupCaa(name, deadline);
}

}  // namespace signet::dns
