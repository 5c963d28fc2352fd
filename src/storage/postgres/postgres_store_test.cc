// PostgresStore: what only a shared server has — instances migrating at
// once, an outage and the recovery after it, and races between writers on
// separate connections (the suites in sqlite/*_test.cc run on both backends).
#include "storage/postgres/postgres_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "storage/migrations.h"
#include "storage/postgres/test_server.h"
#include "storage/sqlite/store_test_fixture.h"

namespace signet::storage {
namespace {

using acme::ObjStatus;
using Clock = std::chrono::steady_clock;

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = pg::TestServer::Get();
    ASSERT_TRUE(server.ok()) << server.error().ToString();
    server_ = *server;
  }
  static acme::Account Account(const std::string& id) {
    acme::Account a;
    a.id = id;
    a.thumbprint = "tp-" + id;
    a.jwk_json = "{}";
    a.created_at = acme::Clock::now();
    return a;
  }
  pg::TestServer* server_ = nullptr;
};

// Eight instances start at once on an empty database: every one opens, and
// the schema is migrated once (a second run of a migration would fail on
// CREATE TABLE of a table that exists).
TEST_F(PostgresStoreTest, InstancesStartingTogetherMigrateOnce) {
  auto uri = server_->EmptyDatabase();
  ASSERT_TRUE(uri.ok()) << uri.error().ToString();
  constexpr int kInstances = 8;
  std::vector<std::thread> threads;
  std::vector<std::string> errors(kInstances);
  for (int i = 0; i < kInstances; ++i)
    threads.emplace_back([&, i] {
      auto s = PostgresStore::Open(*uri);
      if (!s.ok()) errors[i] = s.error().ToString();
    });
  for (auto& t : threads) t.join();
  for (int i = 0; i < kInstances; ++i) EXPECT_EQ(errors[i], "") << i;
  auto c = pg::Conn::Connect(*uri, std::chrono::seconds(5), std::chrono::seconds(5));
  ASSERT_TRUE(c.ok());
  auto v = (*c)->Exec("SELECT version FROM signet_schema_version");
  ASSERT_TRUE(v.ok() && v->size() == 1);
  EXPECT_EQ(v->Int(0, 0), int64_t(kPostgresMigrations.size()));
}

// While the server is down a call fails at once with serverInternal "the
// database is unreachable" (and a Retry-After), never hangs; once the server
// is back the same store serves again, without being reopened.
TEST_F(PostgresStoreTest, OutageFailsFastAndTheStoreRecoversByItself) {
  auto uri = server_->FreshDatabase();
  ASSERT_TRUE(uri.ok());
  auto store = PostgresStore::Open(*uri);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->CreateAccount(Account("a1")).ok());
  ASSERT_TRUE((*store)->GetAccount("a1").ok());  // a pooled connection, then the outage

  ASSERT_TRUE(server_->Stop().ok());
  for (int i = 0; i < 3; ++i) {
    auto start = Clock::now();
    auto got = (*store)->GetAccount("a1");
    auto took = Clock::now() - start;
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, ErrorCode::kServerInternal);
    EXPECT_NE(got.error().detail.find("the database is unreachable"), std::string::npos)
        << got.error().detail;
    EXPECT_GT(got.error().retry_after_seconds, 0);
    EXPECT_LT(took, std::chrono::seconds(2));
    Status write = (*store)->CreateAccount(Account("a2"));
    ASSERT_FALSE(write.ok());
    EXPECT_NE(write.error().detail.find("unreachable"), std::string::npos);
  }
  ASSERT_TRUE(server_->Start().ok());

  auto got = (*store)->GetAccount("a1");
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  ASSERT_TRUE(got->has_value()) << "an acknowledged write survives the restart";
  EXPECT_TRUE((*store)->CreateAccount(Account("a2")).ok());
}

// A restart while the pool holds idle connections (none used during the
// outage): they are found closed when lent, without a failed request, so
// the first calls after the restart all succeed.
TEST_F(PostgresStoreTest, IdleConnectionsClosedByARestartAreReplacedUnseen) {
  auto uri = server_->FreshDatabase();
  ASSERT_TRUE(uri.ok());
  auto store = PostgresStore::Open(*uri);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->CreateAccount(Account("a1")).ok());
  // Fill the pool: eight lookups at once leave eight idle connections.
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] { EXPECT_TRUE((*store)->GetAccount("a1").ok()); });
  for (auto& t : threads) t.join();
  ASSERT_TRUE(server_->Stop().ok());
  ASSERT_TRUE(server_->Start().ok());
  for (int i = 0; i < 10; ++i) {
    auto got = (*store)->GetAccount("a1");
    ASSERT_TRUE(got.ok()) << "call " << i << " after the restart: " << got.error().ToString();
    EXPECT_TRUE(got->has_value());
  }
}

// A database at schema version 8 holding a certificate: migration 0009
// records its name set (PostgreSQL's own JSON functions), as SQLite's does.
TEST_F(PostgresStoreTest, MigrationRecordsTheNameSetsOfEarlierCertificates) {
  auto uri = server_->FreshDatabase();
  ASSERT_TRUE(uri.ok());
  {
    auto store = PostgresStore::Open(*uri);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->CreateAccount(Account("acct1")).ok());
    acme::Order o;
    o.id = "o1";
    o.account_id = "acct1";
    o.identifiers = {{"dns", "b.example.com"}, {"dns", "A.example.com"}};
    o.expires = o.created_at = acme::Clock::now();
    ASSERT_TRUE((*store)->CreateOrder(o, {}).ok());
    acme::CertificateRecord c;
    c.serial = "01";
    c.account_id = "acct1";
    c.order_id = "o1";
    c.der = "der";
    c.not_before = c.issued_at = acme::Clock::now();
    c.not_after = acme::Clock::now() + std::chrono::hours(24);
    ASSERT_TRUE((*store)->FinishIssuance(c, o).ok());
  }
  {
    auto c = pg::Conn::Connect(*uri, std::chrono::seconds(5), std::chrono::seconds(5));
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE((*c)->ExecScript("DROP TABLE rate_limits; DROP TABLE rate_limit_overrides; "
                                 "DROP TABLE issued_name_sets; DROP TABLE paused; DROP TABLE redeemed_nonces; DROP TABLE work_items; "
                                 "DROP TABLE nonce_key; DROP TABLE published_crls; "
                                 "ALTER TABLE serials DROP COLUMN precertificate_der; "
                                 "UPDATE signet_schema_version SET version = 8;").ok());
  }
  auto store = PostgresStore::Open(*uri);
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  EXPECT_TRUE(*(*store)->HasCertificateForNames("acct1", "a.example.com,b.example.com",
                                                acme::Clock::now()));
}

// A statement with parameters is prepared once per connection and then sent
// by name (the server parses and plans it once); it outlives a rolled-back
// transaction; one that cannot be prepared fails as it would unprepared.
TEST_F(PostgresStoreTest, StatementsArePreparedOncePerConnection) {
  auto uri = server_->FreshDatabase();
  ASSERT_TRUE(uri.ok());
  auto c = pg::Conn::Connect(*uri, std::chrono::seconds(5), std::chrono::seconds(5));
  ASSERT_TRUE(c.ok());
  const std::string sql = "SELECT $1::BIGINT + 1";
  for (int64_t i = 0; i < 3; ++i) {
    auto r = (*c)->Exec(sql, pg::Params().Add(i));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->Int(0, 0), i + 1);
  }
  EXPECT_EQ((*c)->prepared(), 1u);
  auto on_server = (*c)->Exec("SELECT count(*) FROM pg_prepared_statements");
  ASSERT_TRUE(on_server.ok());
  EXPECT_EQ(on_server->Int(0, 0), 1);

  ASSERT_TRUE((*c)->Run("BEGIN").ok());
  ASSERT_TRUE((*c)->Exec("SELECT $1::TEXT", pg::Params().Add("x")).ok());
  ASSERT_TRUE((*c)->Run("ROLLBACK").ok());
  auto again = (*c)->Exec("SELECT $1::TEXT", pg::Params().Add("y"));
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(again->Text(0, 0), "y");

  auto bad = (*c)->Exec("SELECT nosuchcolumn FROM accounts WHERE id = $1", pg::Params().Add("a"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().detail.find("nosuchcolumn"), std::string::npos) << bad.error().detail;
  EXPECT_EQ((*c)->prepared(), 2u);

  auto plain = pg::Conn::Connect(*uri, std::chrono::seconds(5), std::chrono::seconds(5),
                                 /*prepare=*/false);
  ASSERT_TRUE(plain.ok());
  ASSERT_TRUE((*plain)->Exec(sql, pg::Params().Add(int64_t(1))).ok());
  EXPECT_EQ((*plain)->prepared(), 0u);
}

// The writes of an issuance are one statement each: a new order with its
// authorization, a challenge's compare-and-set, the finish (the order, the
// certificate, its name set). They took 4, 4 and 5 round trips (BEGIN ...
// COMMIT around them).
TEST_F(PostgresStoreTest, AnIssuanceWritesInOneRoundTripEach) {
  auto uri = server_->FreshDatabase();
  ASSERT_TRUE(uri.ok());
  pg::Pool::Options one;
  one.size = 1;  // one connection: its statements prepared once, below
  auto opened = PostgresStore::Open(*uri, one);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  PostgresStore& store = **opened;
  ASSERT_TRUE(store.CreateAccount(Account("acct1")).ok());
  auto issue = [&](const std::string& n, std::vector<uint64_t>* trips) {
    acme::Authorization authz;
    authz.id = "authz" + n;
    authz.account_id = "acct1";
    authz.identifier = {"dns", n + ".example.com"};
    authz.expires = acme::Clock::now() + std::chrono::hours(1);
    authz.challenges.push_back({"ch" + n, "http-01", "tok", ObjStatus::kPending, {}, {}, {}});
    acme::Order o;
    o.id = "order" + n;
    o.account_id = "acct1";
    o.identifiers = {authz.identifier};
    o.authorization_ids = {authz.id};
    o.expires = o.created_at = authz.expires;
    o.status = ObjStatus::kProcessing;
    uint64_t before = store.RoundTrips();
    ASSERT_TRUE(store.CreateOrder(o, {authz}).ok());
    trips->push_back(store.RoundTrips() - before);
    authz.challenges[0].status = ObjStatus::kProcessing;
    AuthorizationExpectation e;
    e.challenge_id = "ch" + n;
    e.no_other_processing = true;
    before = store.RoundTrips();
    auto set = store.UpdateAuthorizationIf(authz, e);
    ASSERT_TRUE(set.ok() && *set) << n;
    trips->push_back(store.RoundTrips() - before);
    auto lost = store.UpdateAuthorizationIf(authz, e);  // now processing: no match
    ASSERT_TRUE(lost.ok() && !*lost) << n;
    acme::CertificateRecord c;
    c.serial = "5e" + n;
    c.account_id = "acct1";
    c.order_id = o.id;
    c.der = "der";
    c.not_before = c.issued_at = acme::Clock::now();
    c.not_after = acme::Clock::now() + std::chrono::hours(24);
    o.status = ObjStatus::kValid;
    o.certificate_serial = c.serial;
    before = store.RoundTrips();
    auto finished = store.FinishIssuanceIf(c, o, ObjStatus::kProcessing);
    ASSERT_TRUE(finished.ok() && *finished) << n;
    trips->push_back(store.RoundTrips() - before);
    auto again = store.FinishIssuanceIf(c, o, ObjStatus::kProcessing);  // already valid
    ASSERT_TRUE(again.ok() && !*again) << n;
  };
  std::vector<uint64_t> first, second;
  issue("1", &first);  // prepares each statement: one more round trip each
  issue("2", &second);
  EXPECT_EQ(second, (std::vector<uint64_t>{1, 1, 1}));
  auto cert = store.GetCertificate("5e2");
  ASSERT_TRUE(cert.ok() && cert->has_value());
  EXPECT_TRUE(*store.HasCertificateForNames("acct1", "2.example.com", acme::Clock::now()));
}

TEST(PostgresStoreSpec, TextArraysQuoteEveryElement) {
  EXPECT_EQ(pg::TextArray({}), "{}");
  EXPECT_EQ(pg::TextArray({"a", "b,c", "d\"e", "f\\g"}), "{\"a\",\"b,c\",\"d\\\"e\",\"f\\\\g\"}");
}

}  // namespace
}  // namespace signet::storage
