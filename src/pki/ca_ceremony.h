// The key ceremony (Let's Encrypt's, in miniature): creates a CA hierarchy
// in a directory once, with the root's key used only here.
//   DIR/root.pem                self-signed root (its key: a new DIR/root.key
//                               or a key on a token)
//   DIR/intermediate.pem        the issuing intermediate, signed by the root
//                               (its key: a new DIR/intermediate.key or a token key)
//   DIR/root-alt.pem            optionally a second root ("PREFIX Alternate Root X2")
//   DIR/intermediate-cross.pem  ... and the intermediate cross-signed by it
//                               (RFC 8555 7.4.2 alternate chain)
//   DIR/<name>.pem              optionally delegated OCSP responders issued by
//                               the intermediate (RFC 6960 4.2.2.2; their keys:
//                               new DIR/<name>.key files or token keys)
// Key files are written 0600. Token keys are generated on the token
// beforehand (pkcs11-tool --keypairgen, or the HSM's own tools) and named by
// their pkcs11: URI. Nothing is overwritten: if any file the ceremony would
// write exists, it refuses before making anything. signetd serve then needs
// only the certificates and the intermediate's key (pki/ca_hierarchy.h), and
// for OCSP optionally a responder certificate and its key.
//
// With `hierarchy` false the hierarchy exists already and only the OCSP
// responders are made, issued by DIR/intermediate.pem with the intermediate's
// existing key (`intermediate.key`: "" = DIR/intermediate.key, a key file,
// or a pkcs11: URI): how responders are renewed without a new hierarchy.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "base/result.h"
#include "crypto/key.h"

namespace signet::pki {

struct CeremonyKey {
  // "" = a new key file DIR/<stem>.key; "pkcs11:..." = that existing token
  // key (its type is the token key's); anything else: the path of a new key file.
  std::string key;
  crypto::KeyType type = crypto::KeyType::kEcP256;  // for new key files
  int rsa_bits = 2048;
};

// A delegated OCSP responder certificate (pki/ocsp_signing_cert.h).
struct CeremonyOcspResponder {
  std::string name = "ocsp-responder";  // DIR/<name>.pem; a new key file DIR/<name>.key
  CeremonyKey key{"", crypto::KeyType::kEcP256};
  // notAfter - now; the certificate is back-dated an hour for clock skew.
  // id-pkix-ocsp-nocheck means it cannot be revoked in practice: keep it short.
  std::chrono::days validity{90};
};

struct CeremonyPlan {
  std::filesystem::path dir;
  std::string name_prefix = "Signet";  // "PREFIX Root CA", "PREFIX Intermediate CA"
  CeremonyKey root{"", crypto::KeyType::kEcP384};
  CeremonyKey intermediate{"", crypto::KeyType::kEcP256};
  bool alternate_chain = true;
  CeremonyKey alternate_root{"", crypto::KeyType::kEcP384};
  // false: only the OCSP responders, for the existing hierarchy in `dir`.
  bool hierarchy = true;
  std::vector<CeremonyOcspResponder> ocsp_responders;
  // For token keys: the user PIN and the PKCS#11 module ("" = the engine's default).
  std::string pin;
  std::string pkcs11_module;
  // Tests: called after each file is written (to simulate a crash there).
  std::function<void(const std::filesystem::path&)> after_write;
};

// Runs the ceremony; returns one line per thing made ("root certificate
// DIR/root.pem: CN=..., key DIR/root.key (EC P-384), valid until ...").
// Crash-safe: DIR/ceremony-incomplete lists the files to be written before
// any is, and root.pem (what signetd serve and the first-start check look
// for) is written last, then the list removed. A run killed before
// root.pem leaves files no hierarchy uses; the next run removes those the
// list names (and this plan would write), says so in its first line, and
// starts again, instead of refusing for ever.
Result<std::vector<std::string>> RunCeremony(const CeremonyPlan& plan);

}  // namespace signet::pki
