// Issue 19, paused clients: a run of failed validations for one name pauses
// the account for it; newOrder is then rateLimited (429) naming the name and
// the unpause URL; only the account itself unpauses it, by a signed POST.
#include <atomic>
#include <thread>

#include "acme_fixture.h"

namespace signet::testing {
namespace {

namespace json = boost::json;

class PausingTest : public AcmeTest {
 protected:
  CaOptions Options() const override {
    CaOptions o;
    // Two failures in a row pause, however quickly they come.
    o.tune_ra = [](ca::RaConfig& c) { c.pausing = {2, std::chrono::seconds(0)}; };
    return o;
  }
  std::string AccountId() const { return kid_.substr(kid_.rfind('/') + 1); }
  std::string UnpauseUrl() const { return kBase + "/acme/unpause/" + AccountId(); }
  // The run of failures the store holds for `name` (0 when none).
  int64_t Failures(const std::string& name) {
    auto s = ca_->store->GetPauseState(AccountId(), {"dns", name});
    return s.ok() && s->has_value() ? (*s)->failures : 0;
  }
  // newOrder for `name`, its validation failing (nothing served), then
  // waits until the failure is counted (it is, just after the authorization
  // is stored).
  void FailValidation(const std::string& name) {
    int64_t before = Failures(name);
    Reply order = NewOrder({name});
    ASSERT_EQ(order.status, 201) << order.body;
    auto authzs = Authorize(order.json, /*serve=*/false);
    ASSERT_EQ(Str(authzs[0], "status"), "invalid");
    for (int i = 0; i < 200 && Failures(name) == before; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Registers a second account; returns (its key, its kid).
  std::pair<crypto::Key, std::string> OtherAccount() {
    crypto::Key key = *crypto::Key::Generate(crypto::KeyType::kEcP256);
    json::value payload = json::object{{"termsOfServiceAgreed", true}};
    Reply r = Post(kBase + "/acme/new-acct", &payload, key, "");
    EXPECT_EQ(r.status, 201) << r.body;
    return {key, r.Header("Location")};
  }
};

TEST_F(PausingTest, PausedNameIsRateLimitedUntilTheHolderUnpauses) {
  std::atomic<int> paused_refusals{0};
  ca::RegistrationAuthority::Events events;
  events.refused = [&](const std::string& cause) {
    if (cause == "paused") ++paused_refusals;
  };
  ca_->ra->SetEvents(events);
  Register();
  FailValidation("zombie.example.test");
  EXPECT_EQ(NewOrder({"zombie.example.test"}).status, 201) << "one failure does not pause";
  FailValidation("zombie.example.test");

  Reply refused = NewOrder({"fine.example.test", "zombie.example.test"});
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.Type(), "rateLimited");
  std::string detail = Str(refused.json, "detail");
  EXPECT_NE(detail.find("dns:zombie.example.test"), std::string::npos) << detail;
  EXPECT_EQ(detail.find("fine.example.test"), std::string::npos) << detail;
  EXPECT_NE(detail.find(UnpauseUrl()), std::string::npos) << detail;
  EXPECT_EQ(NewOrder({"*.zombie.example.test"}).status, 429) << "a wildcard of the paused name";
  EXPECT_EQ(NewOrder({"fine.example.test"}).status, 201) << "other names are not paused";
  EXPECT_EQ(paused_refusals.load(), 2) << "each paused refusal is reported (metrics count it)";

  // Another account cannot unpause it.
  auto [other_key, other_kid] = OtherAccount();
  Reply foreign = Post(UnpauseUrl(), nullptr, other_key, other_kid);
  EXPECT_EQ(foreign.status, 403) << foreign.body;
  EXPECT_EQ(foreign.Type(), "unauthorized");
  EXPECT_EQ(NewOrder({"zombie.example.test"}).status, 429) << "still paused";
  // Nor can an unsigned or jwk-signed request.
  json::value empty = json::object{};
  EXPECT_EQ(Post(UnpauseUrl(), &empty, key_, "").status, 400);

  // The holder can: a signed POST, empty or with an object.
  Reply unpaused = PostJson(UnpauseUrl(), json::object{});
  ASSERT_EQ(unpaused.status, 200) << unpaused.body;
  const json::array& ids = unpaused.json.at("unpaused").as_array();
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(Str(ids[0].as_object(), "value"), "zombie.example.test");
  EXPECT_EQ(Str(unpaused.json, "account"), kid_);
  Reply order = NewOrder({"zombie.example.test"});
  EXPECT_EQ(order.status, 201) << order.body;
  Reply again = PostAsGet(UnpauseUrl());
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_TRUE(again.json.at("unpaused").as_array().empty());
}

TEST_F(PausingTest, ASuccessEndsTheRun) {
  Register();
  FailValidation("flaky.example.test");
  ASSERT_EQ(Failures("flaky.example.test"), 1);
  Reply order = NewOrder({"flaky.example.test"});
  ASSERT_EQ(order.status, 201);
  json::object authz = Authorize(order.json)[0];
  ASSERT_EQ(Str(authz, "status"), "valid");
  for (int i = 0; i < 200 && Failures("flaky.example.test") != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(Failures("flaky.example.test"), 0) << "the success ended the run";
  // Deactivated, so the next order validates again (instead of reusing it).
  std::string authz_url(order.json.at("authorizations").as_array()[0].as_string());
  ASSERT_EQ(PostJson(authz_url, json::object{{"status", "deactivated"}}).status, 200);
  FailValidation("flaky.example.test");
  EXPECT_EQ(Failures("flaky.example.test"), 1);
  EXPECT_EQ(NewOrder({"flaky.example.test"}).status, 201)
      << "fail, succeed, fail: no two failures in a row";
}

}  // namespace
}  // namespace signet::testing
