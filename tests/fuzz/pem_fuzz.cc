// PEM files the programs read: certificates and chains (the agent's lineage
// and what the CA sends back, signetd's listener and CA files), private and
// public keys (key files, --key-path) and CSRs (signet --csr). Each parser
// gets the same text; what parses is used as the programs use it.
#include <openssl/err.h>

#include "crypto/key.h"
#include "pki/ari_cert_id.h"
#include "pki/certificate.h"
#include "pki/csr.h"
#include "pki/csr_builder.h"
#include "pki/key_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (auto cert = signet::pki::CertFromPem(text); cert.ok()) {
    (void)signet::pki::CertToPem(cert->get());
    (void)signet::pki::AriCertIdOf(cert->get());
  }
  if (auto chain = signet::pki::CertChainFromPem(text); chain.ok()) {
    for (const auto& c : *chain) (void)signet::pki::CertToPem(c.get());
  }
  if (auto key = signet::crypto::Key::FromPem(text); key.ok()) {
    (void)signet::pki::CheckSubscriberKey(*key);
    (void)key->PublicPem();
  }
  if (auto der = signet::pki::CsrDerFromFileContents(text); der.ok()) {
    if (auto csr = signet::pki::ParseCsr(*der); csr.ok()) (void)signet::pki::CsrDnsNames(*csr);
  }
  ERR_clear_error();
  return 0;
}
