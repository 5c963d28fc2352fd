// The answer to a challenge POST (RFC 8555 7.5.1) for clients that poll
// badly: with RaConfig::challenge_answer_wait the RA waits for a quick
// validation, so the answer is already valid or invalid (uacme polls once
// at once and then sleeps 5 s; lego skips polling on a final answer); a
// validation that outlasts the wait is answered "processing" with
// Retry-After: 1 (lego sleeps 5 s without one).
#include <condition_variable>
#include <mutex>

#include "acme_fixture.h"

namespace signet::testing {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

// Holds every validation until Release() (or its destruction).
class HeldVa : public va::ValidationAuthority {
 public:
  explicit HeldVa(va::ValidationAuthority& inner) : inner_(inner) {}
  ~HeldVa() override { Release(); }
  void Hold() {
    std::lock_guard lock(mu_);
    held_ = true;
  }
  void Release() {
    {
      std::lock_guard lock(mu_);
      held_ = false;
    }
    cv_.notify_all();
  }
  va::ValidationResult Validate(const va::ValidationRequest& request) override {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, 10s, [this] { return !held_; });
    }
    return inner_.Validate(request);
  }

 private:
  Status DoCheckCaa(const std::string& name, bool wildcard, const std::string& account_url,
                    const std::string& method, va::Deadline deadline) override {
    return inner_.CheckCaa(name, wildcard, account_url, method, deadline);
  }
  va::ValidationAuthority& inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
};

class ChallengeAnswerTest : public AcmeTest {
 protected:
  void SetUp() override {
    AcmeTest::SetUp();
    Register();
  }
  void TearDown() override {
    if (held_) held_->Release();
    AcmeTest::TearDown();
  }
  CaOptions Options() const override {
    CaOptions o;
    auto wait = wait_;
    o.tune_ra = [wait](ca::RaConfig& c) { c.challenge_answer_wait = wait; };
    o.wrap_va = [this](va::ValidationAuthority& local) {
      auto va = std::make_unique<HeldVa>(local);
      const_cast<ChallengeAnswerTest*>(this)->held_ = va.get();
      return va;
    };
    return o;
  }
  // newOrder for `name`, its HTTP-01 challenge served with `body`; returns
  // the challenge POST's reply.
  Reply StartHttp01(const std::string& name, bool correct) {
    Reply order = NewOrder({name});
    EXPECT_EQ(order.status, 201) << order.body;
    authz_url_ = std::string(order.json.at("authorizations").as_array()[0].as_string());
    Reply authz = PostAsGet(authz_url_);
    for (const auto& c : authz.json.at("challenges").as_array()) {
      if (Str(c.as_object(), "type") != "http-01") continue;
      std::string token = Str(c.as_object(), "token");
      challenges_->Set(token, correct ? KeyAuthorization(token) : "something else");
      return PostJson(Str(c.as_object(), "url"), json::object{});
    }
    ADD_FAILURE() << "no http-01 challenge";
    return {};
  }

  std::chrono::milliseconds wait_ = 5000ms;  // generous: a loaded CI machine
  HeldVa* held_ = nullptr;
  std::string authz_url_;
};

TEST_F(ChallengeAnswerTest, AQuickValidationIsAnsweredValid) {
  Reply r = StartHttp01("quick.answer.example.test", true);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(r.json, "status"), "valid") << r.body;
  EXPECT_TRUE(r.json.contains("validated")) << r.body;
  EXPECT_EQ(r.Header("Retry-After"), "");
  EXPECT_EQ(Str(PostAsGet(authz_url_).json, "status"), "valid");
}

TEST_F(ChallengeAnswerTest, AQuickFailureIsAnsweredInvalidWithItsError) {
  Reply r = StartHttp01("wrong.answer.example.test", false);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(r.json, "status"), "invalid") << r.body;
  ASSERT_TRUE(r.json.contains("error")) << r.body;
  const json::object& error = r.json.at("error").as_object();
  EXPECT_EQ(Str(error, "type"), "urn:ietf:params:acme:error:incorrectResponse");
  EXPECT_NE(Str(error, "detail").find("did not match"), std::string::npos) << r.body;
}

TEST_F(ChallengeAnswerTest, AValidationOutlastingTheWaitIsProcessingWithRetryAfter) {
  wait_ = 50ms;  // read by Restart's options
  Restart();
  held_->Hold();
  auto start = std::chrono::steady_clock::now();
  Reply r = StartHttp01("slow.answer.example.test", true);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(r.json, "status"), "processing") << r.body;
  EXPECT_EQ(r.Header("Retry-After"), "1");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s) << "waited past the configured 50 ms";
  held_->Release();
  EXPECT_EQ(Str(WaitForAuthz(authz_url_).json, "status"), "valid");
}

class NoChallengeWaitTest : public ChallengeAnswerTest {
 protected:
  CaOptions Options() const override {
    CaOptions o = ChallengeAnswerTest::Options();
    o.tune_ra = [](ca::RaConfig& c) { c.challenge_answer_wait = 0ms; };
    return o;
  }
};

TEST_F(NoChallengeWaitTest, WithoutAWaitTheAnswerIsProcessingAtOnce) {
  Reply r = StartHttp01("nowait.answer.example.test", true);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(r.json, "status"), "processing") << r.body;
  EXPECT_EQ(r.Header("Retry-After"), "1");
  EXPECT_EQ(Str(WaitForAuthz(authz_url_).json, "status"), "valid");
}

}  // namespace
}  // namespace signet::testing
