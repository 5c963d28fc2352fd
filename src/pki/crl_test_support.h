// Helpers shared by the CRL and OCSP tests (test-only; not linked into
// signet_pki): a CA to issue from, leaves, and the openssl command line.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "crypto/key.h"
#include "pki/ca_hierarchy.h"
#include "pki/cert_builder.h"
#include "pki/issuer.h"
#include "pki/test_support.h"

namespace signet::pki::testing_support {

struct CommandOutput {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `command` with /bin/sh, capturing stdout and stderr.
inline CommandOutput RunCommand(const std::string& command) {
  CommandOutput result;
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) result.output.append(buf, n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline void WriteTestFile(const std::filesystem::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  ASSERT_TRUE(out.good()) << path;
}

// A fresh root + intermediate in a temp directory.
class TestCa : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path());
    auto ca = CaHierarchy::LoadOrCreate(dir_.path() / "ca", "Test");
    ASSERT_TRUE(ca.ok()) << ca.error().ToString();
    ca_.emplace(std::move(*ca));
  }

  const Issuer& intermediate() const { return ca_->intermediate(); }
  const Issuer& root() const { return ca_->root(); }
  std::filesystem::path Path(const std::string& name) const { return dir_.path() / name; }

  // A 90-day leaf for `name` from the intermediate; with `crl_url`, a CRL
  // Distribution Points extension naming it (re-signed after adding it).
  crypto::X509Ptr Leaf(const std::string& name, const std::string& crl_url = "") {
    auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    EXPECT_TRUE(key.ok());
    LeafTemplate t;
    t.subject_key = *key;
    t.dns_names = {name};
    t.serial = RandomSerial();
    t.not_before = Clock::now() - std::chrono::hours(1);
    t.not_after = Clock::now() + std::chrono::days(90);
    auto leaf = IssueLeaf(intermediate(), t);
    EXPECT_TRUE(leaf.ok()) << leaf.error().ToString();
    if (!leaf.ok()) return nullptr;
    if (!crl_url.empty()) {
      X509* issuer = intermediate().cert.get();
      EXPECT_TRUE(internal::AddConfExtension(leaf->get(), issuer, NID_crl_distribution_points,
                                             "URI:" + crl_url)
                      .ok());
      EXPECT_TRUE(intermediate().signer->SignCertificate(leaf->get()).ok());
    }
    return std::move(*leaf);
  }

 private:
  ScopedTempDir dir_;
  std::optional<CaHierarchy> ca_;
};

}  // namespace signet::pki::testing_support
