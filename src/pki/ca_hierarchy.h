// The CA's key hierarchy: a self-signed root and an intermediate signed by
// it, created on first start and kept in a data directory:
//   DIR/root.pem, DIR/root.key            (key 0600)
//   DIR/intermediate.pem, DIR/intermediate.key (key 0600)
// Later starts load the same files. Keys are ECDSA P-384 (root) and P-256
// (intermediate). The intermediate is a TLS subordinate CA: pathLen 0 and
// extKeyUsage serverAuth, clientAuth (an intermediate made before that
// extension was added keeps its old form until its files are removed). The
// root is the trust anchor for issued chains and for the HTTPS listener's
// certificate (see IssueTlsServerCert).
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

  // A certificate for the CA's own HTTPS listener, issued by the
  // intermediate for `names` (DNS names or IP literals), valid one year.
  // Returns (chain PEM: leaf + intermediate, private key PEM).
  Result<std::pair<std::string, std::string>> IssueTlsServerCert(
      const std::vector<std::string>& names) const;

 private:
  Issuer root_;
  Issuer intermediate_;
};

}  // namespace signet::pki
