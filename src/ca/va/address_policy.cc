// IsReservedAddress: the special-purpose ranges a public CA must never
// connect to (RFC 6890 and the IANA IPv4/IPv6 Special-Purpose Address
// Registries). Pure function, thread-safe.
#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>

#include "ca/va/http01.h"

namespace signet::va {
namespace {

struct Prefix {
  const char* network;
  int bits;
};

constexpr Prefix kReservedV4[] = {
    {"0.0.0.0", 8},         // "This network" (RFC 791).
    {"10.0.0.0", 8},        // Private (RFC 1918).
    {"100.64.0.0", 10},     // Shared address space / CGNAT (RFC 6598).
    {"127.0.0.0", 8},       // Loopback.
    {"169.254.0.0", 16},    // Link local.
    {"172.16.0.0", 12},     // Private.
    {"192.0.0.0", 24},      // IETF protocol assignments.
    {"192.0.2.0", 24},      // Documentation TEST-NET-1.
    {"192.88.99.0", 24},    // 6to4 relay anycast.
    {"192.168.0.0", 16},    // Private.
    {"198.18.0.0", 15},     // Benchmarking.
    {"198.51.100.0", 24},   // Documentation TEST-NET-2.
    {"203.0.113.0", 24},    // Documentation TEST-NET-3.
    {"224.0.0.0", 4},       // Multicast.
    {"240.0.0.0", 4},       // Reserved for future use.
    {"255.255.255.255", 32},  // Limited broadcast.
};

constexpr Prefix kReservedV6[] = {
    {"::", 96},            // Unspecified, loopback, IPv4-compatible (deprecated).
    {"::ffff:0:0", 96},    // IPv4-mapped: never dialled as IPv6.
    {"64:ff9b::", 96},     // NAT64 well-known prefix.
    {"64:ff9b:1::", 48},   // Local-use IPv4/IPv6 translation (RFC 8215).
    {"100::", 64},         // Discard-only.
    {"100:0:0:1::", 64},   // Dummy IPv6 prefix (RFC 9780).
    {"2001::", 23},        // IETF protocol assignments (Teredo, ORCHID, ...).
    {"2001:db8::", 32},    // Documentation.
    {"2002::", 16},        // 6to4 (RFC 3056): relays to arbitrary IPv4 addresses.
    {"3fff::", 20},        // Documentation (RFC 9637).
    {"5f00::", 16},        // Segment routing SIDs (RFC 9602).
    {"fc00::", 7},         // Unique local.
    {"fe80::", 10},        // Link local.
    {"ff00::", 8},         // Multicast.
};

// True if the first `bits` bits of `a` and `b` (both `len` bytes) agree.
bool PrefixMatches(const unsigned char* a, const unsigned char* b, int bits) {
  const int whole = bits / 8;
  if (std::memcmp(a, b, whole) != 0) return false;
  const int rest = bits % 8;
  if (rest == 0) return true;
  const unsigned mask = (0xffu << (8 - rest)) & 0xffu;
  return (a[whole] & mask) == (b[whole] & mask);
}

template <size_t N, size_t M>
bool InAny(int family, const std::array<unsigned char, N>& addr, const Prefix (&table)[M]) {
  for (const Prefix& p : table) {
    std::array<unsigned char, N> net{};
    inet_pton(family, p.network, net.data());
    if (PrefixMatches(addr.data(), net.data(), p.bits)) return true;
  }
  return false;
}

}  // namespace

bool IsReservedAddress(const std::string& ip) {
  std::array<unsigned char, 4> v4{};
  if (inet_pton(AF_INET, ip.c_str(), v4.data()) == 1) return InAny(AF_INET, v4, kReservedV4);
  std::array<unsigned char, 16> v6{};
  if (inet_pton(AF_INET6, ip.c_str(), v6.data()) == 1) return InAny(AF_INET6, v6, kReservedV6);
  return true;  // Unparsable (including zone ids like "fe80::1%eth0"): refuse.
}

}  // namespace signet::va
