#include "ca/signer/signer.h"

#include "pki/certificate.h"
#include "pki/issuer.h"

namespace signet::ca {

Result<IssuedCertificate> Signer::Issue(const crypto::Key& subject_key,
                                        const std::vector<std::string>& dns_names,
                                        const std::vector<std::string>& ip_addresses) const {
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(acme::Clock::now());
  pki::LeafTemplate leaf;
  leaf.subject_key = subject_key;
  leaf.dns_names = dns_names;
  leaf.ip_addresses = ip_addresses;
  leaf.serial = pki::RandomSerial();
  leaf.not_before = now - config_.backdate;
  // RFC 5280 validity is inclusive of notAfter: subtract a second so the
  // lifetime is exactly what is configured.
  leaf.not_after = leaf.not_before + config_.lifetime - std::chrono::seconds(1);
  leaf.ca_issuers_url = config_.ca_issuers_url;
  SIGNET_ASSIGN_OR_RETURN(crypto::X509Ptr cert, pki::IssueLeaf(hierarchy_.intermediate(), leaf));
  IssuedCertificate out;
  out.serial_hex = pki::SerialHex(cert.get());
  out.chain_pem = pki::CertToPem(cert.get()) + hierarchy_.IntermediatePem();
  out.not_before = leaf.not_before;
  out.not_after = leaf.not_after;
  return out;
}

}  // namespace signet::ca
