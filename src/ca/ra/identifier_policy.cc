#include "ca/ra/identifier_policy.h"

#include <arpa/inet.h>

#include <array>

namespace signet::ca {
namespace {

Status Reject(const acme::Identifier& id, const std::string& why) {
  Error e(ErrorCode::kRejectedIdentifier, "Cannot issue for \"" + id.value + "\": " + why);
  e.identifier_type = id.type;
  e.identifier_value = id.value;
  return e;
}

bool IsIpLiteral(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

}  // namespace

Status CheckIdentifier(const acme::Identifier& id, bool allow_test_names) {
  if (id.type != "dns") {
    Error e(ErrorCode::kUnsupportedIdentifier,
            "Identifier type \"" + id.type + "\" is not supported; only \"dns\" is");
    e.identifier_type = id.type;
    e.identifier_value = id.value;
    return e;
  }
  const std::string& name = id.value;
  if (name.empty()) return Reject(id, "empty name");
  if (name.size() > 253) return Reject(id, "name is longer than 253 characters");
  if (name.back() == '.') return Reject(id, "name ends in a dot");
  if (IsIpLiteral(name)) return Reject(id, "an IP address is not a DNS name");
  if (name.find('*') != std::string::npos)
    return Reject(id, "wildcard names need the dns-01 challenge, which this CA does not offer");
  size_t labels = 0;
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    std::string_view label(name.data() + start, dot - start);
    if (label.empty()) return Reject(id, "name contains an empty label");
    if (label.size() > 63) return Reject(id, "a label is longer than 63 characters");
    if (label.front() == '-' || label.back() == '-')
      return Reject(id, "a label starts or ends with a hyphen");
    for (char c : label) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) return Reject(id, "name contains an invalid character");
    }
    ++labels;
    start = dot + 1;
  }
  if (labels < 2) return Reject(id, "name must have at least two labels");
  static constexpr std::array<std::string_view, 5> kReserved = {".local", ".localhost", ".invalid",
                                                                ".test", ".example"};
  if (!allow_test_names) {
    for (std::string_view tld : kReserved)
      if (name.size() > tld.size() && name.ends_with(tld))
        return Reject(id, "name is under a reserved top-level domain");
  }
  return OkStatus();
}

}  // namespace signet::ca
