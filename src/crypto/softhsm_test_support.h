// Test-only: a SoftHSM2 token in a temporary directory, with key pairs
// generated on it by pkcs11-tool (OpenSC). Sets SOFTHSM2_CONF for the whole
// process, so one token per test binary at a time.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace signet::crypto::testing_support {

inline constexpr char kSoftHsmModule[] = "/usr/lib/softhsm/libsofthsm2.so";
inline constexpr char kSoftHsmPin[] = "1234";

// True when softhsm2 and pkcs11-tool are installed (scripts/install-deps.sh).
inline bool SoftHsmAvailable() {
  return std::filesystem::exists(kSoftHsmModule) && std::system("command -v softhsm2-util pkcs11-tool >/dev/null") == 0;
}

class SoftHsmToken {
 public:
  // Creates DIR/softhsm2.conf and DIR/tokens, and a token `label`.
  SoftHsmToken(std::filesystem::path dir, std::string label) : dir_(std::move(dir)), label_(std::move(label)) {
    std::filesystem::create_directories(dir_ / "tokens");
    std::ofstream(dir_ / "softhsm2.conf") << "directories.tokendir = " << (dir_ / "tokens").string()
                                          << "\nobjectstore.backend = file\nlog.level = ERROR\n";
    ::setenv("SOFTHSM2_CONF", (dir_ / "softhsm2.conf").c_str(), 1);
    ok_ = Run("softhsm2-util --init-token --free --label " + label_ + " --so-pin 5678 --pin " +
              kSoftHsmPin);
  }
  ~SoftHsmToken() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  SoftHsmToken(const SoftHsmToken&) = delete;
  SoftHsmToken& operator=(const SoftHsmToken&) = delete;
  bool ok() const { return ok_; }
  const std::string& label() const { return label_; }

  // Generates a key pair `object` on the token: "EC:prime256v1",
  // "EC:secp384r1" or "rsa:2048". Returns its URI.
  std::string Generate(const std::string& object, const std::string& type, int id) {
    ok_ = ok_ && Run(std::string("pkcs11-tool --module ") + kSoftHsmModule + " --token-label " + label_ +
                         " --login --pin " + kSoftHsmPin + " --keypairgen --key-type " + type +
                         " --label " + object + " --id " + std::to_string(10 + id));
    return Uri(object);
  }
  std::string Uri(const std::string& object) const {
    return "pkcs11:token=" + label_ + ";object=" + object;
  }

 private:
  static bool Run(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0; }

  std::filesystem::path dir_;
  std::string label_;
  bool ok_ = false;
};

}  // namespace signet::crypto::testing_support
