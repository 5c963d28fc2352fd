#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/store_test_fixture.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "storage/codec.h"

namespace signet::storage {
namespace {

using acme::ObjStatus;

class SqliteStoreTest : public SqliteStoreFixture {
 protected:
  acme::Account MakeAccount(const std::string& id) {
    acme::Account a;
    a.id = id;
    a.thumbprint = "tp-" + id;
    a.jwk_json = "{}";
    a.contacts = {"mailto:a@example.com"};
    a.created_at = acme::Clock::now();
    EXPECT_TRUE(store_->CreateAccount(a).ok());
    return a;
  }
  acme::Order MakeOrder(const std::string& account_id) {
    acme::Authorization authz;
    authz.id = "authz1";
    authz.account_id = account_id;
    authz.identifier = {"dns", "example.com"};
    authz.expires = acme::Clock::now() + std::chrono::hours(1);
    authz.challenges.push_back({"ch1", "http-01", "tok", ObjStatus::kPending, {}, {}, {}});
    acme::Order o;
    o.id = "order1";
    o.account_id = account_id;
    o.identifiers = {authz.identifier};
    o.authorization_ids = {authz.id};
    o.expires = authz.expires;
    o.created_at = acme::Clock::now();
    EXPECT_TRUE(store_->CreateOrder(o, {authz}).ok());
    return o;
  }

  // A certificate of acct1's order1.
  static acme::CertificateRecord Cert(const std::string& serial, acme::TimePoint not_after) {
    acme::CertificateRecord c;
    c.serial = serial;
    c.account_id = "acct1";
    c.order_id = "order1";
    c.der = std::string("\x30\x82\x00\x00" "der", 7);
    c.not_before = c.issued_at = acme::Clock::now();
    c.not_after = not_after;
    return c;
  }
};

TEST_P(SqliteStoreTest, AccountsSurviveReopenAndThumbprintIsUnique) {
  MakeAccount("acct1");
  Reopen();
  auto got = store_->GetAccountByThumbprint("tp-acct1");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->id, "acct1");
  EXPECT_EQ((*got)->contacts, std::vector<std::string>{"mailto:a@example.com"});
  acme::Account dup = **got;
  dup.id = "acct2";
  EXPECT_FALSE(store_->CreateAccount(dup).ok());
  auto missing = store_->GetAccount("nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(SqliteStoreTest, OrderAndAuthorizationRoundTrip) {
  MakeAccount("acct1");
  MakeOrder("acct1");
  Reopen();
  auto authz = store_->GetAuthorization("authz1");
  ASSERT_TRUE(authz.ok() && authz->has_value());
  acme::Authorization a = **authz;
  ASSERT_EQ(a.challenges.size(), 1u);
  a.challenges[0].status = ObjStatus::kInvalid;
  a.challenges[0].error = Error(ErrorCode::kConnection, "refused");
  a.challenges[0].records.push_back({"http://example.com/", "example.com", "80", {"127.0.0.1"},
                                     "127.0.0.1"});
  a.status = ObjStatus::kInvalid;
  ASSERT_TRUE(store_->UpdateAuthorization(a).ok());
  auto again = store_->GetAuthorization("authz1");
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->status, ObjStatus::kInvalid);
  ASSERT_TRUE((*again)->challenges[0].error.has_value());
  EXPECT_EQ((*again)->challenges[0].error->code, ErrorCode::kConnection);
  EXPECT_EQ((*again)->challenges[0].records[0].address_used, "127.0.0.1");
  auto order = store_->GetOrder("order1");
  ASSERT_TRUE(order.ok() && order->has_value());
  EXPECT_EQ((*order)->authorization_ids, std::vector<std::string>{"authz1"});
}

// The time of a challenge's last CAA check (finalize reuses it) is kept;
// records written before it was are read without it.
TEST_P(SqliteStoreTest, ChallengesKeepTheirLastCaaCheck) {
  MakeAccount("acct1");
  MakeOrder("acct1");
  acme::Authorization a = **store_->GetAuthorization("authz1");
  const acme::TimePoint validated{std::chrono::seconds(1'800'000'000)};
  a.challenges[0].status = ObjStatus::kValid;
  a.challenges[0].validated_at = validated;
  a.challenges[0].caa_checked_at = validated - std::chrono::seconds(3);
  a.status = ObjStatus::kValid;
  ASSERT_TRUE(store_->UpdateAuthorization(a).ok());
  Reopen();
  acme::Challenge c = (**store_->GetAuthorization("authz1")).challenges[0];
  EXPECT_EQ(c.validated_at, validated);
  EXPECT_EQ(c.caa_checked_at, validated - std::chrono::seconds(3));
  auto before = DecodeChallenges(
      R"([{"id":"c","type":"http-01","token":"t","status":"valid","validated":1800000000}])");
  ASSERT_TRUE(before.ok());
  EXPECT_EQ((*before)[0].validated_at, validated);
  EXPECT_FALSE((*before)[0].caa_checked_at.has_value());
}

TEST_P(SqliteStoreTest, ValidAuthorizationLookupsMatchTheIdentifierType) {
  MakeAccount("acct1");
  MakeOrder("acct1");
  // A "dns" authorization whose value reads as an IP address (the identifier
  // policy refuses such names; the store must not rely on that).
  auto authz = store_->GetAuthorization("authz1");
  ASSERT_TRUE(authz.ok() && authz->has_value());
  acme::Authorization a = **authz;
  a.identifier = {"dns", "192.0.2.1"};
  a.status = ObjStatus::kValid;
  ASSERT_TRUE(store_->UpdateAuthorization(a).ok());
  acme::TimePoint now = acme::Clock::now();
  EXPECT_TRUE(*store_->HasValidAuthorization("acct1", {"dns", "192.0.2.1"}, now));
  EXPECT_FALSE(*store_->HasValidAuthorization("acct1", {"ip", "192.0.2.1"}, now));
  EXPECT_FALSE(*store_->HasValidAuthorization("acct2", {"dns", "192.0.2.1"}, now));
  EXPECT_FALSE(*store_->HasValidAuthorization("acct1", {"dns", "192.0.2.1"},
                                              now + std::chrono::hours(2)));
  EXPECT_FALSE(store_->FindValidAuthorization("acct1", {"ip", "192.0.2.1"}, false, now)->has_value());
}

TEST_P(SqliteStoreTest, UpdateOrderIfIsCompareAndSet) {
  MakeAccount("acct1");
  acme::Order order = MakeOrder("acct1");
  order.status = ObjStatus::kProcessing;
  order.csr_der = "Y3Ny";
  auto first = store_->UpdateOrderIf(order, ObjStatus::kPending);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  acme::Order late = order;
  late.csr_der = "b3RoZXI";
  auto second = store_->UpdateOrderIf(late, ObjStatus::kPending);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
  auto stored = store_->GetOrder("order1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->status, ObjStatus::kProcessing);
  EXPECT_EQ((*stored)->csr_der, "Y3Ny");  // the losing write changed nothing
}

TEST_P(SqliteStoreTest, DuplicateSerialIsRefusedAndLeavesOrderUntouched) {
  MakeAccount("acct1");
  acme::Order order = MakeOrder("acct1");
  acme::CertificateRecord cert = Cert("0abc", acme::Clock::now());
  order.status = ObjStatus::kValid;
  order.certificate_serial = "0abc";
  ASSERT_TRUE(store_->FinishIssuance(cert, order).ok());
  acme::Order other = order;
  other.status = ObjStatus::kInvalid;
  EXPECT_FALSE(store_->FinishIssuance(cert, other).ok());
  auto got = store_->GetOrder("order1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->status, ObjStatus::kValid) << "the failed transaction must roll back";
}

// Schema 4 keeps each certificate's DER (bytes, NULs included); rows written
// before it kept a PEM chain and are still read, as the chain's first DER.
TEST_P(SqliteStoreTest, CertificateDerRoundTripsAndPemRowsFromBeforeStillRead) {
  if (!sqlite()) GTEST_SKIP() << "rows of schema version 3 exist only in SQLite stores";
  MakeAccount("acct1");
  acme::Order order = MakeOrder("acct1");
  acme::CertificateRecord c = Cert("0a01", acme::Clock::now() + std::chrono::hours(1));
  order.status = ObjStatus::kValid;
  ASSERT_TRUE(store_->FinishIssuance(c, order).ok());
  auto back = store_->GetCertificate("0a01");
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ((*back)->der, c.der);

  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "ca.db").string().c_str(), &db), SQLITE_OK);
  const char* old_row =
      "INSERT INTO certificates (serial, account_id, order_id, chain_pem, not_before, "
      "not_after, issued_at) VALUES ('0b02', 'acct1', 'order1', "
      "'-----BEGIN CERTIFICATE-----\nMIIBAAEC\n-----END CERTIFICATE-----\n"
      "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', 0, 0, 0)";
  ASSERT_EQ(sqlite3_exec(db, old_row, nullptr, nullptr, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "INSERT INTO certificates (serial, account_id, order_id, chain_pem, "
                             "not_before, not_after, issued_at) VALUES ('0c03', 'acct1', "
                             "'order1', 'not pem', 0, 0, 0)", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  Reopen();
  auto old = store_->GetCertificate("0b02");
  ASSERT_TRUE(old.ok()) << old.error().ToString();
  ASSERT_TRUE(old->has_value());
  EXPECT_EQ((*old)->der, std::string("\x30\x82\x01\x00\x01\x02", 6));
  auto corrupt = store_->GetCertificate("0c03");
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.error().code, ErrorCode::kServerInternal);
}

// Issue 5: what CRLs, OCSP, ARI and key blocking keep in the store.
TEST_P(SqliteStoreTest, RevocationFeedShardsAndExpiry) {
  MakeAccount("acct1");
  acme::Order order = MakeOrder("acct1");
  auto now = acme::Clock::now();
  auto cert = [&](const std::string& serial, int shard, acme::TimePoint not_after) {
    acme::CertificateRecord c = Cert(serial, not_after);
    c.crl_shard = shard;
    c.profile = "classic";
    EXPECT_TRUE(store_->FinishIssuance(c, order).ok());
  };
  cert("a1", 0, now + std::chrono::hours(1));
  cert("b2", 1, now + std::chrono::hours(1));
  cert("c3", 1, now - std::chrono::hours(1));  // expired
  for (const char* s : {"a1", "b2", "c3"}) ASSERT_TRUE(*store_->RevokeCertificate(s, 4, now));
  EXPECT_FALSE(*store_->RevokeCertificate("a1", 1, now)) << "only once";
  Reopen();
  auto feed = store_->RevocationsSince(0, 2);
  ASSERT_TRUE(feed.ok());
  ASSERT_EQ(feed->size(), 2u);
  EXPECT_EQ((*feed)[0].serial, "a1");
  EXPECT_EQ((*feed)[1].crl_shard, 1);
  auto rest = store_->RevocationsSince((*feed)[1].sequence, 10);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].serial, "c3");
  auto shard1 = store_->ListRevokedInShard(1, now);
  ASSERT_TRUE(shard1.ok());
  ASSERT_EQ(shard1->size(), 1u) << "the expired one is left out";
  EXPECT_EQ((*shard1)[0].serial, "b2");
  EXPECT_EQ((*shard1)[0].reason, 4);
  EXPECT_EQ(*store_->MaxCrlShard(), 1);
  EXPECT_EQ(store_->GetCertificate("b2")->value().profile, "classic");
}

TEST_P(SqliteStoreTest, CrlNumbersOnlyGrow) {
  EXPECT_EQ(*store_->NextCrlNumber(3), 1);
  EXPECT_EQ(*store_->NextCrlNumber(3), 2);
  EXPECT_EQ(*store_->NextCrlNumber(0), 1);
  Reopen();
  EXPECT_EQ(*store_->NextCrlNumber(3), 3);
  EXPECT_EQ(*store_->MaxCrlShard(), -1) << "no certificates yet";
}

TEST_P(SqliteStoreTest, BlockedKeysAndRenewalWindows) {
  EXPECT_FALSE(*store_->IsKeyBlocked("ab"));
  ASSERT_TRUE(store_->BlockKey("ab", "01", acme::Clock::now()).ok());
  ASSERT_TRUE(store_->BlockKey("ab", "02", acme::Clock::now()).ok()) << "idempotent";
  EXPECT_TRUE(*store_->IsKeyBlocked("ab"));
  EXPECT_FALSE(*store_->SetRenewalWindow("nope", std::nullopt, std::nullopt, ""));
  EXPECT_FALSE(store_->SetRenewalWindow("nope", acme::Clock::now(), std::nullopt, "").ok());
}

TEST_P(SqliteStoreTest, OnlyOneLiveReplacementOrderPerCertificate) {
  MakeAccount("acct1");
  acme::Order first = MakeOrder("acct1");
  first.id = "order2";
  first.replaces = "AAAA.AQ";
  first.replaces_serial = "01";
  first.profile = "tlsserver";
  ASSERT_TRUE(store_->CreateOrder(first, {}).ok());
  EXPECT_EQ(store_->GetOrder("order2")->value().replaces, "AAAA.AQ");
  EXPECT_EQ(store_->GetOrder("order2")->value().profile, "tlsserver");
  EXPECT_TRUE(*store_->HasReplacementOrder("01"));
  acme::Order second = first;
  second.id = "order3";
  Status refused = store_->CreateOrder(second, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kAlreadyReplaced);
  first.status = ObjStatus::kInvalid;  // a failed replacement may be retried
  ASSERT_TRUE(store_->UpdateOrder(first).ok());
  EXPECT_TRUE(store_->CreateOrder(second, {}).ok());
}

// Audit: a status change is a compare-and-set on the stored status, so a
// validation that finishes after a deactivation cannot undo it, and two
// challenges of one authorization cannot both start.
TEST_P(SqliteStoreTest, AuthorizationWritesAreConditionalOnTheStoredStatus) {
  MakeAccount("acct1");
  MakeOrder("acct1");
  acme::Authorization a = **store_->GetAuthorization("authz1");
  a.challenges.push_back({"ch2", "dns-01", "tok2", ObjStatus::kPending, {}, {}, {}});
  ASSERT_TRUE(store_->UpdateAuthorization(a).ok());

  AuthorizationExpectation start{ObjStatus::kPending, "ch1", ObjStatus::kPending, true};
  acme::Authorization one = a;
  one.challenges[0].status = ObjStatus::kProcessing;
  EXPECT_TRUE(*store_->UpdateAuthorizationIf(one, start));
  acme::Authorization two = a;  // read before `one` was written
  two.challenges[1].status = ObjStatus::kProcessing;
  EXPECT_FALSE(*store_->UpdateAuthorizationIf(
      two, {ObjStatus::kPending, "ch2", ObjStatus::kPending, true}))
      << "ch1 is processing: ch2 may not start";

  acme::Authorization deactivated = one;
  deactivated.status = ObjStatus::kDeactivated;
  EXPECT_TRUE(*store_->UpdateAuthorizationIf(deactivated, AuthorizationExpectation::InStatus(ObjStatus::kPending)));
  acme::Authorization validated = one;  // the validation read it pending
  validated.status = ObjStatus::kValid;
  validated.challenges[0].status = ObjStatus::kValid;
  EXPECT_FALSE(*store_->UpdateAuthorizationIf(
      validated, {ObjStatus::kPending, "ch1", ObjStatus::kProcessing}));
  auto stored = **store_->GetAuthorization("authz1");
  EXPECT_EQ(stored.status, ObjStatus::kDeactivated);
  EXPECT_EQ(stored.challenges[1].status, ObjStatus::kPending) << "the losing write changed nothing";
  EXPECT_FALSE(*store_->UpdateAuthorizationIf(validated, {ObjStatus::kPending, "no-such"}));
  acme::Authorization ghost = a;
  ghost.id = "nope";
  EXPECT_FALSE(*store_->UpdateAuthorizationIf(ghost, AuthorizationExpectation::InStatus(ObjStatus::kPending)));
}

// Audit: a serial is recorded (with the to-be-signed certificate) before it
// is signed; the primary key makes a second use of it impossible.
TEST_P(SqliteStoreTest, SerialsAreRecordedOnceAndSurviveReopen) {
  MakeAccount("acct1");
  MakeOrder("acct1");
  SerialRecord r{"7f01", "order1", "acct1", std::string("\x30\x00tbs", 5),
                 FromUnix(1700000000)};
  ASSERT_TRUE(store_->AddSerial(r).ok());
  Status again = store_->AddSerial(r);
  EXPECT_FALSE(again.ok()) << "a serial is never recorded twice";
  Reopen();
  auto got = store_->GetSerial("7f01");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->order_id, "order1");
  EXPECT_EQ((*got)->tbs_der, r.tbs_der);
  EXPECT_EQ((*got)->created_at, r.created_at);
  EXPECT_FALSE(store_->GetSerial("7f02")->has_value());
}

// CT (migration 0012): a serial's precertificate is kept on its row and
// survives a reopen; a serial never recorded has none to keep.
TEST_P(SqliteStoreTest, PrecertificatesAreKeptOnTheirSerial) {
  MakeAccount("acct1");
  MakeOrder("acct1");
  ASSERT_TRUE(store_->AddSerial({"7f03", "order1", "acct1", "tbs", FromUnix(1700000000)}).ok());
  EXPECT_TRUE((*store_->GetSerial("7f03"))->precertificate_der.empty());
  const std::string der("\x30\x82precert\x00", 10);
  ASSERT_TRUE(store_->AddPrecertificate("7f03", der).ok());
  Reopen();
  auto got = store_->GetSerial("7f03");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->precertificate_der, der);
  Status unknown = store_->AddPrecertificate("7f04", der);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

// Audit: what the CA has answered for (a serial about to be signed, an
// issued certificate, a revocation) is on disk before it answers: those
// commits run with synchronous=FULL, the rest with NORMAL.
TEST(SqliteDbTest, DurableTransactionsCommitWithSynchronousFull) {
  auto path = std::filesystem::temp_directory_path() /
              ("signet-sync-" + std::to_string(::getpid()) + ".db");
  {
    auto db = sqlite::Db::Open(path.string());
    ASSERT_TRUE(db.ok());
    auto synchronous = [&] {
      auto s = (*db)->Prepare("PRAGMA synchronous");
      EXPECT_TRUE(s.ok());
      EXPECT_EQ(s->Step(), SQLITE_ROW);
      return s->Int(0);  // 1 = NORMAL, 2 = FULL
    };
    EXPECT_EQ(synchronous(), 1);
    {
      sqlite::Transaction tx(**db, sqlite::Durability::kDurable);
      ASSERT_TRUE(tx.begun());
      EXPECT_EQ(synchronous(), 2);
      ASSERT_TRUE(tx.Commit().ok());
    }
    EXPECT_EQ(synchronous(), 1);
    EXPECT_EQ((*db)->durable_commits(), 1u);
    {
      sqlite::Transaction tx(**db);
      EXPECT_EQ(synchronous(), 1);
    }
  }
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
}

TEST_P(SqliteStoreTest, SerialsIssuancesAndRevocationsAreDurableCommits) {
  if (!sqlite()) GTEST_SKIP() << "PostgreSQL commits are all durable (synchronous_commit)";
  MakeAccount("acct1");
  acme::Order order = MakeOrder("acct1");
  uint64_t before = sqlite()->DurableCommits();
  order.status = ObjStatus::kReady;
  ASSERT_TRUE(*store_->UpdateOrderIf(order, ObjStatus::kPending));
  EXPECT_EQ(sqlite()->DurableCommits(), before) << "an order's status change is not";
  ASSERT_TRUE(store_->AddSerial({"0d01", "order1", "acct1", "tbs", acme::Clock::now()}).ok());
  EXPECT_EQ(sqlite()->DurableCommits(), before + 1);
  order.status = ObjStatus::kValid;
  ASSERT_TRUE(store_->FinishIssuance(Cert("0d01", acme::Clock::now()), order).ok());
  EXPECT_EQ(sqlite()->DurableCommits(), before + 2);
  ASSERT_TRUE(*store_->RevokeCertificate("0d01", 1, acme::Clock::now()));
  EXPECT_EQ(sqlite()->DurableCommits(), before + 3);
  ASSERT_TRUE(store_->BlockKey("ab", "0d01", acme::Clock::now()).ok());
  EXPECT_EQ(sqlite()->DurableCommits(), before + 4);
}

SIGNET_STORE_BACKENDS(SqliteStoreTest);

}  // namespace
}  // namespace signet::storage
