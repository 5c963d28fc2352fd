// Name resolution for validation (the VA's view of the DNS), behind an
// interface so unit tests can use a fixed table and the CA a real resolver.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace signet::dns {

// Thread-safe: implementations may be called from several threads at once.
class Resolver {
 public:
  virtual ~Resolver() = default;
  // The A and AAAA addresses of `name`, as text ("127.0.0.1", "::1"), IPv4
  // first. No address at all is kDns "No valid IP addresses found for NAME";
  // NXDOMAIN, a server failure or a timeout is kDns naming the cause.
  virtual Result<std::vector<std::string>> LookupHost(const std::string& name) = 0;
};

}  // namespace signet::dns
