// pg_store_bench: what a certificate's store calls cost PostgreSQL, with
// statements prepared once per connection and without (sent with their
// text, parsed and planned on every call). One store connection, so one
// server backend, whose CPU time (utime + stime from /proc) is measured
// around K issuances' worth of calls: the mix signetd makes for one
// certificate (newOrder, a signed request's account read and nonce
// redemption each, the authorization reads and compare-and-set, finalize,
// the certificate's download). Runs on a throwaway server
// (storage/postgres/test_server.h), alternating the two modes ROUNDS times.
//
// Usage: pg_store_bench [K] [ROUNDS]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "storage/postgres/postgres_store.h"
#include "storage/postgres/test_server.h"

namespace {

using namespace signet;
using namespace signet::storage;
using acme::ObjStatus;

// The CPU seconds process `pid` has used.
double CpuSeconds(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(f, line);
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
    if (i == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
  }
  return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

bool Check(bool ok, const char* what) {
  if (!ok) std::fprintf(stderr, "pg_store_bench: %s failed\n", what);
  return ok;
}

// One certificate's store calls, as signetd makes them for certbot.
bool Certificate(PostgresStore& s, const std::string& n) {
  acme::Authorization authz;
  authz.id = "authz" + n;
  authz.account_id = "acct";
  authz.identifier = {"dns", n + ".example.com"};
  authz.expires = acme::Clock::now() + std::chrono::hours(1);
  authz.challenges.push_back({"ch" + n, "http-01", "tok", ObjStatus::kPending, {}, {}, {}});
  acme::Order o;
  o.id = "order" + n;
  o.account_id = "acct";
  o.identifiers = {authz.identifier};
  o.authorization_ids = {authz.id};
  o.expires = o.created_at = authz.expires;
  auto expires = acme::Clock::now() + std::chrono::hours(1);
  for (int request = 0; request < 7; ++request) {  // each signed request
    if (!Check(s.GetAccount("acct").ok(), "GetAccount")) return false;
    if (!Check(s.RedeemNonce("nonce" + n + "-" + std::to_string(request), expires).ok(),
               "RedeemNonce"))
      return false;
  }
  if (!Check(s.PausedAmong("acct", o.identifiers).ok(), "PausedAmong")) return false;
  if (!Check(s.CreateOrder(o, {authz}).ok(), "CreateOrder")) return false;
  for (int i = 0; i < 7; ++i)
    if (!Check(s.GetAuthorization(authz.id).ok(), "GetAuthorization")) return false;
  authz.challenges[0].status = ObjStatus::kProcessing;
  AuthorizationExpectation start;
  start.challenge_id = authz.challenges[0].id;
  start.no_other_processing = true;
  if (!Check(s.UpdateAuthorizationIf(authz, start).ok(), "UpdateAuthorizationIf")) return false;
  authz.status = ObjStatus::kValid;
  authz.challenges[0].status = ObjStatus::kValid;
  AuthorizationExpectation finish = start;
  finish.challenge_status = ObjStatus::kProcessing;
  finish.no_other_processing = false;
  if (!Check(s.UpdateAuthorizationIf(authz, finish).ok(), "UpdateAuthorizationIf")) return false;
  o.status = ObjStatus::kReady;
  if (!Check(s.UpdateOrder(o).ok(), "UpdateOrder")) return false;
  for (int i = 0; i < 2; ++i)
    if (!Check(s.GetOrder(o.id).ok(), "GetOrder")) return false;
  o.status = ObjStatus::kProcessing;
  if (!Check(s.UpdateOrderIf(o, ObjStatus::kReady).ok(), "UpdateOrderIf")) return false;
  if (!Check(s.IsKeyBlocked("ab" + n).ok(), "IsKeyBlocked")) return false;
  const std::string serial = "5e" + n;
  if (!Check(s.AddSerial({serial, o.id, "acct", "tbs", acme::Clock::now(), {}}).ok(), "AddSerial"))
    return false;
  acme::CertificateRecord c;
  c.serial = serial;
  c.account_id = "acct";
  c.order_id = o.id;
  c.der = std::string(700, 'x');
  c.not_before = c.issued_at = acme::Clock::now();
  c.not_after = c.issued_at + std::chrono::hours(24 * 90);
  o.status = ObjStatus::kValid;
  o.certificate_serial = serial;
  auto done = s.FinishIssuanceIf(c, o, ObjStatus::kProcessing);
  if (!Check(done.ok() && *done, "FinishIssuanceIf")) return false;
  return Check(s.GetCertificate(serial).ok(), "GetCertificate");
}

}  // namespace

int main(int argc, char** argv) {
  const int k = argc > 1 ? std::atoi(argv[1]) : 300;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 2;
  auto server = pg::TestServer::Get();
  if (!server.ok()) {
    std::fprintf(stderr, "pg_store_bench: %s\n", server.error().ToString().c_str());
    return 1;
  }
  std::printf("%-12s %6s %14s %14s %16s\n", "statements", "certs", "server ms/cert",
              "wall ms/cert", "round trips/cert");
  int status = 0;
  for (int round = 0; round < rounds && status == 0; ++round) {
    for (bool prepare : {false, true}) {
      auto uri = (*server)->FreshDatabase();
      if (!uri.ok()) return 1;
      pg::Pool::Options options;
      options.size = 1;
      options.prepare_statements = prepare;
      auto store = PostgresStore::Open(*uri, options);
      if (!store.ok()) return 1;
      PostgresStore& s = **store;
      acme::Account a;
      a.id = "acct";
      a.thumbprint = "tp";
      a.jwk_json = "{}";
      a.created_at = acme::Clock::now();
      if (!s.CreateAccount(a).ok()) return 1;
      // The store's one backend: the session named signetd other than ours.
      auto side = pg::Conn::Connect(*uri, std::chrono::seconds(5), std::chrono::seconds(5));
      if (!side.ok()) return 1;
      auto pid = (*side)->Exec(
          "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND "
          "application_name = 'signetd' AND pid <> pg_backend_pid()");
      if (!pid.ok() || pid->size() != 1) {
        std::fprintf(stderr, "pg_store_bench: cannot find the store's backend\n");
        return 1;
      }
      const int backend = int(pid->Int(0, 0));
      for (int i = 0; i < 20; ++i)  // warm up: prepare, cache the catalog
        if (!Certificate(s, "w" + std::to_string(i))) return 1;
      uint64_t trips = s.RoundTrips();
      double cpu = CpuSeconds(backend);
      auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < k && status == 0; ++i)
        if (!Certificate(s, std::to_string(round) + "-" + std::to_string(i))) status = 1;
      double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("%-12s %6d %14.3f %14.3f %16.1f\n", prepare ? "prepared" : "unprepared", k,
                  1000 * (CpuSeconds(backend) - cpu) / k, 1000 * wall / k,
                  double(s.RoundTrips() - trips) / k);
      std::fflush(stdout);
    }
  }
  (*server)->Shutdown();
  return status;
}
