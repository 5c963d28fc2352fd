#include "acme/challenge_types.h"

#include <array>

namespace signet::acme {
namespace {

constexpr std::array<ChallengeType, 5> kTypes = {{
    {kHttp01, /*dns*/ true, /*wildcard*/ false, /*ip*/ true, /*token*/ true, /*reuse*/ true},
    {kDns01, true, true, false, true, true},
    {kTlsAlpn01, true, false, true, true, true},
    {kDnsAccount01, true, true, false, true, true},
    {kDnsPersist01, true, true, false, false, false},
}};

}  // namespace

std::span<const ChallengeType> AllChallengeTypes() { return kTypes; }

const ChallengeType* FindChallengeType(std::string_view name) {
  for (const auto& t : kTypes)
    if (t.name == name) return &t;
  return nullptr;
}

std::vector<std::string> ChallengeTypesFor(const Identifier& id, bool wildcard) {
  std::vector<std::string> out;
  for (const auto& t : kTypes) {
    const bool offered = id.type == "ip" ? t.ip_addresses : (wildcard ? t.wildcards : t.dns_names);
    if (offered) out.emplace_back(t.name);
  }
  return out;
}

}  // namespace signet::acme
