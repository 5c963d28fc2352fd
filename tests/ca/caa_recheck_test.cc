// Finalize's CAA re-check (RFC 8659; CA/B BR 3.2.2.8: CAA checked within 8
// hours before issuance) reuses the check a validation made, and the one a
// re-check made, while they are recent (RaConfig::caa_recheck_after): the
// tree is climbed again only for a stale check, and that climb is recorded
// on the authorization for the orders that reuse it.
#include <atomic>
#include <chrono>
#include <thread>

#include "acme_fixture.h"
#include "base/base64url.h"

namespace signet::testing {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

// Counts the CAA re-checks the RA asks for; validations pass through.
class CountingVa : public va::ValidationAuthority {
 public:
  explicit CountingVa(va::ValidationAuthority& inner) : inner_(inner) {}
  va::ValidationResult Validate(const va::ValidationRequest& request) override {
    return inner_.Validate(request);
  }
  int caa_checks() const { return caa_checks_; }

 private:
  Status DoCheckCaa(const std::string& name, bool wildcard, const std::string& account_url,
                    const std::string& method, va::Deadline deadline) override {
    ++caa_checks_;
    return inner_.CheckCaa(name, wildcard, account_url, method, deadline);
  }
  va::ValidationAuthority& inner_;
  std::atomic<int> caa_checks_{0};
};

class CaaRecheckTest : public AcmeTest {
 protected:
  void SetUp() override {
    AcmeTest::SetUp();
    Register();
  }
  CaOptions Options() const override {
    CaOptions o;
    o.tune_ra = [](ca::RaConfig& c) { c.caa_recheck_after = 1h; };
    o.wrap_va = [this](va::ValidationAuthority& local) {
      auto va = std::make_unique<CountingVa>(local);
      const_cast<CaaRecheckTest*>(this)->va_ = va.get();
      return va;
    };
    return o;
  }
  static std::string IdOf(const std::string& url) { return url.substr(url.rfind('/') + 1); }
  static std::string AuthzId(const json::object& order) {
    return IdOf(std::string(order.at("authorizations").as_array()[0].as_string()));
  }
  // The stored challenge that validated the authorization `id`.
  acme::Challenge ValidChallenge(const std::string& id) {
    acme::Authorization authz = **ca_->db->GetAuthorization(id);
    for (const acme::Challenge& c : authz.challenges)
      if (c.status == acme::ObjStatus::kValid) return c;
    ADD_FAILURE() << "no valid challenge in " << id;
    return {};
  }
  // Moves the recorded CAA check of authorization `id` `age` into the past
  // (its validation stays as recent as it was).
  void AgeCaaCheck(const std::string& id, std::chrono::seconds age) {
    acme::Authorization authz = **ca_->db->GetAuthorization(id);
    for (acme::Challenge& c : authz.challenges)
      if (c.caa_checked_at) *c.caa_checked_at -= age;
    ASSERT_TRUE(*ca_->db->UpdateAuthorizationIf(
        authz, storage::AuthorizationExpectation::InStatus(acme::ObjStatus::kValid)));
  }
  Reply Finalize(const json::object& order, const std::string& name) {
    auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    EXPECT_TRUE(key.ok());
    return PostJson(Str(order, "finalize"),
                    json::object{{"csr", Base64UrlEncode(MakeCsr(*key, {name}))}});
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

  CountingVa* va_ = nullptr;
};

TEST_F(CaaRecheckTest, TheValidationsCheckIsReusedWhileFresh) {
  const acme::TimePoint before = acme::Clock::now();
  std::string location;
  Reply order = NewOrder({"fresh.caa.example.test"}, &location);
  Authorize(order.json);
  const acme::Challenge c = ValidChallenge(AuthzId(order.json));
  ASSERT_TRUE(c.caa_checked_at.has_value()) << "the validation's CAA check is on record";
  EXPECT_LE(*c.caa_checked_at, *c.validated_at);
  EXPECT_GE(*c.caa_checked_at, std::chrono::time_point_cast<std::chrono::seconds>(before));

  Reply done = Finalize(order.json, "fresh.caa.example.test");
  EXPECT_EQ(Str(done.json, "status"), "valid") << "signed at once, no background re-check";
  EXPECT_EQ(va_->caa_checks(), 0) << "finalize climbed again for a fresh check";
}

TEST_F(CaaRecheckTest, AStaleCheckIsRedoneAndRecordedForTheNextOrder) {
  const std::string name = "stale.caa.example.test";
  std::string location;
  Reply order = NewOrder({name}, &location);
  Authorize(order.json);
  const std::string authz_id = AuthzId(order.json);
  AgeCaaCheck(authz_id, 2h);  // older than caa_recheck_after (1 h)

  const acme::TimePoint before = std::chrono::time_point_cast<std::chrono::seconds>(
      acme::Clock::now());
  Reply processing = Finalize(order.json, name);
  EXPECT_EQ(Str(processing.json, "status"), "processing") << "a re-check runs in the background";
  Reply done = WaitForOrder(location);
  EXPECT_EQ(Str(done.json, "status"), "valid") << done.body;
  EXPECT_EQ(va_->caa_checks(), 1);
  const acme::Challenge c = ValidChallenge(authz_id);
  ASSERT_TRUE(c.caa_checked_at.has_value());
  EXPECT_GE(*c.caa_checked_at, before) << "the re-check was not recorded";

  // A new order reuses the authorization and, with it, the re-check.
  std::string location2;
  Reply order2 = NewOrder({name}, &location2);
  ASSERT_EQ(AuthzId(order2.json), authz_id) << "the authorization was not reused";
  ASSERT_EQ(Str(PostAsGet(location2).json, "status"), "ready");
  Reply done2 = Finalize(order2.json, name);
  EXPECT_EQ(Str(done2.json, "status"), "valid") << done2.body;
  EXPECT_EQ(va_->caa_checks(), 1) << "the recorded re-check was not reused";
}

TEST_F(CaaRecheckTest, AStaleCheckThatNowRefusesFailsTheOrderWithTheCaaProblem) {
  const std::string name = "refused.caa.example.test";
  std::string location;
  Reply order = NewOrder({name}, &location);
  Authorize(order.json);
  const std::string authz_id = AuthzId(order.json);
  AgeCaaCheck(authz_id, 2h);
  const acme::TimePoint aged = *ValidChallenge(authz_id).caa_checked_at;
  ca_->resolver.AddCaa("caa.example.test", {{0, "issue", "other-ca.example"}});

  Finalize(order.json, name);
  Reply failed = WaitForOrder(location);
  EXPECT_EQ(Str(failed.json, "status"), "invalid") << failed.body;
  ASSERT_TRUE(failed.json.contains("error")) << failed.body;
  const json::object& error = failed.json.at("error").as_object();
  EXPECT_EQ(Str(error, "type"), "urn:ietf:params:acme:error:caa");
  EXPECT_EQ(Str(error, "detail"),
            "CAA record for caa.example.test prevents issuance: 0 issue \"other-ca.example\" "
            "authorizes another CA (other-ca.example)");
  EXPECT_EQ(va_->caa_checks(), 1);
  EXPECT_EQ(*ValidChallenge(authz_id).caa_checked_at, aged) << "a refusal is no fresh check";
}

}  // namespace
}  // namespace signet::testing
