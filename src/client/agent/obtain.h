// The agent's issuance flow (RFC 8555 7.4-7.5, seed "How It Works"): order,
// prove control of every name through a Solver, finalize with a CSR, and
// download the chain. The protocol engine and the solver are given; this is
// the choreography between them.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/result.h"
#include "client/acme/acme_client.h"
#include "client/solvers/solver.h"

namespace signet::client {

struct ObtainRequest {
  std::vector<std::string> names;
  std::string csr_der;
  std::string challenge_type = "http-01";  // or "dns-01"
  std::chrono::seconds timeout{300};        // for the whole flow
  std::string profile = "";                 // newOrder "profile" ("" = the CA's default)
  // certbot's --preferred-chain: the issuer CN of the topmost certificate of
  // the chain to keep, among the default and the CA's alternates (RFC 8555
  // 7.4.2); the default when none matches or when empty.
  std::string preferred_chain;
  // RFC 9773 5: the ARI CertID of the certificate this one renews, sent as
  // the order's "replaces" ("" = none). When the CA answers alreadyReplaced,
  // the order is placed again without it.
  std::string replaces;
  // When not empty, replaces challenge_type: per authorization the first of
  // these types the CA offers (certbot's --preferred-challenges).
  std::vector<std::string> challenge_types;
};

// The PEM chain the CA returned (leaf first), plus where it came from.
struct Obtained {
  std::string fullchain_pem;
  std::string cert_pem;   // the leaf
  std::string chain_pem;  // everything after the leaf
  std::string order_url;
};

// `log` receives one line per step. Challenge failures come back as one
// Error naming each failed identifier with the CA's problem. Every
// authorization of the order must be for a requested name
// (MatchRequestedName), checked before the solver is called: otherwise
// kServerInternal naming the unexpected identifier, and no solver or hook
// runs. With a preferred_chain, the alternate chains are fetched too (at
// most kMaxAlternateChains; one that fails is skipped with a log line) and
// FindChainWithIssuer picks one.
Result<Obtained> ObtainCertificate(AcmeClient& acme, Solver& solver, const ObtainRequest& request,
                                   const Logger& log);

// The requested name that `authz` is for, as the operator spelled it
// without a "*." prefix (what the solver and hooks receive as the domain):
// a dns identifier whose value equals a requested name ignoring case, with
// "wildcard": true exactly when that name was requested as "*.value" (RFC
// 8555 7.1.4), or an ip identifier equal to a requested IP address (RFC
// 8738; compared in canonical form). Anything else is a one-line kServerInternal error naming the
// identifier: a CA must not make the agent (running as root) publish or run
// hooks for a name nobody asked for.
Result<std::string> MatchRequestedName(const Authorization& authz,
                                       const std::vector<std::string>& requested);

// Splits a PEM bundle into its first certificate and the rest.
std::pair<std::string, std::string> SplitLeaf(const std::string& pem);

}  // namespace signet::client
