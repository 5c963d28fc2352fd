// Issue 10: several signetd instances (each a whole CA: RA, VA, signer,
// front end) on one PostgreSQL store. Work an instance leaves when it dies
// is finished by another, once; a racing claim goes to one instance; what
// one instance changes about an account (its key, its status) and spends of
// a rate limit hold on the others at once.
//
// The suite's name starts with "Postgres": ctest runs these tests in one
// process (one throwaway PostgreSQL server for them all).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>

#include "acme_fixture.h"
#include "ca/publisher/publisher.h"
#include "base/base64url.h"
#include "jose/jwk.h"
#include "jose/jws.h"
#include "storage/postgres/postgres_store.h"
#include "storage/postgres/test_server.h"

namespace signet::testing {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

// Holds the VA calls of one instance (validations or CAA checks) while
// closed, counting those that arrived: an instance stuck in its work.
class Gate {
 public:
  void Close() {
    std::lock_guard lock(mu_);
    open_ = false;
  }
  void Open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  void Pass() {
    std::unique_lock lock(mu_);
    ++arrived_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return open_; });
  }
  bool WaitArrived(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 10s, [&] { return arrived_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = true;
  int arrived_ = 0;
};

class GatedVa : public va::ValidationAuthority {
 public:
  GatedVa(va::ValidationAuthority& inner, Gate& validations, Gate& caa)
      : inner_(inner), validations_(validations), caa_(caa) {}
  va::ValidationResult Validate(const va::ValidationRequest& request) override {
    validations_.Pass();
    return inner_.Validate(request);
  }

 private:
  Status DoCheckCaa(const std::string& name, bool wildcard, const std::string& account_url,
                    const std::string& method, va::Deadline deadline) override {
    caa_.Pass();
    return inner_.CheckCaa(name, wildcard, account_url, method, deadline);
  }
  va::ValidationAuthority& inner_;
  Gate& validations_;
  Gate& caa_;
};

constexpr auto kLease = 600ms;

class PostgresInstancesTest : public AcmeTest {
 protected:
  void SetUp() override {
    auto server = storage::pg::TestServer::Get();
    ASSERT_TRUE(server.ok()) << server.error().ToString();
    auto uri = (*server)->FreshDatabase();
    ASSERT_TRUE(uri.ok()) << uri.error().ToString();
    auto store = storage::PostgresStore::Open(*uri);
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    store_ = std::move(*store);
    AcmeTest::SetUp();  // instance A: ca_
  }
  void TearDown() override {
    for (Gate* g : {&a_validations_, &a_caa_}) g->Open();  // A's stuck workers finish
    others_.clear();
    AcmeTest::TearDown();
    store_.reset();
  }
  // Instance A (the fixture's ca_): its VA calls pass A's gates; it polls
  // for expired work only when a test asks (PollWork).
  CaOptions Options() const override {
    CaOptions o = Shared(/*poll=*/0ms);
    o.wrap_va = [this](va::ValidationAuthority& local) {
      return std::make_unique<GatedVa>(local, const_cast<Gate&>(a_validations_),
                                       const_cast<Gate&>(a_caa_));
    };
    return o;
  }
  CaOptions Shared(std::chrono::milliseconds poll) const {
    CaOptions o;
    o.shared_store = store_.get();
    o.rate_limits = limits_;
    o.tune_ra = [poll, caa_recheck = caa_recheck_after_](ca::RaConfig& rc) {
      rc.work.single_instance = false;
      rc.work.lease = kLease;
      rc.work.poll = poll;
      rc.caa_recheck_after = caa_recheck;
    };
    return o;
  }
  // Another instance on the same store and CA keys.
  CaUnderTest* Another(std::chrono::milliseconds poll) {
    others_.push_back(std::make_unique<CaUnderTest>(dir_, challenges_->port(), Shared(poll)));
    return others_.back().get();
  }
  // Sends the following requests to `ca` (the test's client moves over).
  void Use(std::unique_ptr<CaUnderTest>& ca) { std::swap(ca_, ca); }
  std::string StartChallenge(const json::object& order) {
    std::string url(order.at("authorizations").as_array()[0].as_string());
    Reply authz = PostAsGet(url);
    const json::object& chall = authz.json.at("challenges").as_array()[0].as_object();
    challenges_->Set(Str(chall, "token"), KeyAuthorization(Str(chall, "token")));
    Reply started = PostJson(Str(chall, "url"), json::object{});
    EXPECT_EQ(started.status, 200) << started.body;
    return url;
  }

  std::unique_ptr<storage::PostgresStore> store_;
  std::vector<std::unique_ptr<CaUnderTest>> others_;
  Gate a_validations_, a_caa_;
  ca::ratelimit::Limits limits_ = ca::ratelimit::Limits::LetsEncryptDefaults();
  std::chrono::seconds caa_recheck_after_ = std::chrono::hours(8);
};

// Every finalize re-checks CAA: the issuance is background work.
class PostgresInstancesIssuanceTest : public PostgresInstancesTest {
 protected:
  PostgresInstancesIssuanceTest() { caa_recheck_after_ = std::chrono::seconds(0); }
};

// A starts a validation and dies in it (its VA never returns, its leases
// are no longer renewed). Two instances poll at once after A's lease ran
// out: one claims the validation and finishes it; A's late outcome changes
// nothing.
TEST_F(PostgresInstancesTest, AValidationADeadInstanceLeftIsFinishedOnceByAnother) {
  Register();
  a_validations_.Close();
  Reply order = NewOrder({"dies.example.test"});
  ASSERT_EQ(order.status, 201) << order.body;
  std::string authz_url = StartChallenge(order.json);
  ASSERT_TRUE(a_validations_.WaitArrived(1));
  ca_->ra->StopRenewingWorkForTest();

  CaUnderTest* b = Another(0ms);
  CaUnderTest* c = Another(0ms);
  auto early = b->ra->PollWork();
  ASSERT_TRUE(early.ok()) << early.error().ToString();
  EXPECT_EQ(*early, 0u) << "claimed while A's lease ran";
  std::this_thread::sleep_for(kLease + 200ms);
  auto fb = std::async(std::launch::async, [&] { return b->ra->PollWork(); });
  auto fc = std::async(std::launch::async, [&] { return c->ra->PollWork(); });
  auto claimed_b = fb.get(), claimed_c = fc.get();
  ASSERT_TRUE(claimed_b.ok() && claimed_c.ok());
  EXPECT_EQ(*claimed_b + *claimed_c, 1u) << "one claim each: the item went twice";

  Use(others_[0]);
  Reply authz = WaitForAuthz(authz_url);
  EXPECT_EQ(Str(authz.json, "status"), "valid") << authz.body;
  Use(others_[0]);
  a_validations_.Open();  // A wakes up: its outcome is dropped (the challenge is not processing)
  EXPECT_TRUE(ca_->ra->DrainValidations(std::chrono::steady_clock::now() + 10s));
  EXPECT_EQ(Str(PostAsGet(authz_url).json, "status"), "valid");
}

// A finalizes an order whose CAA re-check is due (background issuance) and
// dies in the re-check. B claims the issuance once A's lease ran out and
// issues; A, waking up, signs nothing: one serial, one certificate.
TEST_F(PostgresInstancesIssuanceTest, AnIssuanceADeadInstanceLeftIsSignedOnceByAnother) {
  Register();
  std::string order_url;
  Reply order = NewOrder({"issue.example.test"}, &order_url);
  ASSERT_EQ(order.status, 201) << order.body;
  Authorize(order.json);
  std::atomic<int> a_signed{0}, b_signed{0};
  ca_->ra->SetBeforeSignHook([&](const std::string&) { ++a_signed; });
  a_caa_.Close();
  auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  Reply processing = PostJson(Str(order.json, "finalize"),
                              json::object{{"csr", Base64UrlEncode(MakeCsr(*key, {"issue.example.test"}))}});
  EXPECT_EQ(Str(processing.json, "status"), "processing") << processing.body;
  ASSERT_TRUE(a_caa_.WaitArrived(1));
  ca_->ra->StopRenewingWorkForTest();

  CaUnderTest* b = Another(100ms);  // B polls by itself
  b->ra->SetBeforeSignHook([&](const std::string&) { ++b_signed; });
  Use(others_[0]);
  Reply done;
  for (int i = 0; i < 200; ++i) {
    done = PostAsGet(order_url);
    if (Str(done.json, "status") != "processing") break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(Str(done.json, "status"), "valid") << done.body;
  Use(others_[0]);
  a_caa_.Open();  // A wakes up past its lease: it must not sign
  EXPECT_TRUE(ca_->ra->DrainValidations(std::chrono::steady_clock::now() + 10s));
  EXPECT_EQ(a_signed.load(), 0) << "the dead instance signed a second serial";
  EXPECT_EQ(b_signed.load(), 1);
  Reply after = PostAsGet(order_url);
  EXPECT_EQ(Str(after.json, "certificate"), Str(done.json, "certificate"));
}

// CRL publication is a singleton: A (started first) leads and B serves the
// CRL A keeps in the store, publishing none itself; when A dies (its
// database session ends, and the advisory lock with it) B takes over within
// a few seconds and publishes a newer CRL at once.
TEST_F(PostgresInstancesTest, CrlPublicationMovesToAnotherInstanceWhenTheLeaderDies) {
  ca::PublisherConfig pc;
  pc.feed_poll = 200ms;
  const pki::Issuer& issuer = ca_->hierarchy->intermediate();
  auto a = std::make_unique<ca::Publisher>(*store_, issuer, pc);
  ASSERT_TRUE(a->Start().ok());
  ca::Publisher b(*store_, issuer, pc);
  ASSERT_TRUE(b.Start().ok());
  EXPECT_TRUE(a->leading());
  EXPECT_FALSE(b.leading());
  auto first = a->crls().Get(0);
  ASSERT_TRUE(first && b.crls().Get(0));
  EXPECT_EQ(b.crls().Get(0)->number, first->number);
  EXPECT_EQ(b.crls().Get(0)->der, first->der) << "B serves another CRL than A's";
  ASSERT_TRUE(b.WaitForIdle(5s));
  ASSERT_TRUE(b.WaitForIdle(5s));
  EXPECT_FALSE(b.leading());
  EXPECT_EQ(b.crls().Get(0)->number, first->number) << "B published while A led";

  a.reset();  // A dies
  const auto died = std::chrono::steady_clock::now();
  while (!b.leading() && std::chrono::steady_clock::now() - died < 10s)
    std::this_thread::sleep_for(20ms);
  const auto took = std::chrono::steady_clock::now() - died;
  ASSERT_TRUE(b.leading()) << "no instance took CRL publication over";
  EXPECT_LT(took, 3s);
  ASSERT_TRUE(b.WaitForIdle(5s));
  EXPECT_GT(b.crls().Get(0)->number, first->number) << "the new leader did not publish";
  auto stored = store_->GetStoredCrl(0);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->number, b.crls().Get(0)->number);
}

// An account's key change and deactivation made through A hold on B at
// once, though B verified (and cached) the old key just before: the account
// is read from the store on every request and the key cache is by
// thumbprint. A rate limit spent on both counts both.
TEST_F(PostgresInstancesTest, AccountChangesAndRateLimitsHoldAcrossInstances) {
  limits_.Set(ca::ratelimit::LimitName::kNewOrdersPerAccount, {2, std::chrono::hours(3)});
  Restart();  // A again, with the limit
  Register();
  Another(0ms);
  Use(others_[0]);
  ASSERT_EQ(PostAsGet(kid_).status, 200);  // B caches the old key
  ASSERT_EQ(NewOrder({"b.example.test"}).status, 201);  // spends on B
  Use(others_[0]);
  ASSERT_EQ(NewOrder({"a.example.test"}).status, 201);  // spends on A
  Use(others_[0]);
  Reply limited = NewOrder({"c.example.test"});  // B: the limit's 2 are spent
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.Type(), "rateLimited");
  EXPECT_NE(Str(limited.json, "detail").find("new_orders_per_account"), std::string::npos)
      << limited.body;
  Use(others_[0]);

  auto new_key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  json::object header{{"jwk", jose::PublicJwk(*new_key)}, {"url", kBase + "/acme/key-change"}};
  json::object change{{"account", kid_}, {"oldKey", jose::PublicJwk(key_)}};
  auto inner = jose::Sign(*new_key, header, json::serialize(change));
  ASSERT_TRUE(inner.ok());
  Reply changed = PostJson(kBase + "/acme/key-change", json::parse(*inner));
  ASSERT_EQ(changed.status, 200) << changed.body;
  Use(others_[0]);
  Reply stale = PostAsGet(kid_);  // B, the old key
  EXPECT_EQ(stale.status, 400) << stale.body;
  EXPECT_EQ(stale.Type(), "malformed");
  EXPECT_NE(Str(stale.json, "detail").find("must be signed with the account's current key"),
            std::string::npos) << stale.body;
  key_ = *new_key;
  EXPECT_EQ(PostAsGet(kid_).status, 200);
  Use(others_[0]);

  Reply deactivated = PostJson(kid_, json::object{{"status", "deactivated"}});  // A
  ASSERT_EQ(deactivated.status, 200) << deactivated.body;
  Use(others_[0]);
  Reply refused = PostAsGet(kid_);  // B
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(refused.Type(), "unauthorized");
  EXPECT_EQ(Str(refused.json, "detail"), "account is deactivated");
  Use(others_[0]);
}

}  // namespace
}  // namespace signet::testing
