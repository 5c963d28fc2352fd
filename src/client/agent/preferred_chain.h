// Choosing among the chains a CA offers for one certificate (RFC 8555 7.4.2:
// the default, then those its Link rel="alternate" URLs serve), as certbot's
// --preferred-chain does (certbot.crypto_util.find_chain_with_issuer).
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace signet::client {

// The most alternate chains the agent fetches for one certificate.
inline constexpr size_t kMaxAlternateChains = 8;

// The index of the first of `chains` (PEM bundles, leaf first; chains[0] the
// CA's default) whose topmost certificate has an issuer commonName equal to
// `issuer_cn` (that is, the first chain that leads to the root so named), or
// nullopt when none does, and the caller keeps the default. A chain whose
// leaf is not chains[0]'s leaf, or that does not parse, is never chosen.
std::optional<size_t> FindChainWithIssuer(const std::vector<std::string>& chains,
                                          std::string_view issuer_cn);

}  // namespace signet::client
