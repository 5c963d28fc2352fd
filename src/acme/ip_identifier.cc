#include "acme/ip_identifier.h"

#include <arpa/inet.h>

namespace signet::acme {
namespace {

// The address's family and bytes; family 0 when `s` is no address.
int Parse(const std::string& s, unsigned char bytes[16]) {
  if (inet_pton(AF_INET, s.c_str(), bytes) == 1) return AF_INET;
  if (inet_pton(AF_INET6, s.c_str(), bytes) == 1) return AF_INET6;
  return 0;
}

Error NotAnAddress(const std::string& s) {
  return Error(ErrorCode::kMalformed, "\"" + s + "\" is not an IPv4 or IPv6 address");
}

}  // namespace

bool IsIpAddress(const std::string& s) {
  unsigned char b[16];
  return Parse(s, b) != 0;
}

Result<std::string> CanonicalIpAddress(const std::string& ip) {
  unsigned char b[16];
  const int family = Parse(ip, b);
  char text[INET6_ADDRSTRLEN];
  if (family == 0 || !inet_ntop(family, b, text, sizeof(text))) return NotAnAddress(ip);
  return std::string(text);
}

Result<std::string> ReverseDnsName(const std::string& ip) {
  unsigned char b[16];
  const int family = Parse(ip, b);
  if (family == AF_INET)
    return std::to_string(b[3]) + "." + std::to_string(b[2]) + "." + std::to_string(b[1]) + "." +
           std::to_string(b[0]) + ".in-addr.arpa";
  if (family != AF_INET6) return NotAnAddress(ip);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 15; i >= 0; --i) {
    out += kHex[b[i] & 15];
    out += '.';
    out += kHex[b[i] >> 4];
    out += '.';
  }
  return out + "ip6.arpa";
}

}  // namespace signet::acme
