#include "ca/ratelimit/transactions.h"

#include <arpa/inet.h>
#include <libpsl.h>

#include <algorithm>
#include <set>

#include "crypto/digest.h"
#include "storage/store.h"

namespace signet::ca::ratelimit {

std::string Transaction::StoreKey() const { return std::string(NameOf(limit)) + ":" + bucket; }

namespace {

Transaction Make(LimitName limit, std::string key, std::string subject) {
  Transaction t{limit, key, key, std::move(subject)};
  return t;
}

const psl_ctx_t* PublicSuffixes() {
  static const psl_ctx_t* psl = [] {
    const psl_ctx_t* p = psl_latest(nullptr);
    return p ? p : psl_builtin();
  }();
  return psl;
}

}  // namespace

std::string RegisteredDomain(const std::string& name) {
  std::string base = name.rfind("*.", 0) == 0 ? name.substr(2) : name;
  const char* reg = PublicSuffixes() ? psl_registrable_domain(PublicSuffixes(), base.c_str())
                                     : nullptr;
  return reg ? std::string(reg) : base;
}

Transaction NewRegistrationFromIp(const std::string& ip) {
  return Make(LimitName::kNewRegistrationsPerIp, ip, "from IP address " + ip);
}

std::optional<Transaction> NewRegistrationFromIpv6Range(const std::string& ip) {
  in6_addr a{};
  if (inet_pton(AF_INET6, ip.c_str(), &a) != 1) return std::nullopt;
  if (IN6_IS_ADDR_V4MAPPED(&a)) return std::nullopt;
  std::fill(a.s6_addr + 6, a.s6_addr + 16, 0);
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, &a, text, sizeof(text));
  std::string range = std::string(text) + "/48";
  return Make(LimitName::kNewRegistrationsPerIpv6Range, range, "from IPv6 range " + range);
}

Transaction NewOrder(const std::string& account_id) {
  return Make(LimitName::kNewOrdersPerAccount, account_id, "for account " + account_id);
}

Transaction PendingAuthorizations(const std::string& account_id, int64_t count) {
  Transaction t = Make(LimitName::kPendingAuthorizationsPerAccount, account_id,
                       "for account " + account_id);
  t.cost = count;
  return t;
}

Transaction FailedAuthorization(const std::string& account_id, const acme::Identifier& id) {
  Transaction t = Make(LimitName::kFailedAuthorizationsPerIdentifierPerAccount,
                       account_id + ":" + id.type + ":" + id.value,
                       "for " + id.type + " identifier " + id.value + " by account " + account_id);
  t.override_key = account_id;
  return t;
}

std::vector<Transaction> CertificatesPerDomain(const std::vector<acme::Identifier>& ids) {
  std::set<std::string> domains;
  for (const auto& id : ids) domains.insert(id.type == "ip" ? id.value : RegisteredDomain(id.value));
  std::vector<Transaction> out;
  for (const auto& d : domains)
    out.push_back(Make(LimitName::kCertificatesPerDomain, d, "for registered domain " + d));
  return out;
}

Transaction CertificatesPerExactSet(const std::vector<acme::Identifier>& ids) {
  const std::string set = storage::IdentifierSetKey(ids);
  Transaction t = Make(LimitName::kCertificatesPerExactSet, crypto::HexEncode(crypto::Sha256(set)),
                       "for the exact set of identifiers [" + set + "]");
  t.override_key = set;
  return t;
}

}  // namespace signet::ca::ratelimit
