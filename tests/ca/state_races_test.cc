// Security audit: the status machines under concurrency and restarts
// (RFC 8555 7.1.6). A validation finishing after a deactivation, two
// challenges of one authorization, an authorization deactivated once its
// order is ready or while it is being issued; the serial recorded before
// signing; CAA re-checks off the request thread; a bounded work queue.
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>

#include "acme_fixture.h"
#include "base/base64url.h"
#include "pki/certificate.h"
#include "pki/issuer.h"

namespace signet::testing {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

// Holds the VA's calls (validations, CAA checks) until released, counting
// the calls that arrived.
class Gate {
 public:
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = false;
  }
  void Open() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  void Pass() {
    std::unique_lock<std::mutex> lock(mu_);
    ++arrived_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return open_; });
  }
  // True once `n` calls have arrived.
  bool WaitArrived(int n) {
    std::unique_lock<std::mutex> lock(mu_);
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

class StateRacesTest : public AcmeTest {
 protected:
  void SetUp() override {
    AcmeTest::SetUp();
    Register();
  }
  void TearDown() override {
    validations_.Open();  // let blocked workers finish before the RA joins them
    caa_.Open();
    AcmeTest::TearDown();
  }
  CaOptions Options() const override {
    CaOptions o;
    o.wrap_va = [this](va::ValidationAuthority& local) {
      return std::make_unique<GatedVa>(local, const_cast<Gate&>(validations_),
                                       const_cast<Gate&>(caa_));
    };
    o.tune_ra = tune_ra_;
    return o;
  }
  // Counts background validations that have finished (stored or dropped).
  void ObserveValidations() {
    ca_->ra->SetValidationObserver([this] {
      std::lock_guard<std::mutex> lock(mu_);
      ++validated_;
      done_.notify_all();
    });
  }
  bool WaitValidated(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return done_.wait_for(lock, 10s, [&] { return validated_ >= n; });
  }
  Reply Finalize(const json::object& order, const std::string& csr_der) {
    return PostJson(Str(order, "finalize"), json::object{{"csr", Base64UrlEncode(csr_der)}});
  }
  crypto::Key CertKey() {
    auto k = crypto::Key::Generate(crypto::KeyType::kEcP256);
    EXPECT_TRUE(k.ok());
    return *k;
  }
  std::string AuthzUrl(const json::object& order, size_t i) {
    return std::string(order.at("authorizations").as_array()[i].as_string());
  }
  static std::string IdOf(const std::string& url) { return url.substr(url.rfind('/') + 1); }
  // The challenge of `type` in an authorization reply.
  static json::object Challenge(const Reply& authz, const std::string& type) {
    for (const auto& c : authz.json.at("challenges").as_array())
      if (Str(c.as_object(), "type") == type) return c.as_object();
    ADD_FAILURE() << "no " << type << " challenge";
    return {};
  }
  // Serves the HTTP-01 answer and POSTs the challenge.
  Reply StartHttp01(const std::string& authz_url) {
    json::object chall = Challenge(PostAsGet(authz_url), "http-01");
    std::string token = Str(chall, "token");
    challenges_->Set(token, KeyAuthorization(token));
    return PostJson(Str(chall, "url"), json::object{});
  }
  Reply WaitForOrder(const std::string& location) {
    Reply r;
    for (int i = 0; i < 250; ++i) {
      r = PostAsGet(location);
      if (Str(r.json, "status") != "processing") return r;
      std::this_thread::sleep_for(20ms);
    }
    return r;
  }

  Gate validations_;
  Gate caa_;
  std::function<void(ca::RaConfig&)> tune_ra_;
  std::mutex mu_;
  std::condition_variable done_;
  int validated_ = 0;
};

TEST_F(StateRacesTest, DeactivationDuringValidationStaysDeactivated) {
  ObserveValidations();
  std::string location;
  Reply order = NewOrder({"deact-race.example.test"}, &location);
  std::string authz_url = AuthzUrl(order.json, 0);
  validations_.Close();
  ASSERT_EQ(StartHttp01(authz_url).status, 200);
  ASSERT_TRUE(validations_.WaitArrived(1));  // the validation read the authorization pending

  Reply deactivated = PostJson(authz_url, json::object{{"status", "deactivated"}});
  ASSERT_EQ(deactivated.status, 200) << deactivated.body;
  validations_.Open();  // it now succeeds, and tries to store "valid"
  ASSERT_TRUE(WaitValidated(1));

  Reply authz = PostAsGet(authz_url);
  EXPECT_EQ(Str(authz.json, "status"), "deactivated") << authz.body;
  EXPECT_EQ(Str(PostAsGet(location).json, "status"), "invalid");
}

TEST_F(StateRacesTest, OnlyOneChallengeOfAnAuthorizationRuns) {
  ObserveValidations();
  Reply order = NewOrder({"two-challenges.example.test"});
  std::string authz_url = AuthzUrl(order.json, 0);
  Reply before = PostAsGet(authz_url);
  validations_.Close();
  ASSERT_EQ(StartHttp01(authz_url).status, 200);
  ASSERT_TRUE(validations_.WaitArrived(1));

  json::object dns = Challenge(before, "dns-01");
  Reply second = PostJson(Str(dns, "url"), json::object{});
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(Str(second.json, "status"), "pending") << "http-01 is already being validated";
  auto stored = **ca_->store->GetAuthorization(IdOf(authz_url));
  int processing = 0;
  for (const auto& c : stored.challenges) processing += c.status == acme::ObjStatus::kProcessing;
  EXPECT_EQ(processing, 1);

  validations_.Open();
  ASSERT_TRUE(WaitValidated(1));
  Reply settled = PostAsGet(authz_url);
  EXPECT_EQ(Str(settled.json, "status"), "valid") << settled.body;
  EXPECT_EQ(Str(Challenge(settled, "http-01"), "status"), "valid");
  EXPECT_EQ(Str(Challenge(settled, "dns-01"), "status"), "pending") << "the loser never ran";
}

TEST_F(StateRacesTest, FinalizeRefusesAReadyOrderWhoseAuthorizationWasDeactivated) {
  std::string location;
  Reply order = NewOrder({"a.ready.example.test", "b.ready.example.test"}, &location);
  Authorize(order.json);
  ASSERT_EQ(Str(PostAsGet(location).json, "status"), "ready");
  std::string b_url = AuthzUrl(order.json, 1);
  std::string b_name = Str(PostAsGet(b_url).json.at("identifier").as_object(), "value");
  ASSERT_EQ(PostJson(b_url, json::object{{"status", "deactivated"}}).status, 200);

  Reply refused =
      Finalize(order.json, MakeCsr(CertKey(), {"a.ready.example.test", "b.ready.example.test"}));
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(refused.Type(), "unauthorized");
  EXPECT_NE(Str(refused.json, "detail").find(b_name + " is deactivated"), std::string::npos)
      << refused.body;
  EXPECT_EQ(Str(refused.json.at("identifier").as_object(), "value"), b_name);
  Reply after = PostAsGet(location);
  EXPECT_EQ(Str(after.json, "status"), "invalid") << after.body;
  EXPECT_FALSE(after.json.contains("certificate")) << "nothing may be signed";
}

TEST_F(StateRacesTest, RecoveryChecksAgainBeforeItSigns) {
  std::string location;
  Reply order = NewOrder({"recover.example.test"}, &location);
  Authorize(order.json);
  ASSERT_EQ(Str(PostAsGet(location).json, "status"), "ready");
  // A crash after finalize stored "processing" and the CSR, before signing;
  // the authorization is deactivated before the CA comes back.
  acme::Order stored = **ca_->store->GetOrder(IdOf(location));
  ASSERT_EQ(stored.status, acme::ObjStatus::kReady);
  stored.status = acme::ObjStatus::kProcessing;
  stored.csr_der = Base64Encode(MakeCsr(CertKey(), {"recover.example.test"}));
  ASSERT_TRUE(*ca_->store->UpdateOrderIf(stored, acme::ObjStatus::kReady));
  ASSERT_EQ(PostJson(AuthzUrl(order.json, 0), json::object{{"status", "deactivated"}}).status, 200);
  Restart();

  Reply failed = WaitForOrder(location);
  EXPECT_EQ(Str(failed.json, "status"), "invalid") << failed.body;
  ASSERT_TRUE(failed.json.contains("error")) << failed.body;
  const json::object& error = failed.json.at("error").as_object();
  EXPECT_EQ(Str(error, "type"), "urn:ietf:params:acme:error:unauthorized");
  EXPECT_NE(Str(error, "detail").find("recover.example.test is deactivated"), std::string::npos)
      << failed.body;
  EXPECT_FALSE(failed.json.contains("certificate"));
}

// Recovery re-checks CAA when it is due, as finalize does: CAA that now
// names another CA fails the interrupted order with the caa problem.
TEST_F(StateRacesTest, RecoveryRechecksCaaThatIsDue) {
  tune_ra_ = [](ca::RaConfig& rc) { rc.caa_recheck_after = 0s; };
  Restart();
  std::string location;
  Reply order = NewOrder({"www.caa-recover.example.test"}, &location);
  Authorize(order.json);
  ASSERT_EQ(Str(PostAsGet(location).json, "status"), "ready");
  acme::Order stored = **ca_->store->GetOrder(IdOf(location));
  stored.status = acme::ObjStatus::kProcessing;
  stored.csr_der = Base64Encode(MakeCsr(CertKey(), {"www.caa-recover.example.test"}));
  ASSERT_TRUE(*ca_->store->UpdateOrderIf(stored, acme::ObjStatus::kReady));
  caa_.Close();  // recovery's re-check waits until the new CAA record is in
  Restart();
  ca_->resolver.AddCaa("caa-recover.example.test", {{0, "issue", "other-ca.example"}});
  caa_.Open();

  Reply failed = WaitForOrder(location);
  EXPECT_EQ(Str(failed.json, "status"), "invalid") << failed.body;
  ASSERT_TRUE(failed.json.contains("error")) << failed.body;
  EXPECT_EQ(Str(failed.json.at("error").as_object(), "type"), "urn:ietf:params:acme:error:caa");
  EXPECT_FALSE(failed.json.contains("certificate"));
}

TEST_F(StateRacesTest, SerialAndTbsAreRecordedBeforeSigning) {
  std::string location;
  Reply order = NewOrder({"serial.example.test"}, &location);
  Authorize(order.json);
  std::string seen;
  ca_->ra->SetBeforeSignHook([&](const std::string& serial) {
    seen = serial;
    auto row = ca_->store->GetSerial(serial);
    ASSERT_TRUE(row.ok() && row->has_value()) << "the serial must be on record before signing";
    EXPECT_EQ((*row)->order_id, IdOf(location));
    EXPECT_FALSE((*row)->tbs_der.empty());
    EXPECT_FALSE(ca_->store->GetCertificate(serial)->has_value());
  });
  Reply done = Finalize(order.json, MakeCsr(CertKey(), {"serial.example.test"}));
  ASSERT_EQ(Str(done.json, "status"), "valid") << done.body;
  ASSERT_FALSE(seen.empty());
  auto chain = pki::CertChainFromPem(PostAsGet(Str(done.json, "certificate")).body);
  ASSERT_TRUE(chain.ok() && !chain->empty());
  EXPECT_EQ(pki::SerialHex((*chain)[0].get()), seen);
  EXPECT_EQ(pki::TbsDer((*chain)[0].get()), (*ca_->store->GetSerial(seen))->tbs_der)
      << "what was recorded is exactly what was signed";
}

// A due CAA re-check (DNS) runs on the background queue: finalize answers
// "processing" at once, even while the lookup hangs.
TEST_F(StateRacesTest, CaaRecheckRunsOffTheRequest) {
  tune_ra_ = [](ca::RaConfig& rc) { rc.caa_recheck_after = 0s; };
  Restart();
  std::string location;
  Reply order = NewOrder({"caa-later.example.test"}, &location);
  Authorize(order.json);
  caa_.Close();
  auto finalize = std::async(std::launch::async, [&] {
    return Finalize(order.json, MakeCsr(CertKey(), {"caa-later.example.test"}));
  });
  std::future_status answered = finalize.wait_for(5s);
  if (answered != std::future_status::ready) caa_.Open();  // unblock before failing
  ASSERT_EQ(answered, std::future_status::ready) << "finalize waited for the CAA lookup";
  Reply processing = finalize.get();
  EXPECT_EQ(processing.status, 200) << processing.body;
  EXPECT_EQ(Str(processing.json, "status"), "processing");
  EXPECT_EQ(processing.Header("Retry-After"), "1");
  ASSERT_TRUE(caa_.WaitArrived(1));
  caa_.Open();
  Reply done = WaitForOrder(location);
  EXPECT_EQ(Str(done.json, "status"), "valid") << done.body;
}

// One worker busy, one task waiting: the queue (capacity 1) is full, and a
// further challenge is refused with rateLimited and Retry-After, unchanged.
TEST_F(StateRacesTest, FullQueueIsRateLimitedAndChangesNothing) {
  tune_ra_ = [](ca::RaConfig& rc) {
    rc.validation_workers = 1;
    rc.validation_queue_capacity = 1;
  };
  Restart();
  Reply order = NewOrder({"q1.example.test", "q2.example.test", "q3.example.test"});
  validations_.Close();
  ASSERT_EQ(StartHttp01(AuthzUrl(order.json, 0)).status, 200);
  ASSERT_TRUE(validations_.WaitArrived(1));  // the worker is busy with it
  Reply queued = StartHttp01(AuthzUrl(order.json, 1));
  ASSERT_EQ(queued.status, 200) << queued.body;
  EXPECT_EQ(Str(queued.json, "status"), "processing");

  Reply refused = StartHttp01(AuthzUrl(order.json, 2));
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.Type(), "rateLimited");
  EXPECT_EQ(refused.Header("Retry-After"), "10");
  Reply third = PostAsGet(AuthzUrl(order.json, 2));
  EXPECT_EQ(Str(third.json, "status"), "pending");
  EXPECT_EQ(Str(Challenge(third, "http-01"), "status"), "pending") << "the refusal changed nothing";

  validations_.Open();
  EXPECT_EQ(Str(WaitForAuthz(AuthzUrl(order.json, 1)).json, "status"), "valid");
  Reply retried = StartHttp01(AuthzUrl(order.json, 2));
  EXPECT_EQ(retried.status, 200) << "room again once the queue drains";
}

// The same bound for a finalize that must go to the queue (CAA due): it is
// refused before the order moves, so the order stays ready.
TEST_F(StateRacesTest, FullQueueRefusesAFinalizeAndTheOrderStaysReady) {
  tune_ra_ = [](ca::RaConfig& rc) {
    rc.validation_workers = 1;
    rc.validation_queue_capacity = 1;
    rc.caa_recheck_after = 0s;
  };
  Restart();
  std::string location;
  Reply ready = NewOrder({"f.example.test"}, &location);
  Authorize(ready.json);
  ASSERT_EQ(Str(PostAsGet(location).json, "status"), "ready");
  Reply busy = NewOrder({"b1.example.test", "b2.example.test"});
  validations_.Close();
  ASSERT_EQ(StartHttp01(AuthzUrl(busy.json, 0)).status, 200);
  ASSERT_TRUE(validations_.WaitArrived(2));  // 1 from Authorize above, 1 now
  ASSERT_EQ(StartHttp01(AuthzUrl(busy.json, 1)).status, 200);  // waits: the queue is full

  std::string csr = MakeCsr(CertKey(), {"f.example.test"});
  Reply refused = Finalize(ready.json, csr);
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.Type(), "rateLimited");
  EXPECT_EQ(refused.Header("Retry-After"), "10");
  EXPECT_EQ(Str(PostAsGet(location).json, "status"), "ready");

  validations_.Open();
  EXPECT_EQ(Str(WaitForAuthz(AuthzUrl(busy.json, 1)).json, "status"), "valid");
  Reply accepted = Finalize(ready.json, csr);
  EXPECT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(Str(WaitForOrder(location).json, "status"), "valid");
}

}  // namespace
}  // namespace signet::testing
