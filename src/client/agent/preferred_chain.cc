#include "client/agent/preferred_chain.h"

#include "pki/certificate.h"

namespace signet::client {
namespace {

std::optional<std::string> IssuerCn(X509* cert) {
  X509_NAME* issuer = X509_get_issuer_name(cert);
  int idx = X509_NAME_get_index_by_NID(issuer, NID_commonName, -1);
  if (idx < 0) return std::nullopt;
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(issuer, idx));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                     size_t(ASN1_STRING_length(value)));
}

}  // namespace

std::optional<size_t> FindChainWithIssuer(const std::vector<std::string>& chains,
                                          std::string_view issuer_cn) {
  if (chains.empty()) return std::nullopt;
  auto first = pki::CertChainFromPem(chains[0]);
  if (!first.ok() || first->empty()) return std::nullopt;
  std::string leaf = pki::CertToDer((*first)[0].get());
  for (size_t i = 0; i < chains.size(); ++i) {
    auto chain = pki::CertChainFromPem(chains[i]);
    if (!chain.ok() || chain->empty() || pki::CertToDer((*chain)[0].get()) != leaf) continue;
    std::optional<std::string> cn = IssuerCn(chain->back().get());
    if (cn && *cn == issuer_cn) return i;
  }
  return std::nullopt;
}

}  // namespace signet::client
