// Signing throughput of the CA's two SigningKey implementations side by
// side: key files (in memory once read) and PKCS#11 keys on a SoftHSM2 token
// (through libp11's engine), for ECDSA P-256, P-384 and RSA-2048. Each row:
// signatures a second over a 400-byte TBS from 1 thread and from 4 (the
// PKCS#11 signer serializes on its session), and whole leaf certificates
// (build + sign) a second from 1 thread.
// Usage: signer_bench [N=2000] [WORK_DIR=/tmp/signet-signer-bench]
// Needs softhsm2 and opensc (pkcs11-tool); the token is made in WORK_DIR.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "base/files.h"
#include "crypto/pkcs11_signing_key.h"
#include "pki/issuer.h"

namespace {

using namespace signet;
namespace fs = std::filesystem;
constexpr char kModule[] = "/usr/lib/softhsm/libsofthsm2.so";

bool Run(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0; }

double PerSecond(int n, int threads, const std::function<bool()>& f) {
  auto start = std::chrono::steady_clock::now();
  std::atomic<bool> ok{true};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (int i = 0; i < n / threads; ++i)
        if (!f()) ok = false;
    });
  for (auto& th : pool) th.join();
  if (!ok) std::fprintf(stderr, "signer_bench: a signature failed\n"), std::exit(1);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return (n / threads) * threads / secs;
}

struct Row {
  const char* type;
  const char* p11_type;
  crypto::KeyType key_type;
};

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 2000;
  fs::path dir = argc > 2 ? argv[2] : "/tmp/signet-signer-bench";
  fs::remove_all(dir);
  fs::create_directories(dir / "tokens");
  std::ofstream(dir / "softhsm2.conf") << "directories.tokendir = " << (dir / "tokens").string()
                                       << "\nobjectstore.backend = file\nlog.level = ERROR\n";
  ::setenv("SOFTHSM2_CONF", (dir / "softhsm2.conf").c_str(), 1);
  if (!Run("softhsm2-util --init-token --free --label bench --so-pin 5678 --pin 1234"))
    return std::fprintf(stderr, "signer_bench: softhsm2-util failed (install softhsm2)\n"), 1;
  const Row rows[] = {{"P-256", "EC:prime256v1", crypto::KeyType::kEcP256},
                      {"P-384", "EC:secp384r1", crypto::KeyType::kEcP384},
                      {"RSA-2048", "rsa:2048", crypto::KeyType::kRsa}};
  std::string tbs(400, 'x');
  auto leaf_key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  std::printf("%-9s %-8s %14s %14s %14s\n", "key", "signer", "sig/s 1 thr", "sig/s 4 thr",
              "certs/s 1 thr");
  int id = 1;
  for (const Row& row : rows) {
    std::string label = std::string("k") + std::to_string(id);
    if (!Run(std::string("pkcs11-tool --module ") + kModule + " --token-label bench --login --pin 1234 " +
             "--keypairgen --key-type " + row.p11_type + " --label " + label + " --id 0" +
             std::to_string(id++)))
      return std::fprintf(stderr, "signer_bench: pkcs11-tool failed (install opensc)\n"), 1;
    auto generated = crypto::Key::Generate(row.key_type);
    fs::path file = dir / (label + ".key");
    if (!generated.ok() || !WriteFileAtomic(file, generated->PrivatePem(), 0600).ok()) return 1;
    for (bool token : {false, true}) {
      auto key = token ? crypto::OpenSigningKey("pkcs11:token=bench;object=" + label, "1234", kModule)
                       : crypto::OpenSigningKey(file.string(), "", "");
      if (!key.ok()) return std::fprintf(stderr, "%s\n", key.error().detail.c_str()), 1;
      std::shared_ptr<const crypto::SigningKey> signer = std::move(*key);
      // A self-signed CA certificate for the key, to issue leaves under.
      pki::Issuer ca{crypto::X509Ptr(X509_new()), signer};
      X509_set_version(ca.cert.get(), 2);
      X509_NAME_add_entry_by_txt(X509_get_subject_name(ca.cert.get()), "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("Bench CA"), -1, -1, 0);
      X509_set_issuer_name(ca.cert.get(), X509_get_subject_name(ca.cert.get()));
      X509_set_pubkey(ca.cert.get(), signer->public_key().get());
      X509_gmtime_adj(X509_getm_notBefore(ca.cert.get()), 0);
      X509_gmtime_adj(X509_getm_notAfter(ca.cert.get()), 365 * 24 * 3600);
      X509V3_CTX ctx;
      X509V3_set_ctx_nodb(&ctx);
      X509V3_set_ctx(&ctx, ca.cert.get(), ca.cert.get(), nullptr, nullptr, 0);
      crypto::X509ExtPtr ski(X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_key_identifier, "hash"));
      X509_add_ext(ca.cert.get(), ski.get(), -1);
      if (!signer->SignCertificate(ca.cert.get()).ok()) return 1;
      pki::LeafTemplate leaf;
      leaf.subject_key = *leaf_key;
      leaf.dns_names = {"bench.example.com"};
      leaf.not_before = pki::Clock::now();
      leaf.not_after = leaf.not_before + std::chrono::hours(24 * 90);
      auto sign = [&] { return signer->Sign(tbs).ok(); };
      PerSecond(n / 10, 1, sign);  // warm up
      double one = PerSecond(n, 1, sign);
      double four = PerSecond(n, 4, sign);
      double certs = PerSecond(n / 2, 1, [&] {
        leaf.serial = pki::RandomSerial();
        auto cert = pki::IssueLeaf(ca, leaf);
        if (!cert.ok()) std::fprintf(stderr, "%s\n", cert.error().detail.c_str());
        return cert.ok();
      });
      std::printf("%-9s %-8s %14.0f %14.0f %14.0f\n", row.type, token ? "softhsm2" : "file", one,
                  four, certs);
    }
  }
  fs::remove_all(dir);
  return 0;
}
