// SCT collection against fake logs: a failing log and a slow log leave the
// others to suffice; SCTs must come from distinct operators; an SCT that
// does not verify with its log's key does not count; too few by the
// deadline fails naming the first failure; final certificates go to every
// log in the background.
#include "ca/ct/submitter.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>

#include "ca/ct/fake_ct_log.h"
#include "ca/signer/signer.h"
#include "pki/certificate.h"
#include "pki/test_support.h"

namespace signet::ca::ct {
namespace {

using testing_support::FakeCtLog;
using testing_support::FakeLogInfo;
using Mode = FakeCtLog::Mode;
using std::chrono::milliseconds;

class SubmitterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path());
    auto ca = pki::CaHierarchy::LoadOrCreate(dir_.path() / "ca", "Test");
    ASSERT_TRUE(ca.ok()) << ca.error().ToString();
    ca_.emplace(std::move(*ca));
    subject_ = *crypto::Key::Generate(crypto::KeyType::kEcP256);
    SignerConfig config;
    config.ca_issuers_url = "http://ca.test/acme/issuer-cert";
    Signer signer(*ca_, config);
    IssueRequest request{&subject_, nullptr, {"example.com"}, {}, nullptr, false};
    auto prepared = signer.PreparePrecertificate(request);
    ASSERT_TRUE(prepared.ok()) << prepared.error().ToString();
    precert_ = signer.Sign(std::move(*prepared))->der;
    issuer_der_ = pki::CertToDer(ca_->intermediate().cert.get());
  }

  // A log under `op` answering as `mode` after `delay`; its fake in *fake.
  SubmitterLog Log(const std::string& name, const std::string& op, Mode mode = Mode::kSign,
                   milliseconds delay = milliseconds(0),
                   std::shared_ptr<FakeCtLog>* fake = nullptr) {
    crypto::Key key = *crypto::Key::Generate(crypto::KeyType::kEcP256);
    auto log = std::make_shared<FakeCtLog>(key, mode, delay);
    if (fake) *fake = log;
    return SubmitterLog{FakeLogInfo(key, op, name), log};
  }

  std::unique_ptr<CtSubmitter> Make(std::vector<SubmitterLog> logs, CtPolicy policy = {}) {
    auto submitter = CtSubmitter::Create(
        std::move(logs), policy, {issuer_der_},
        [this](const std::string& log, const std::string& kind, bool ok, double) {
          std::lock_guard lock(mu_);
          outcomes_.push_back(log + " " + kind + " " + (ok ? "ok" : "failed"));
        });
    EXPECT_TRUE(submitter.ok()) << submitter.error().ToString();
    return submitter.ok() ? std::move(*submitter) : nullptr;
  }

  std::vector<std::string> Outcomes() {
    std::lock_guard lock(mu_);
    return outcomes_;
  }

  pki::testing_support::ScopedTempDir dir_;
  std::optional<pki::CaHierarchy> ca_;
  crypto::Key subject_;
  std::string precert_, issuer_der_;
  std::mutex mu_;
  std::vector<std::string> outcomes_;  // GUARDED_BY(mu_)
};

TEST_F(SubmitterTest, AFailingAndASlowLogLeaveTheOthersToSuffice) {
  std::vector<SubmitterLog> logs;
  logs.push_back(Log("down", "Op1", Mode::kFail));
  logs.push_back(Log("slow", "Op2", Mode::kSign, milliseconds(3000)));
  logs.push_back(Log("a", "Op3"));
  logs.push_back(Log("b", "Op4"));
  const std::string id_a = logs[2].info.log_id, id_b = logs[3].info.log_id;
  auto submitter = Make(std::move(logs));
  ASSERT_NE(submitter, nullptr);
  auto start = std::chrono::steady_clock::now();
  auto list = submitter->GetSctList(precert_);
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));  // not the slow one
  auto scts = pki::DecodeSctList(*list);
  ASSERT_TRUE(scts.ok());
  ASSERT_EQ(scts->size(), 2u);
  EXPECT_EQ((*scts)[0].log_id, id_a);
  EXPECT_EQ((*scts)[1].log_id, id_b);
  auto outcomes = Outcomes();
  EXPECT_NE(std::find(outcomes.begin(), outcomes.end(), "down precert failed"), outcomes.end());
}

TEST_F(SubmitterTest, TwoSctsOfOneOperatorAreNotEnough) {
  std::vector<SubmitterLog> logs;
  logs.push_back(Log("a1", "Op1"));
  logs.push_back(Log("a2", "Op1"));
  logs.push_back(Log("down", "Op2", Mode::kFail));
  auto submitter = Make(std::move(logs));
  ASSERT_NE(submitter, nullptr);
  auto list = submitter->GetSctList(precert_);
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().code, ErrorCode::kServerInternal);
  EXPECT_NE(list.error().detail.find("could not get enough SCTs"), std::string::npos);
  EXPECT_NE(list.error().detail.find("2 of 3 logs answered"), std::string::npos);
  EXPECT_NE(list.error().detail.find("down: fake log is down"), std::string::npos);
}

TEST_F(SubmitterTest, AnSctThatDoesNotVerifyDoesNotCount) {
  std::vector<SubmitterLog> logs;
  logs.push_back(Log("a", "Op1"));
  logs.push_back(Log("liar", "Op2", Mode::kWrongKey));
  auto submitter = Make(std::move(logs));
  ASSERT_NE(submitter, nullptr);
  auto list = submitter->GetSctList(precert_);
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.error().detail.find("liar: SCT signature does not verify"), std::string::npos)
      << list.error().detail;
}

TEST_F(SubmitterTest, TooFewByTheDeadlineFailsWithoutWaitingForTheSlowLog) {
  std::vector<SubmitterLog> logs;
  logs.push_back(Log("a", "Op1"));
  logs.push_back(Log("slow", "Op2", Mode::kSign, milliseconds(3000)));
  CtPolicy policy;
  policy.deadline = milliseconds(300);
  auto submitter = Make(std::move(logs), policy);
  ASSERT_NE(submitter, nullptr);
  auto start = std::chrono::steady_clock::now();
  auto list = submitter->GetSctList(precert_);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.error().detail.find("slow: no answer in time"), std::string::npos)
      << list.error().detail;
}

TEST_F(SubmitterTest, RefusesALogListThatCannotMeetThePolicy) {
  std::vector<SubmitterLog> logs;
  logs.push_back(Log("a1", "Op1"));
  logs.push_back(Log("a2", "Op1"));
  auto submitter = CtSubmitter::Create(std::move(logs), CtPolicy{}, {issuer_der_});
  ASSERT_FALSE(submitter.ok());
  EXPECT_EQ(submitter.error().code, ErrorCode::kMalformed);
  EXPECT_NE(submitter.error().detail.find("2 usable logs of 1 operators"), std::string::npos);
}

TEST_F(SubmitterTest, FinalCertificatesGoToEveryLogInTheBackground) {
  std::shared_ptr<FakeCtLog> a, b;
  std::vector<SubmitterLog> logs;
  logs.push_back(Log("a", "Op1", Mode::kSign, milliseconds(0), &a));
  logs.push_back(Log("b", "Op2", Mode::kSign, milliseconds(0), &b));
  auto submitter = Make(std::move(logs));
  ASSERT_NE(submitter, nullptr);
  submitter->SubmitFinal(precert_);  // any certificate will do for the fake
  for (int i = 0; i < 200 && Outcomes().size() < 2; ++i)
    std::this_thread::sleep_for(milliseconds(10));
  EXPECT_EQ(a->final_calls(), 1);
  EXPECT_EQ(b->final_calls(), 1);
  auto outcomes = Outcomes();
  EXPECT_NE(std::find(outcomes.begin(), outcomes.end(), "a final ok"), outcomes.end());
}

}  // namespace
}  // namespace signet::ca::ct
