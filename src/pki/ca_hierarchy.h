// The CA hierarchy as signetd serve sees it: certificates, and the one key
// it signs with, the issuing intermediate's (a SigningKey: a key file or a
// token key). The roots' keys are never opened here; they are used only by
// the ceremony that made the directory (pki/ca_ceremony.h):
//   DIR/root.pem                   the trust anchor (ECDSA P-384 by default)
//   DIR/intermediate.pem           the issuing CA (P-256 by default); its key
//                                  DIR/intermediate.key (0600) unless on a token
//   DIR/root-alt.pem, DIR/intermediate-cross.pem   the alternate chain, if made
// The intermediate is a TLS subordinate CA: pathLen 0 and extKeyUsage
// serverAuth, clientAuth.
//
// Alternate chain (RFC 8555 7.4.2): a second self-signed root, "PREFIX
// Alternate Root X2", and intermediate-cross.pem, the intermediate's subject,
// key and extensions certified by that root. Leaves then chain to either
// root: leaf + intermediate.pem to root.pem, leaf + intermediate-cross.pem to
// root-alt.pem.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "crypto/signing_key.h"
#include "pki/issuer.h"

namespace signet::pki {

class CaHierarchy {
 public:
  // Loads the certificates from `dir`, with `intermediate_signer` as the
  // intermediate's key; checks that the intermediate is signed by the root,
  // that the signer's key is the intermediate certificate's, and that a
  // cross-certificate matches (else the alternate chain is left out, with
  // an error if the two files disagree).
  static Result<CaHierarchy> Load(const std::filesystem::path& dir,
                                  std::shared_ptr<const crypto::SigningKey> intermediate_signer);
  // Load with DIR/intermediate.key as the intermediate's key.
  static Result<CaHierarchy> Load(const std::filesystem::path& dir);
  // For tests, benches and a test CA's first start: RunCeremony with every
  // default when DIR has no root.pem, then Load.
  static Result<CaHierarchy> LoadOrCreate(const std::filesystem::path& dir,
                                          const std::string& name_prefix = "Signet");

  // The roots have no signer: serve never holds their keys.
  const Issuer& root() const { return root_; }
  const Issuer& intermediate() const { return intermediate_; }
  std::string RootPem() const;
  std::string IntermediatePem() const;
  // nullptr/"" when the directory has no alternate chain.
  const Issuer& alternate_root() const { return alternate_root_; }
  X509* cross_signed_intermediate() const { return cross_signed_intermediate_.get(); }
  std::string AlternateRootPem() const;
  std::string CrossSignedIntermediatePem() const;

  // A certificate for an HTTPS listener, issued by the intermediate for
  // `names` (DNS names or IP literals), valid one year, with a fresh P-256
  // key. Returns (chain PEM: leaf + intermediate, private key PEM).
  Result<std::pair<std::string, std::string>> IssueTlsServerCert(
      const std::vector<std::string>& names) const;

 private:
  Issuer root_;
  Issuer intermediate_;
  Issuer alternate_root_;
  crypto::X509Ptr cross_signed_intermediate_;
};

}  // namespace signet::pki
