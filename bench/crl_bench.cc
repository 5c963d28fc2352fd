// crl_bench: how long BuildCrl takes for a large CRL (issue 5: "a CRL for 1
// million revoked entries is generated in seconds"). Prints the seconds spent
// building (sort, encode, sign) and, separately, parsing and verifying the
// result with OpenSSL as a check.
//
// Usage: crl_bench [ENTRIES]   (default 1000000)

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "crypto/digest.h"
#include "pki/ca_hierarchy.h"
#include "pki/crl.h"
#include "pki/issuer.h"

namespace {

using signet::pki::Clock;

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::vector<signet::pki::RevokedEntry> RandomEntries(size_t n) {
  std::vector<signet::pki::RevokedEntry> entries;
  entries.reserve(n);
  Clock::time_point base = Clock::now() - std::chrono::days(30);
  for (size_t i = 0; i < n; ++i) {
    int reason = i % 4 == 0 ? signet::pki::kReasonUnspecified : signet::pki::kReasonKeyCompromise;
    entries.push_back({signet::crypto::HexEncode(signet::pki::RandomSerial()),
                       base + std::chrono::seconds(i), reason});
  }
  return entries;
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("crl_bench_" + signet::crypto::HexEncode(signet::crypto::RandomBytes(6)));
  auto ca = signet::pki::CaHierarchy::LoadOrCreate(dir, "Bench");
  std::filesystem::remove_all(dir);
  if (!ca.ok()) {
    std::fprintf(stderr, "crl_bench: %s\n", ca.error().ToString().c_str());
    return 1;
  }
  std::vector<signet::pki::RevokedEntry> entries = RandomEntries(n);
  signet::pki::CrlTemplate tmpl;
  tmpl.crl_number = 1;
  tmpl.this_update = Clock::now();
  tmpl.next_update = tmpl.this_update + std::chrono::days(7);
  tmpl.idp_url = "http://crl.example.test/1/0.crl";

  auto start = std::chrono::steady_clock::now();
  auto der = signet::pki::BuildCrl(ca->intermediate(), tmpl, entries);
  double build_seconds = SecondsSince(start);
  if (!der.ok()) {
    std::fprintf(stderr, "crl_bench: %s\n", der.error().ToString().c_str());
    return 1;
  }
  std::printf("crl_bench: %zu entries, %zu bytes, BuildCrl %.3f s\n", n, der->size(),
              build_seconds);

  start = std::chrono::steady_clock::now();
  auto crl = signet::pki::ParseCrl(*der);
  bool verified =
      crl.ok() && X509_CRL_verify(crl->get(), X509_get0_pubkey(ca->intermediate().cert.get())) == 1;
  int count = crl.ok() ? sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl->get())) : -1;
  std::printf("crl_bench: OpenSSL parse + verify %.3f s: %s, %d entries\n", SecondsSince(start),
              verified ? "valid" : "INVALID", count);
  return verified && size_t(count) == n ? 0 : 1;
}
