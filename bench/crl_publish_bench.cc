// crl_publish_bench: a CRL shard of a million revoked certificates published
// from the CA's SQLite store (read the shard, number, build, sign), as
// signetd's publisher does it, while another thread keeps recording
// issuances in the same store. Prints the publication time and the latency
// of those writes with and without the publication running: issue 5 asks
// that a million-entry CRL takes seconds and does not block issuance.
//
// Usage: crl_publish_bench [ENTRIES]   (default 1000000)

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include "ca/publisher/crl_publisher.h"
#include "crypto/digest.h"
#include "pki/ca_hierarchy.h"
#include "pki/issuer.h"
#include "storage/sqlite/sqlite_store.h"

namespace {

using signet::acme::Clock;
using Steady = std::chrono::steady_clock;

double Seconds(Steady::duration d) { return std::chrono::duration<double>(d).count(); }

// Bulk-loads `n` revoked, unexpired certificates into shard 0 with one
// transaction on a side connection (the store's API commits one at a time,
// which would make setting up the benchmark the slow part).
bool Populate(const std::string& path, size_t n) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return false;
  int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
  bool ok = sqlite3_exec(db,
                         "BEGIN;"
                         "INSERT INTO accounts VALUES ('a', 'tp', '{}', '[]', 'valid', 1, 0);"
                         "INSERT INTO orders (id, account_id, status, expires, identifiers, "
                         "authz_ids, created_at) VALUES ('o', 'a', 'valid', 0, '[]', '[]', 0);",
                         nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_stmt* s = nullptr;
  ok =
      ok && sqlite3_prepare_v2(db,
                               "INSERT INTO certificates (serial, account_id, order_id, chain_pem, "
                               "not_before, not_after, issued_at, revoked_at, revoked_reason, "
                               "crl_shard) VALUES (?, 'a', 'o', '', ?, ?, ?, ?, ?, 0)",
                               -1, &s, nullptr) == SQLITE_OK;
  for (size_t i = 0; ok && i < n; ++i) {
    std::string serial = signet::crypto::HexEncode(signet::pki::RandomSerial());
    sqlite3_bind_text(s, 1, serial.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, now - 86400);
    sqlite3_bind_int64(s, 3, now + 86400 * 80);
    sqlite3_bind_int64(s, 4, now - 86400);
    sqlite3_bind_int64(s, 5, now - int64_t(i % 86400));
    sqlite3_bind_int(s, 6, i % 4 == 0 ? 0 : 1);
    ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
  }
  sqlite3_finalize(s);
  ok = ok && sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_close(db);
  return ok;
}

struct Latency {
  size_t count = 0;
  double max_ms = 0;
  double p99_ms = 0;
};

// Records issuances (FinishIssuance, as the RA does) until `stop`.
Latency Issue(signet::storage::SqliteStore& store, const std::atomic<bool>& stop) {
  auto order = store.GetOrder("o");
  std::vector<double> ms;
  while (!stop) {
    signet::acme::CertificateRecord c;
    c.serial = signet::crypto::HexEncode(signet::pki::RandomSerial());
    c.account_id = "a";
    c.order_id = "o";
    c.der = "DER";
    c.not_before = c.issued_at = Clock::now();
    c.not_after = c.not_before + std::chrono::hours(24 * 90);
    c.crl_shard = 1;
    auto start = Steady::now();
    if (!store.FinishIssuance(c, **order).ok()) break;
    ms.push_back(Seconds(Steady::now() - start) * 1000);
  }
  Latency l;
  l.count = ms.size();
  if (ms.empty()) return l;
  std::sort(ms.begin(), ms.end());
  l.max_ms = ms.back();
  l.p99_ms = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  return l;
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  auto dir = std::filesystem::temp_directory_path() /
             ("crl_publish_bench_" + signet::crypto::HexEncode(signet::crypto::RandomBytes(6)));
  auto ca = signet::pki::CaHierarchy::LoadOrCreate(dir, "Bench");
  std::string path = (dir / "signetd.sqlite3").string();
  auto store = signet::storage::SqliteStore::Open(path);
  if (!ca.ok() || !store.ok()) return 1;
  auto start = Steady::now();
  if (!Populate(path, n)) {
    std::fprintf(stderr, "crl_publish_bench: cannot populate %s\n", path.c_str());
    return 1;
  }
  std::printf("crl_publish_bench: %zu revoked certificates loaded in %.1f s\n", n,
              Seconds(Steady::now() - start));

  std::atomic<bool> stop{false};
  Latency idle;
  std::thread baseline([&] { idle = Issue(**store, stop); });
  std::this_thread::sleep_for(std::chrono::seconds(2));
  stop = true;
  baseline.join();

  signet::ca::CrlPublisherConfig config;
  config.urls.base = "http://crl.example.test";
  signet::ca::CrlPublisher publisher(**store, ca->intermediate(), config);
  stop = false;
  Latency busy;
  std::thread issuer([&] { busy = Issue(**store, stop); });
  start = Steady::now();
  signet::Status published = publisher.Publish(0);
  double publish_seconds = Seconds(Steady::now() - start);
  stop = true;
  issuer.join();
  auto crl = publisher.Get(0);
  std::filesystem::remove_all(dir);
  if (!published.ok() || !crl) {
    std::fprintf(stderr, "crl_publish_bench: %s\n",
                 published.ok() ? "no CRL" : published.error().ToString().c_str());
    return 1;
  }
  std::printf(
      "crl_publish_bench: shard of %zu entries (%zu bytes) read, built and signed in %.2f s\n",
      crl->entries, crl->der.size(), publish_seconds);
  std::printf("crl_publish_bench: issuance writes idle: %zu, p99 %.2f ms, max %.2f ms\n",
              idle.count, idle.p99_ms, idle.max_ms);
  std::printf(
      "crl_publish_bench: issuance writes during publication: %zu, p99 %.2f ms, max %.2f ms\n",
      busy.count, busy.p99_ms, busy.max_ms);
  return crl->entries == n ? 0 : 1;
}
