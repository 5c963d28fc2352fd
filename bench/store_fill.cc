// store_fill: puts N finished issuances into a signetd data directory's
// store, each as signetd leaves it: a valid order for one fresh name, its
// valid authorization (four challenges, the HTTP-01 one validated with its
// record), and a real certificate signed by the directory's intermediate
// (the same Signer, profile and URLs as `signetd serve`). For issue 6's scale
// target: throughput with a million certificates already in the store, and
// the store's bytes per certificate.
//
// Rows go in with one transaction per batch on a side connection: the
// store's API commits one object at a time, which would make the set-up the
// slow part. The JSON columns come from storage/codec, as the store writes
// them. Signing runs on every core.
//
// Usage: store_fill DATA_DIR N [--accounts A] [--listen HOST:PORT]
//                   [--publication-base URL] [--json FILE]
// Run it while signetd is stopped (it writes signetd.sqlite3 directly).

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "acme/challenge_types.h"
#include "base/base64url.h"
#include "ca/signer/signer.h"
#include "crypto/digest.h"
#include "crypto/key.h"
#include "jose/jwk.h"
#include "pki/ca_hierarchy.h"
#include "pki/csr.h"
#include "pki/csr_builder.h"
#include "storage/codec.h"
#include "storage/sqlite/sqlite_store.h"

namespace {

using namespace signet;
using acme::Clock;
using Steady = std::chrono::steady_clock;

constexpr size_t kBatch = 10000;
constexpr size_t kSubjectKeys = 64;

struct Options {
  std::string dir;
  size_t n = 0;
  size_t accounts = 1000;
  std::string listen = "127.0.0.1:14300";
  std::string publication_base = "http://127.0.0.1:14380";
  std::string json_path;
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "store_fill: %s\nusage: store_fill DATA_DIR N [--accounts A] [--listen HOST:PORT] "
               "[--publication-base URL] [--json FILE]\n",
               why);
  std::exit(2);
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  std::vector<std::string> pos;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(("missing value for " + a).c_str());
      return argv[++i];
    };
    if (a == "--accounts") o.accounts = std::strtoull(value().c_str(), nullptr, 10);
    else if (a == "--listen") o.listen = value();
    else if (a == "--publication-base") o.publication_base = value();
    else if (a == "--json") o.json_path = value();
    else if (a.rfind("--", 0) == 0) Usage(("unknown option " + a).c_str());
    else pos.push_back(a);
  }
  if (pos.size() != 2) Usage("needs DATA_DIR and N");
  o.dir = pos[0];
  o.n = std::strtoull(pos[1].c_str(), nullptr, 10);
  if (o.n == 0 || o.accounts == 0) Usage("N and A must be positive");
  return o;
}

std::string Id() { return Base64UrlEncode(crypto::RandomBytes(16)); }

struct SubjectKey {
  crypto::Key key;
  pki::Csr csr;  // holds the SPKI the leaf copies
};

// One finished issuance, ready to insert.
struct Row {
  acme::Account* account = nullptr;
  acme::Authorization authz;
  acme::Order order;
  acme::CertificateRecord cert;
};

acme::Authorization ValidAuthorization(const acme::Account& account, const std::string& name,
                                       acme::TimePoint now) {
  acme::Authorization a;
  a.id = Id();
  a.account_id = account.id;
  a.identifier = {"dns", name};
  a.status = acme::ObjStatus::kValid;
  a.expires = now + std::chrono::hours(24 * 30);
  for (const std::string& type : acme::ChallengeTypesFor(a.identifier, false)) {
    acme::Challenge c;
    c.id = Id();
    c.type = type;
    c.token = Base64UrlEncode(crypto::RandomBytes(32));
    if (c.type == "http-01") {
      c.status = acme::ObjStatus::kValid;
      c.validated_at = now;
      c.records.push_back({"http://" + name + "/.well-known/acme-challenge/" + c.token, name,
                           "80", {"127.0.0.1"}, "127.0.0.1"});
    }
    a.challenges.push_back(std::move(c));
  }
  return a;
}

Status MakeRow(const ca::Signer& signer, const SubjectKey& subject, acme::Account& account,
               size_t index, Row& row) {
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(Clock::now());
  std::string name = "f" + std::to_string(index) + "-" +
                     crypto::HexEncode(crypto::RandomBytes(3)) + ".fill.test";
  ca::IssueRequest request{&subject.key, subject.csr.spki(), {name}, {}, nullptr, false};
  SIGNET_ASSIGN_OR_RETURN(ca::IssuedCertificate issued, signer.Issue(request));
  row.account = &account;
  row.authz = ValidAuthorization(account, name, now);
  acme::Order& o = row.order;
  o.id = Id();
  o.account_id = account.id;
  o.status = acme::ObjStatus::kValid;
  o.expires = now + std::chrono::hours(24 * 7);
  o.identifiers = {{"dns", name}};
  o.authorization_ids = {row.authz.id};
  o.certificate_serial = issued.serial_hex;
  o.created_at = now;
  acme::CertificateRecord& c = row.cert;
  c.serial = issued.serial_hex;
  c.account_id = account.id;
  c.order_id = o.id;
  c.der = std::move(issued.der);
  c.not_before = issued.not_before;
  c.not_after = issued.not_after;
  c.issued_at = now;
  c.crl_shard = issued.crl_shard;
  return OkStatus();
}

class Inserter {
 public:
  explicit Inserter(sqlite3* db) : db_(db) {}
  ~Inserter() {
    for (sqlite3_stmt* s : {account_, authz_, order_, cert_}) sqlite3_finalize(s);
  }

  bool Prepare() {
    return Prep("INSERT INTO accounts (id, thumbprint, jwk, contacts, status, tos_agreed, "
                "created_at) VALUES (?, ?, ?, ?, 'valid', 1, ?)", &account_) &&
           Prep("INSERT INTO authorizations (id, account_id, ident_type, ident_value, status, "
                "expires, wildcard, challenges) VALUES (?, ?, ?, ?, 'valid', ?, 0, ?)", &authz_) &&
           Prep("INSERT INTO orders (id, account_id, status, expires, identifiers, authz_ids, "
                "cert_serial, created_at, profile) VALUES (?, ?, 'valid', ?, ?, ?, ?, ?, '')",
                &order_) &&
           Prep("INSERT INTO certificates (serial, account_id, order_id, chain_pem, der, "
                "not_before, not_after, issued_at, crl_shard, profile) "
                "VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, '')", &cert_);
  }

  bool Account(const acme::Account& a) {
    Text(account_, 1, a.id);
    Text(account_, 2, a.thumbprint);
    Text(account_, 3, a.jwk_json);
    Text(account_, 4, storage::EncodeStrings(a.contacts));
    sqlite3_bind_int64(account_, 5, storage::ToUnix(a.created_at));
    return Done(account_);
  }

  bool Insert(const Row& r) {
    using storage::ToUnix;
    Text(authz_, 1, r.authz.id);
    Text(authz_, 2, r.authz.account_id);
    Text(authz_, 3, r.authz.identifier.type);
    Text(authz_, 4, r.authz.identifier.value);
    sqlite3_bind_int64(authz_, 5, ToUnix(r.authz.expires));
    Text(authz_, 6, storage::EncodeChallenges(r.authz.challenges));
    if (!Done(authz_)) return false;
    Text(order_, 1, r.order.id);
    Text(order_, 2, r.order.account_id);
    sqlite3_bind_int64(order_, 3, ToUnix(r.order.expires));
    Text(order_, 4, storage::EncodeIdentifiers(r.order.identifiers));
    Text(order_, 5, storage::EncodeStrings(r.order.authorization_ids));
    Text(order_, 6, r.order.certificate_serial);
    sqlite3_bind_int64(order_, 7, ToUnix(r.order.created_at));
    if (!Done(order_)) return false;
    Text(cert_, 1, r.cert.serial);
    Text(cert_, 2, r.cert.account_id);
    Text(cert_, 3, r.cert.order_id);
    sqlite3_bind_blob(cert_, 4, r.cert.der.data(), int(r.cert.der.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(cert_, 5, ToUnix(r.cert.not_before));
    sqlite3_bind_int64(cert_, 6, ToUnix(r.cert.not_after));
    sqlite3_bind_int64(cert_, 7, ToUnix(r.cert.issued_at));
    sqlite3_bind_int64(cert_, 8, r.cert.crl_shard);
    return Done(cert_);
  }

 private:
  bool Prep(const char* sql, sqlite3_stmt** s) {
    return sqlite3_prepare_v2(db_, sql, -1, s, nullptr) == SQLITE_OK;
  }
  static void Text(sqlite3_stmt* s, int i, const std::string& v) {
    sqlite3_bind_text(s, i, v.data(), int(v.size()), SQLITE_TRANSIENT);
  }
  bool Done(sqlite3_stmt* s) {
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    if (!ok) std::fprintf(stderr, "store_fill: %s\n", sqlite3_errmsg(db_));
    sqlite3_reset(s);
    return ok;
  }

  sqlite3* db_;
  sqlite3_stmt* account_ = nullptr;
  sqlite3_stmt* authz_ = nullptr;
  sqlite3_stmt* order_ = nullptr;
  sqlite3_stmt* cert_ = nullptr;
};

bool Exec(sqlite3* db, const char* sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &msg) == SQLITE_OK) return true;
  std::fprintf(stderr, "store_fill: %s: %s\n", sql, msg ? msg : "?");
  sqlite3_free(msg);
  return false;
}

int64_t QueryInt(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = nullptr;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
    v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return v;
}

// Bytes per table and index (SQLite's dbstat), largest first.
boost::json::object SpaceByObject(sqlite3* db) {
  boost::json::object out;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC",
                         -1, &s, nullptr) != SQLITE_OK)
    return out;  // dbstat not compiled in: the totals still stand
  while (sqlite3_step(s) == SQLITE_ROW)
    out[reinterpret_cast<const char*>(sqlite3_column_text(s, 0))] = sqlite3_column_int64(s, 1);
  sqlite3_finalize(s);
  return out;
}

int Run(const Options& opt) {
  std::string path = opt.dir + "/signetd.sqlite3";
  {  // Creates the schema (migrations) if signetd has not run here yet.
    auto store = storage::SqliteStore::Open(path);
    if (!store.ok()) return std::fprintf(stderr, "store_fill: %s\n", store.error().ToString().c_str()), 1;
  }
  auto hierarchy = pki::CaHierarchy::LoadOrCreate(opt.dir);
  if (!hierarchy.ok())
    return std::fprintf(stderr, "store_fill: %s\n", hierarchy.error().ToString().c_str()), 1;
  ca::SignerConfig config;  // as `signetd serve` sets it up
  config.ca_issuers_url = "https://" + opt.listen + "/acme/issuer-cert";
  config.publication.base = opt.publication_base;
  config.crl_shards = 4;
  ca::Signer signer(*hierarchy, config);

  std::vector<acme::Account> accounts(opt.accounts);
  for (auto& a : accounts) {
    auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    if (!key.ok()) return 1;
    a.id = Id();
    a.jwk_json = boost::json::serialize(jose::PublicJwk(*key));
    a.thumbprint = jose::Thumbprint(*key);
    a.contacts = {"mailto:admin@" + a.id.substr(0, 8) + ".fill.test"};
    a.created_at = Clock::now();
  }
  std::vector<SubjectKey> subjects;
  for (size_t i = 0; i < kSubjectKeys; ++i) {
    auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    if (!key.ok()) return 1;
    auto der = pki::BuildCsr(*key, {"key" + std::to_string(i) + ".fill.test"});
    if (!der.ok()) return 1;
    auto csr = pki::ParseCsr(*der);
    if (!csr.ok()) return 1;
    subjects.push_back({std::move(*key), std::move(*csr)});
  }

  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return 1;
  sqlite3_busy_timeout(db, 5000);
  Inserter inserter(db);
  int64_t before = QueryInt(db, "SELECT COUNT(*) FROM certificates");
  bool ok = Exec(db, "PRAGMA journal_mode=WAL") && inserter.Prepare() && Exec(db, "BEGIN");
  for (const auto& a : accounts) ok = ok && inserter.Account(a);
  ok = ok && Exec(db, "COMMIT");

  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  auto start = Steady::now();
  std::vector<Row> batch;
  for (size_t done = 0; ok && done < opt.n;) {
    size_t count = std::min(kBatch, opt.n - done);
    batch.assign(count, Row{});
    std::vector<std::thread> workers;
    std::vector<Status> results(threads, OkStatus());
    for (unsigned t = 0; t < threads; ++t)
      workers.emplace_back([&, t] {
        for (size_t i = t; i < count && results[t].ok(); i += threads) {
          size_t index = done + i;
          results[t] = MakeRow(signer, subjects[index % kSubjectKeys],
                               accounts[index % accounts.size()], index, batch[i]);
        }
      });
    for (auto& w : workers) w.join();
    for (const Status& s : results)
      if (!s.ok()) {
        std::fprintf(stderr, "store_fill: %s\n", s.error().ToString().c_str());
        ok = false;
      }
    ok = ok && Exec(db, "BEGIN");
    for (size_t i = 0; ok && i < count; ++i) ok = inserter.Insert(batch[i]);
    ok = ok && Exec(db, "COMMIT");
    done += count;
    if (done % 100000 == 0 || done == opt.n)
      std::fprintf(stderr, "store_fill: %zu of %zu (%.0f s)\n", done, opt.n,
                   std::chrono::duration<double>(Steady::now() - start).count());
  }
  double seconds = std::chrono::duration<double>(Steady::now() - start).count();
  ok = ok && Exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  if (!ok) {
    sqlite3_close(db);
    return 1;
  }
  int64_t certs = QueryInt(db, "SELECT COUNT(*) FROM certificates");
  int64_t bytes = QueryInt(db, "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size");
  boost::json::object report{
      {"added", opt.n},
      {"certificates_before", before},
      {"certificates", certs},
      {"orders", QueryInt(db, "SELECT COUNT(*) FROM orders")},
      {"authorizations", QueryInt(db, "SELECT COUNT(*) FROM authorizations")},
      {"accounts", QueryInt(db, "SELECT COUNT(*) FROM accounts")},
      {"seconds", seconds},
      {"db_bytes", bytes},
      {"bytes_per_certificate", certs > 0 ? double(bytes) / double(certs) : 0.0},
      {"avg_certificate_bytes",
       QueryInt(db, "SELECT AVG(COALESCE(LENGTH(der), LENGTH(chain_pem))) FROM certificates")},
      {"bytes_by_object", SpaceByObject(db)}};
  sqlite3_close(db);
  std::string text = boost::json::serialize(report);
  std::printf("%s\n", text.c_str());
  if (!opt.json_path.empty()) std::ofstream(opt.json_path) << text << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Run(ParseArgs(argc, argv)); }
