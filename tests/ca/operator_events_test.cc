// Issue 15, the operator view's feed: the RA tells its events seam what each
// validation and issuance it records concerns: the account, the identifier,
// the challenge type and, for a failure, the problem the client sees; the
// serial, names and profile of each certificate.
#include <atomic>
#include <mutex>
#include <thread>

#include "acme_fixture.h"

namespace signet::testing {
namespace {

class OperatorEventsTest : public AcmeTest {
 protected:
  void SetUp() override {
    AcmeTest::SetUp();
    ca::RegistrationAuthority::Events events;
    events.validation_recorded = [this](const ca::ValidationEvent& e) {
      std::lock_guard lock(mu_);
      validations_.push_back(e);
    };
    events.issuance_recorded = [this](const ca::IssuanceEvent& e) {
      std::lock_guard lock(mu_);
      issuances_.push_back(e);
    };
    ca_->ra->SetEvents(events);
  }
  // Waits until `n` validations were reported (they are, just after the
  // authorization is stored).
  std::vector<ca::ValidationEvent> Validations(size_t n) {
    for (int i = 0; i < 300; ++i) {
      {
        std::lock_guard lock(mu_);
        if (validations_.size() >= n) return validations_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::lock_guard lock(mu_);
    return validations_;
  }
  std::string AccountId() const { return kid_.substr(kid_.rfind('/') + 1); }

  std::mutex mu_;
  std::vector<ca::ValidationEvent> validations_;  // GUARDED_BY(mu_)
  std::vector<ca::IssuanceEvent> issuances_;      // GUARDED_BY(mu_)
};

TEST_F(OperatorEventsTest, FailedValidationCarriesItsProblem) {
  Register();
  Reply order = NewOrder({"unserved.example.test"});
  ASSERT_EQ(order.status, 201) << order.body;
  auto authzs = Authorize(order.json, /*serve=*/false);
  ASSERT_EQ(Str(authzs[0], "status"), "invalid");
  auto got = Validations(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].account_id, AccountId());
  EXPECT_EQ(got[0].identifier, (acme::Identifier{"dns", "unserved.example.test"}));
  EXPECT_EQ(got[0].challenge_type, "http-01");
  ASSERT_TRUE(got[0].problem.has_value());
  // The problem the client reads on the challenge, the same type and detail.
  const auto& chall = authzs[0].at("challenges").as_array();
  std::string type, detail;
  for (const auto& c : chall) {
    if (c.as_object().contains("error")) {
      type = Str(c.at("error").as_object(), "type");
      detail = Str(c.at("error").as_object(), "detail");
    }
  }
  EXPECT_EQ("urn:ietf:params:acme:error:" + std::string(ErrorCodeName(got[0].problem->code)), type);
  EXPECT_EQ(got[0].problem->detail, detail);
  EXPECT_FALSE(detail.empty());
  std::lock_guard lock(mu_);
  EXPECT_TRUE(issuances_.empty());
}

TEST_F(OperatorEventsTest, IssuanceCarriesSerialAndNames) {
  Register();
  crypto::Key cert_key = *crypto::Key::Generate(crypto::KeyType::kEcP256);
  Reply done = IssueWithCsr({"a.example.test", "b.example.test"},
                            MakeCsr(cert_key, {"a.example.test", "b.example.test"}));
  ASSERT_EQ(Str(done.json, "status"), "valid") << done.body;
  auto got = Validations(2);
  ASSERT_EQ(got.size(), 2u);
  for (const auto& v : got) EXPECT_FALSE(v.problem.has_value()) << v.identifier.value;
  std::lock_guard lock(mu_);
  ASSERT_EQ(issuances_.size(), 1u);
  const ca::IssuanceEvent& issued = issuances_[0];
  std::string url = Str(done.json, "certificate");
  EXPECT_EQ(url.substr(url.rfind('/') + 1), issued.serial);
  EXPECT_EQ(issued.account_id, AccountId());
  EXPECT_EQ(issued.identifiers, (std::vector<acme::Identifier>{{"dns", "a.example.test"},
                                                               {"dns", "b.example.test"}}));
  EXPECT_EQ(issued.profile, "classic");
  EXPECT_GT(issued.not_after, issued.at);
}

}  // namespace
}  // namespace signet::testing
