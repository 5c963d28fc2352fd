// The CA's key hierarchy: a self-signed root and an intermediate signed by
// it, created on first start and kept in a data directory:
//   DIR/root.pem, DIR/root.key            (key 0600)
//   DIR/intermediate.pem, DIR/intermediate.key (key 0600)
//   DIR/root-alt.pem, DIR/root-alt.key    (key 0600)
//   DIR/intermediate-cross.pem
// Later starts load the same files. Keys are ECDSA P-384 (root) and P-256
// (intermediate). The intermediate is a TLS subordinate CA: pathLen 0 and
// extKeyUsage serverAuth, clientAuth (an intermediate made before that
// extension was added keeps its old form until its files are removed). The
// root is the trust anchor for issued chains and for the HTTPS listener's
// certificate (see IssueTlsServerCert).
//
// Alternate chain (RFC 8555 7.4.2): a second self-signed root, "PREFIX
// Alternate Root X2" (P-384), and intermediate-cross.pem, the intermediate's
// subject, key and extensions certified by that root (see CrossSign). Leaves
// then chain to either root: leaf + intermediate.pem to root.pem, leaf +
// intermediate-cross.pem to root-alt.pem. A data directory made before the
// alternate root existed gains both files on its next start; root.pem and
// intermediate.pem stay as they are.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"
#include "pki/issuer.h"

namespace signet::pki {

class CaHierarchy {
 public:
  // Loads the hierarchy from `dir`, creating the directory (0700) and any
  // missing piece on first start. Files are written atomically (temp file,
  // fsync, rename) so a kill mid-creation never leaves a half-written key.
  static Result<CaHierarchy> LoadOrCreate(const std::filesystem::path& dir,
                                          const std::string& name_prefix = "Signet");

  const Issuer& root() const { return root_; }
  const Issuer& intermediate() const { return intermediate_; }
  std::string RootPem() const;
  std::string IntermediatePem() const;
  const Issuer& alternate_root() const { return alternate_root_; }
  // The intermediate as certified by the alternate root.
  X509* cross_signed_intermediate() const { return cross_signed_intermediate_.get(); }
  std::string AlternateRootPem() const;
  std::string CrossSignedIntermediatePem() const;

  // A certificate for the CA's own HTTPS listener, issued by the
  // intermediate for `names` (DNS names or IP literals), valid one year.
  // Returns (chain PEM: leaf + intermediate, private key PEM).
  Result<std::pair<std::string, std::string>> IssueTlsServerCert(
      const std::vector<std::string>& names) const;

 private:
  Issuer root_;
  Issuer intermediate_;
  Issuer alternate_root_;
  crypto::X509Ptr cross_signed_intermediate_;
};

}  // namespace signet::pki
