// Helpers shared by the client/store tests (test-only).
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "base/files.h"
#include "client/store/lineage.h"
#include "crypto/digest.h"
#include "crypto/key.h"
#include "pki/ca_hierarchy.h"
#include "pki/issuer.h"

namespace signet::client::store_testing {

namespace fs = std::filesystem;

inline fs::path TestData() { return fs::path(SIGNET_STORE_TESTDATA); }
inline fs::path GoldenCertbot() { return TestData() / "certbot"; }

// The config dir the golden certbot files were produced in.
inline constexpr std::string_view kGoldenConfigDir = "/tmp/cbg/x/cfg";

inline std::string ReadOrDie(const fs::path& p) {
  Result<std::string> r = ReadFile(p);
  EXPECT_TRUE(r.ok()) << p;
  return r.ok() ? *r : std::string();
}

inline std::string ReplaceAll(std::string s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// A fresh directory, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::path(::testing::TempDir()) /
            ("signet_store_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
             crypto::HexEncode(crypto::RandomBytes(4)));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

inline unsigned ModeOf(const fs::path& p) {
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

inline bool IsLink(const fs::path& p) {
  struct stat st;
  return ::lstat(p.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

inline std::string LinkText(const fs::path& p) {
  std::error_code ec;
  return fs::read_symlink(p, ec).string();
}

// A CA (root + intermediate in a temp dir) issuing leaves for the tests.
class TestIssuer {
 public:
  TestIssuer() {
    Result<pki::CaHierarchy> ca = pki::CaHierarchy::LoadOrCreate(dir_.path() / "ca", "Store Test");
    EXPECT_TRUE(ca.ok());
    if (ca.ok()) ca_ = std::move(ca).value();
  }

  // A fresh version for `names` with a new P-256 key (or `key_pem`).
  CertificateFiles Issue(const std::vector<std::string>& names, std::string key_pem = "",
                         std::chrono::hours validity = std::chrono::hours(24 * 90),
                         const std::vector<std::string>& ip_addresses = {}) {
    crypto::Key key;
    if (key_pem.empty()) {
      key = crypto::Key::Generate(crypto::KeyType::kEcP256).value();
      key_pem = key.PrivatePem();
    } else {
      key = crypto::Key::FromPem(key_pem).value();
    }
    pki::LeafTemplate leaf;
    leaf.subject_key = key;
    leaf.dns_names = names;
    leaf.ip_addresses = ip_addresses;
    leaf.serial = pki::RandomSerial();
    leaf.not_before = std::chrono::time_point_cast<std::chrono::seconds>(pki::Clock::now());
    leaf.not_after = leaf.not_before + validity;
    Result<crypto::X509Ptr> cert = pki::IssueLeaf(ca_.intermediate(), leaf);
    EXPECT_TRUE(cert.ok());
    CertificateFiles files;
    files.cert = pki::CertToPem(cert->get());
    files.chain = ca_.IntermediatePem();
    files.privkey = key_pem;
    return files;
  }

 private:
  TempDir dir_;
  pki::CaHierarchy ca_;
};

// Options certbot records for `certonly --standalone` run with explicit
// config/work/logs dirs and --server (the golden example.test.conf).
inline RenewalParams StandaloneParams(const fs::path& config_dir,
                                      std::string_view account = "acct") {
  RenewalParams p;
  p.Set("account", std::string(account));
  p.SetInt("http01_port", 15803);
  p.Set("config_dir", config_dir.string());
  p.Set("work_dir", (config_dir.parent_path() / "work").string());
  p.Set("logs_dir", (config_dir.parent_path() / "logs").string());
  p.Set("server", "https://127.0.0.1:14917/dir");
  p.Set("authenticator", "standalone");
  p.SetAlwaysSaved("key_type", "ecdsa");
  return p;
}

// Copies the golden certbot store into `dir`, recreating symlinks, and
// rewrites the confs' absolute paths to point there.
inline void CopyGoldenStore(const fs::path& dir) {
  fs::copy(GoldenCertbot(), dir, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  for (const auto& entry : fs::directory_iterator(dir / "renewal")) {
    std::string text = ReadOrDie(entry.path());
    ASSERT_TRUE(
        WriteFileAtomic(entry.path(), ReplaceAll(text, kGoldenConfigDir, dir.string())).ok());
  }
}

}  // namespace signet::client::store_testing
