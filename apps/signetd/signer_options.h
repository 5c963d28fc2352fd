// signetd's CA keys: which key signs as the intermediate (--signer: a key
// file or a pkcs11: URI, with its PIN and module), and the key ceremony
// (`signetd ceremony --config FILE`, pki/ca_ceremony.h).
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "base/result.h"
#include "config.h"
#include "crypto/signing_key.h"
#include "pki/issuer.h"

namespace signet::app {

// The environment variable a PIN may come in, when no --signer-pin-file is given.
inline constexpr char kSignerPinEnv[] = "SIGNETD_SIGNER_PIN";

void AddSignerOptions(CLI::App& serve, CaConfig& config);

// The PIN: the first line of `pin_file` (which, like a key file, must be
// 0600), else $SIGNETD_SIGNER_PIN, else "".
Result<std::string> ReadPin(const std::string& pin_file);

// The intermediate's key as configured: --signer, or DATA_DIR/intermediate.key.
Result<std::shared_ptr<const crypto::SigningKey>> IntermediateSigner(const CaConfig& config);

// The ceremony-made OCSP responder of --ocsp-responder-cert with its key
// (--ocsp-responder-signer), checked against `intermediate`
// (pki::CheckOcspResponder); nullptr without --ocsp-responder-cert.
Result<std::shared_ptr<const pki::Issuer>> OcspResponderFrom(const CaConfig& config,
                                                             const pki::Issuer& intermediate);

// Creates the hierarchy in an empty data directory when serve may
// (--allow-loopback-validation or --create-hierarchy), with the --signer
// token key as the intermediate's; else says to run the ceremony.
Status EnsureHierarchy(const CaConfig& config);

// `signetd ceremony --config FILE`: prints what it made, one line each.
class CeremonyCommand {
 public:
  explicit CeremonyCommand(CLI::App& app);
  bool parsed() const { return cmd_->parsed(); }
  int Run();

 private:
  CLI::App* cmd_;
  std::string config_file_;
};

}  // namespace signet::app
