#include "client/agent/challenge_prefs.h"

#include <algorithm>
#include <sstream>

#include "client/solvers/dns_records.h"

namespace signet::client {
namespace {

std::vector<std::string> Supported(const std::string& authenticator) {
  if (authenticator == "webroot" || authenticator == "nginx") return {"http-01"};
  if (authenticator == "manual")
    return {"http-01", "dns-01", "dns-account-01", "dns-persist-01"};
  if (authenticator == "dns-rfc2136") return {"dns-01", "dns-account-01", "dns-persist-01"};
  return {"http-01", "tls-alpn-01"};  // standalone
}

// Without --preferred-challenges: certbot's order. TLS-ALPN-01 (which certbot
// 2 lacks) only when asked for, so a certbot command line binds what certbot
// would.
std::vector<std::string> Default(const std::string& authenticator) {
  if (authenticator == "manual") return {"http-01", "dns-01"};
  if (authenticator == "dns-rfc2136") return {"dns-01"};
  return {"http-01"};
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Points at the authenticators that answer DNS challenges when only DNS
// types were asked of one that cannot.
std::string DnsHint(const std::string& authenticator, const std::vector<std::string>& order,
                    bool ip_identifiers) {
  if (ip_identifiers || authenticator == "manual" || authenticator == "dns-rfc2136") return "";
  if (!std::any_of(order.begin(), order.end(), IsDnsChallenge)) return "";
  return " (DNS challenges need --manual with --manual-auth-hook, or --dns-rfc2136)";
}

}  // namespace

Result<std::vector<std::string>> ParsePreferredChallenges(const std::string& flag) {
  std::vector<std::string> out;
  std::stringstream in(flag);
  for (std::string item; std::getline(in, item, ',');) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item.empty()) continue;
    std::string type = item;
    if (type == "http" || type == "dns" || type == "tls-alpn") type += "-01";
    if (type != "http-01" && type != "dns-01" && type != "tls-alpn-01" &&
        type != "dns-account-01" && type != "dns-persist-01")
      return Error(ErrorCode::kMalformed,
                   "unsupported --preferred-challenges " + item +
                       " (use http, dns, tls-alpn-01, dns-account-01 or dns-persist-01)");
    if (std::find(out.begin(), out.end(), type) == out.end()) out.push_back(type);
  }
  return out;
}

Result<std::vector<std::string>> ChallengesFor(const std::string& authenticator,
                                               const std::vector<std::string>& preferred,
                                               bool ip_identifiers) {
  const std::vector<std::string> supported = Supported(authenticator);
  const std::vector<std::string> order = preferred.empty() ? Default(authenticator) : preferred;
  std::vector<std::string> out;
  for (const auto& type : order) {
    if (std::find(supported.begin(), supported.end(), type) == supported.end()) continue;
    if (ip_identifiers && IsDnsChallenge(type)) continue;
    out.push_back(type);
  }
  if (out.empty())
    return Error(ErrorCode::kMalformed,
                 "the " + authenticator + " authenticator cannot answer " + Join(order) +
                     (ip_identifiers ? " for IP addresses (they take http-01 or tls-alpn-01)"
                                     : "") +
                     "; it answers " + Join(supported) + DnsHint(authenticator, order, ip_identifiers));
  return out;
}

}  // namespace signet::client
