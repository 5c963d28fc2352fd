#include "client/agent/obtain.h"

#include <cstdio>

#include "acme/ip_identifier.h"
#include "client/acme/problem.h"
#include "client/agent/preferred_chain.h"
#include "client/solvers/dns_records.h"

namespace signet::client {
namespace {

using Deadline = AcmeClient::Deadline;

struct Pending {
  std::string authz_url;
  std::string challenge_url;
  ChallengeSpec spec;
};

std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return out;
}

// `s` in double quotes for a one-line message: control characters, quotes,
// backslashes and non-ASCII bytes escaped, at most 100 bytes shown.
std::string Quote(std::string_view s) {
  constexpr size_t kMax = 100;
  std::string out = "\"";
  for (char c : s.substr(0, kMax)) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + (s.size() > kMax ? "\"..." : "\"");
}

// Picks the challenge of `type` in each pending authorization, once every
// authorization is known to be for a requested name.
Result<std::vector<Pending>> Plan(AcmeClient& acme, const Order& order,
                                  const std::vector<std::string>& names,
                                  const std::vector<std::string>& types, const Logger& log) {
  std::vector<Pending> out;
  for (const auto& url : order.authorizations) {
    SIGNET_ASSIGN_OR_RETURN(Authorization authz, acme.GetAuthorization(url));
    SIGNET_ASSIGN_OR_RETURN(std::string domain, MatchRequestedName(authz, names));
    authz.identifier.value = domain;
    if (authz.status == "valid") {
      log("Authorization for " + authz.identifier.value + " is already valid");
      continue;
    }
    if (authz.status != "pending")
      return Error(ErrorCode::kUnauthorized, "authorization for " + authz.identifier.value +
                                                 " is " + authz.status);
    const Challenge* c = nullptr;
    for (const std::string& type : types)
      if ((c = authz.FindChallenge(type))) break;
    if (!c) {
      std::vector<std::string> offered;
      for (const auto& ch : authz.challenges) offered.push_back(ch.type);
      return Error(ErrorCode::kMalformed,
                   "the CA offers no " + Join(types, " or ") + " challenge for " +
                       authz.identifier.value + " (offered: " + Join(offered, ", ") +
                       "); choose another authenticator");
    }
    const std::string& type = c->type;
    ChallengeInputs in{authz.identifier.value, authz.wildcard, type, c->token,
                       c->token.empty() ? "" : acme.KeyAuthorization(c->token),
                       acme.account_url(), c->issuer_domain_names};
    SIGNET_ASSIGN_OR_RETURN(ChallengeSpec spec, MakeChallengeSpec(in));
    spec.identifier_type = Lower(authz.identifier.type);
    out.push_back({url, c->url, std::move(spec)});
  }
  return out;
}

// Answers and waits for every challenge; the solver has published them.
Status Validate(AcmeClient& acme, const std::vector<Pending>& plan, Deadline deadline,
                const Logger& log) {
  for (const auto& p : plan) {
    auto answered = acme.RespondToChallenge(p.challenge_url);
    if (!answered.ok()) return std::move(answered).error();
  }
  Error failed(ErrorCode::kUnauthorized, "Some challenges have failed");
  for (const auto& p : plan) {
    SIGNET_ASSIGN_OR_RETURN(Authorization authz, acme.WaitForAuthorization(p.authz_url, deadline));
    if (authz.status == "valid") {
      log(p.spec.type + " challenge for " + p.spec.domain + ": valid");
      continue;
    }
    const Challenge* c = authz.FindChallenge(p.spec.type);
    Error e = c && c->error ? ProblemToError(*c->error)
                            : Error(ErrorCode::kUnauthorized, "authorization is " + authz.status);
    e.identifier_type = p.spec.identifier_type;
    e.identifier_value = p.spec.domain;
    log(p.spec.type + " challenge for " + p.spec.domain + ": failed: " + e.detail);
    failed.subproblems.push_back(std::move(e));
  }
  if (failed.subproblems.empty()) return OkStatus();
  if (failed.subproblems.size() == 1) failed.code = failed.subproblems[0].code;
  return failed;
}

// certbot's --preferred-chain over the default chain `pem` and the CA's
// alternates.
std::string ChooseChain(AcmeClient& acme, std::string pem,
                        const std::vector<std::string>& alternates, const std::string& preferred,
                        const Logger& log) {
  std::vector<std::string> chains{std::move(pem)};
  for (size_t i = 0; i < alternates.size() && i < kMaxAlternateChains; ++i) {
    auto alternate = acme.DownloadCertificate(alternates[i]);
    if (alternate.ok())
      chains.push_back(std::move(*alternate));
    else
      log("Skipping the alternate chain " + Quote(alternates[i]) + ": " +
          alternate.error().detail);
  }
  std::optional<size_t> chosen = FindChainWithIssuer(chains, preferred);
  if (!chosen) {
    log("No chain from the CA has the preferred issuer " + Quote(preferred) +
        "; using the default chain");
    return std::move(chains[0]);
  }
  if (*chosen > 0) log("Using the alternate chain with the preferred issuer " + Quote(preferred));
  return std::move(chains[*chosen]);
}

}  // namespace

Result<std::string> MatchRequestedName(const Authorization& authz,
                                       const std::vector<std::string>& requested) {
  const Identifier& id = authz.identifier;
  if (Lower(id.type) == "ip") {
    auto value = acme::CanonicalIpAddress(id.value);
    for (const std::string& name : requested) {
      auto wanted = acme::CanonicalIpAddress(name);
      if (value.ok() && wanted.ok() && *value == *wanted && !authz.wildcard) return name;
    }
  }
  if (Lower(id.type) == "dns") {
    const std::string value = Lower(id.value);
    for (const std::string& name : requested) {
      if (acme::IsIpAddress(name)) continue;  // an address is asked for as "ip"
      bool wildcard = name.starts_with("*.");
      std::string_view base = std::string_view(name).substr(wildcard ? 2 : 0);
      if (wildcard == authz.wildcard && Lower(base) == value) return std::string(base);
    }
  }
  return Error(ErrorCode::kServerInternal,
               "the CA sent an authorization for " + Quote(id.type) + " identifier " +
                   Quote(id.value) + (authz.wildcard ? " (wildcard)" : "") +
                   ", which was not requested (requested: " + Join(requested, ", ") +
                   "); refusing to answer any challenge of this order");
}

std::pair<std::string, std::string> SplitLeaf(const std::string& pem) {
  const std::string end = "-----END CERTIFICATE-----";
  size_t pos = pem.find(end);
  if (pos == std::string::npos) return {pem, ""};
  pos += end.size();
  while (pos < pem.size() && (pem[pos] == '\n' || pem[pos] == '\r')) ++pos;
  std::string leaf = pem.substr(0, pos);
  if (leaf.back() != '\n') leaf += '\n';
  return {leaf, pem.substr(pos)};
}

Result<Obtained> ObtainCertificate(AcmeClient& acme, Solver& solver, const ObtainRequest& request,
                                   const Logger& log) {
  Deadline deadline = std::chrono::steady_clock::now() + request.timeout;
  log("Requesting a certificate for " + Join(request.names, ", "));
  if (!request.replaces.empty())
    log("The order replaces certificate " + request.replaces + " (RFC 9773)");
  Result<Order> ordered = acme.NewOrder(request.names, request.profile, request.replaces);
  if (!ordered.ok() && !request.replaces.empty() &&
      ordered.error().code == ErrorCode::kAlreadyReplaced) {
    // RFC 9773 5: another order already replaces the certificate (an earlier
    // run that failed after ordering); an order without "replaces" is valid.
    log("The CA says " + request.replaces + " was already replaced (" + ordered.error().detail +
        "); ordering without \"replaces\"");
    ordered = acme.NewOrder(request.names, request.profile);
  }
  SIGNET_ASSIGN_OR_RETURN(Order order, std::move(ordered));
  SIGNET_ASSIGN_OR_RETURN(std::vector<Pending> plan,
                          Plan(acme, order, request.names,
                               request.challenge_types.empty()
                                   ? std::vector<std::string>{request.challenge_type}
                                   : request.challenge_types,
                               log));
  if (!plan.empty()) {
    std::vector<ChallengeSpec> specs;
    for (const auto& p : plan) specs.push_back(p.spec);
    SIGNET_RETURN_IF_ERROR(solver.Perform(specs));
    Status validated = Validate(acme, plan, deadline, log);
    solver.Cleanup(specs);
    SIGNET_RETURN_IF_ERROR(validated);
  }
  SIGNET_ASSIGN_OR_RETURN(order, acme.WaitForOrder(order.url, deadline));
  if (order.status != "ready" && order.status != "valid")
    return Error(ErrorCode::kOrderNotReady, "order is " + order.status + " after validation");
  if (order.status == "ready") {
    log("Finalizing the order");
    SIGNET_ASSIGN_OR_RETURN(order, acme.Finalize(order, request.csr_der));
    SIGNET_ASSIGN_OR_RETURN(order, acme.WaitForOrder(order.url, deadline));
  }
  if (order.status != "valid" || order.certificate_url.empty()) {
    if (order.error) return ProblemToError(*order.error);
    return Error(ErrorCode::kServerInternal, "order ended " + order.status + " without a certificate");
  }
  std::vector<std::string> alternates;
  bool choose = !request.preferred_chain.empty();
  SIGNET_ASSIGN_OR_RETURN(
      std::string pem,
      acme.DownloadCertificate(order.certificate_url, choose ? &alternates : nullptr));
  if (choose) pem = ChooseChain(acme, std::move(pem), alternates, request.preferred_chain, log);
  Obtained out;
  out.fullchain_pem = pem;
  std::tie(out.cert_pem, out.chain_pem) = SplitLeaf(pem);
  out.order_url = order.url;
  return out;
}

}  // namespace signet::client
