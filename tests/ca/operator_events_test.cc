// What the operator's access log and event log are given: the WFE names the
// authenticated account and the problem type of an error on the response
// (log_fields, never sent), and the RA reports validations, orders and
// revocations with their identifiers and outcome to every subscriber.
#include <atomic>
#include <mutex>
#include <thread>

#include "acme_fixture.h"
#include "base/base64url.h"
#include "pki/certificate.h"

namespace signet::testing {
namespace {
namespace json = boost::json;

std::string Field(const Reply& r, const std::string& key) {
  for (const auto& [k, v] : r.raw.log_fields)
    if (k == key) return v;
  return "";
}

std::string AccountId(const std::string& kid) { return kid.substr(kid.rfind('/') + 1); }

class OperatorEventsTest : public AcmeTest {};

TEST_F(OperatorEventsTest, ResponsesNameTheAccountAndTheProblem) {
  Register();
  ASSERT_FALSE(kid_.empty());
  Reply order = NewOrder({"fields.example.test"});
  EXPECT_EQ(Field(order, "account"), AccountId(kid_));
  EXPECT_EQ(Field(order, "problem"), "");

  Reply bad = NewOrder({"not a name"});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Field(bad, "problem"), "urn:ietf:params:acme:error:" + bad.Type());
  EXPECT_EQ(Field(bad, "account"), AccountId(kid_));

  http::Request get;
  get.method = "GET";
  get.target = "/acme/no-such-thing";
  Reply missing = Send(get);
  EXPECT_EQ(Field(missing, "problem"), "urn:ietf:params:acme:error:malformed");
  EXPECT_EQ(Field(missing, "account"), "") << "no account on an unauthenticated request";
  for (const auto& [k, v] : missing.raw.headers) EXPECT_NE(k, "problem");
}

// SIGHUP's blocklist: new orders see the replaced list at once.
TEST_F(OperatorEventsTest, TheBlocklistIsReplacedWhileServing) {
  Register();
  EXPECT_EQ(NewOrder({"a.blocked.example.test"}).status, 201);
  ca_->ra->SetBlocklist({"blocked.example.test"});
  Reply refused = NewOrder({"b.blocked.example.test"});
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.Type(), "rejectedIdentifier") << refused.body;
  ca_->ra->SetBlocklist({});
  EXPECT_EQ(NewOrder({"c.blocked.example.test"}).status, 201);
}

// SIGHUP's profiles: the directory and new orders see the replaced set at
// once; an order placed under a profile since removed fails at finalize.
TEST_F(OperatorEventsTest, TheProfilesAreReplacedWhileServing) {
  Register();
  json::object before{{"profile", "shortlived"},
                      {"identifiers", json::array{json::object{{"type", "dns"},
                                                               {"value", "p.example.test"}}}}};
  Reply placed = PostJson(kBase + "/acme/new-order", before);
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto only_classic = ca::ProfileSet::Create({ca::DefaultProfiles()[0]}, "classic");
  ASSERT_TRUE(only_classic.ok());
  ca_->ra->SetProfiles(*only_classic);

  http::Request get;
  get.method = "GET";
  get.target = "/directory";
  Reply dir = Send(get);
  const json::object& offered = dir.json.at("meta").at("profiles").as_object();
  EXPECT_EQ(offered.size(), 1u) << dir.body;
  EXPECT_TRUE(offered.contains("classic")) << dir.body;
  Reply refused = PostJson(kBase + "/acme/new-order", before);
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(refused.Type(), "invalidProfile") << refused.body;

  Authorize(placed.json);
  auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(key.ok());
  Reply done = PostJson(Str(placed.json, "finalize"),
                        json::object{{"csr", Base64UrlEncode(MakeCsr(*key, {"p.example.test"}))}});
  Reply order = done;
  for (int i = 0; i < 100 && Str(order.json, "status") == "processing"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    order = PostAsGet(Str(placed.json, "finalize").replace(
        Str(placed.json, "finalize").find("/acme/finalize/"), 15, "/acme/order/"));
  }
  EXPECT_NE(Str(order.json, "status"), "valid") << order.body;
}

TEST_F(OperatorEventsTest, NewAccountNamesTheAccountItCreated) {
  auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(key.ok());
  key_ = *key;
  Register();
  // Register() keeps only the kid; ask again with onlyReturnExisting.
  json::value payload = json::object{{"onlyReturnExisting", true}};
  Reply again = Post(kBase + "/acme/new-acct", &payload, key_, "");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Field(again, "account"), AccountId(kid_));
}

TEST_F(OperatorEventsTest, EverySubscriberHearsDetailedEvents) {
  std::mutex mu;
  std::vector<ca::RegistrationAuthority::ValidationEvent> validations;
  std::vector<std::string> validation_errors;
  std::vector<std::string> orders;  // "order_id serial error-code"
  std::vector<std::string> revocations;
  std::atomic<int> issued{0};
  ca::RegistrationAuthority::Events counting;
  counting.issued = [&] { ++issued; };
  ca_->ra->SetEvents(counting);
  ca::RegistrationAuthority::Events detailed;
  detailed.validation = [&](const ca::RegistrationAuthority::ValidationEvent& e) {
    std::lock_guard lock(mu);
    validations.push_back(e);
    validation_errors.push_back(e.error ? std::string(ErrorCodeName(e.error->code)) : "");
  };
  detailed.order_done = [&](const ca::RegistrationAuthority::OrderEvent& e) {
    std::lock_guard lock(mu);
    std::string names;
    for (const auto& id : *e.identifiers) names += id.value + ",";
    orders.push_back(names + " " + (e.serial.empty() ? "-" : "serial") + " " +
                     (e.error ? std::string(ErrorCodeName(e.error->code)) : "ok"));
  };
  detailed.revocation = [&](const ca::RegistrationAuthority::RevocationEvent& e) {
    std::lock_guard lock(mu);
    revocations.push_back(e.serial + " " + std::to_string(e.reason) + " " + e.account_id);
  };
  ca_->ra->AddEvents(detailed);
  Register();

  std::string chain;
  auto cert_key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(cert_key.ok());
  Reply done = IssueWithCsr({"ok.events.example.test"}, MakeCsr(*cert_key, {"ok.events.example.test"}),
                            {}, &chain);
  ASSERT_EQ(Str(done.json, "status"), "valid") << done.body;
  EXPECT_EQ(issued.load(), 1) << "the first subscriber still counts";

  // A wrong body: the problem's detail quotes the expected key authorization.
  Reply failing = NewOrder({"fail.events.example.test"});
  Reply authz = PostAsGet(std::string(failing.json.at("authorizations").as_array()[0].as_string()));
  std::string token =
      Str(authz.json.at("challenges").as_array()[0].as_object(), "token");
  challenges_->Set(token, "not the key authorization");
  auto failed = Authorize(failing.json, /*serve=*/false);
  ASSERT_EQ(failed.size(), 1u);
  std::string client_detail = json::serialize(failed[0]);
  ASSERT_NE(client_detail.find(KeyAuthorization(token)), std::string::npos)
      << "the client is told what was expected: " << client_detail;

  auto parsed = pki::CertChainFromPem(chain);
  ASSERT_TRUE(parsed.ok() && !parsed->empty());
  std::string serial = pki::SerialHex((*parsed)[0].get());
  json::value revoke =
      json::object{{"certificate", Base64UrlEncode(pki::CertToDer((*parsed)[0].get()))},
                   {"reason", 4}};
  ASSERT_EQ(PostJson(kBase + "/acme/revoke-cert", revoke).status, 200);

  for (int i = 0; i < 100; ++i) {
    {
      std::lock_guard lock(mu);
      if (validations.size() >= 2) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::lock_guard lock(mu);
  ASSERT_EQ(validations.size(), 2u);
  EXPECT_EQ(validations[0].identifier.value, "ok.events.example.test");
  EXPECT_EQ(validations[0].challenge_type, "http-01");
  EXPECT_EQ(validations[0].account_id, AccountId(kid_));
  EXPECT_FALSE(validations[0].authz_id.empty());
  EXPECT_EQ(validation_errors[0], "");
  // From the challenge POST to the stored outcome: set, and not absurd.
  EXPECT_GT(validations[0].latency.count(), 0);
  EXPECT_LT(validations[0].latency, std::chrono::seconds(10));
  EXPECT_EQ(validations[1].identifier.value, "fail.events.example.test");
  EXPECT_NE(validation_errors[1], "") << "a failed validation carries its error";
  EXPECT_EQ(validations[1].detail.find(KeyAuthorization(token)), std::string::npos)
      << validations[1].detail;
  EXPECT_NE(validations[1].detail.find("[key authorization]"), std::string::npos)
      << validations[1].detail;
  ASSERT_GE(orders.size(), 1u);
  EXPECT_EQ(orders[0], "ok.events.example.test, serial ok");
  ASSERT_EQ(revocations.size(), 1u);
  EXPECT_EQ(revocations[0], serial + " 4 " + AccountId(kid_));
}

}  // namespace
}  // namespace signet::testing
