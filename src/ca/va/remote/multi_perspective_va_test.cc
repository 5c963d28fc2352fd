#include "ca/va/remote/multi_perspective_va.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace signet::va::remote {
namespace {

// A perspective with a fixed answer, optionally slow, in the region of
// `rir`; it records the deadline it was given.
class FixedVa : public RemotePerspective {
 public:
  FixedVa(bool ok, std::chrono::milliseconds delay = {}, std::string rir = "ARIN")
      : ok_(ok), delay_(delay), rir_(std::move(rir)) {}
  std::string rir() const override { return rir_; }
  ValidationResult Validate(const ValidationRequest& request) override {
    seen_deadline_ = request.deadline;
    std::this_thread::sleep_for(delay_);
    return {Answer(), {}};
  }
  Deadline seen_deadline() const { return seen_deadline_; }

 private:
  Status DoCheckCaa(const std::string&, bool, const std::string&, const std::string&,
                    Deadline deadline) override {
    seen_deadline_ = deadline;
    std::this_thread::sleep_for(delay_);
    return Answer();
  }
  Status Answer() const {
    return ok_ ? OkStatus() : Status(Error(ErrorCode::kIncorrectResponse, "saw something else"));
  }
  bool ok_;
  std::chrono::milliseconds delay_;
  std::string rir_;
  std::atomic<Deadline> seen_deadline_{kNoDeadline};
};

// The decision for remotes that agree or not; the i-th remote is in the
// i-th of the five RIRs (mod 5), unless `rirs` names each one's RIR.
Status Decide(bool primary_ok, std::vector<bool> remotes, std::vector<std::string> rirs = {},
              size_t min_rirs = 2) {
  FixedVa primary(primary_ok);
  std::vector<std::shared_ptr<RemotePerspective>> rs;
  for (size_t i = 0; i < remotes.size(); ++i) {
    std::string rir = i < rirs.size() ? rirs[i] : KnownRirs()[i % 5];
    rs.push_back(std::make_shared<FixedVa>(remotes[i], std::chrono::milliseconds(0), rir));
  }
  MultiPerspectiveVa va(primary, rs, std::chrono::milliseconds(2000), min_rirs);
  return va.Validate({"dns", "example.com", false, "http-01", "t", "t.k", ""}).status;
}

TEST(MultiPerspectiveVa, QuorumRule) {
  EXPECT_EQ(MultiPerspectiveVa::AllowedDisagreements(1), 0u);
  EXPECT_EQ(MultiPerspectiveVa::AllowedDisagreements(2), 1u);
  EXPECT_EQ(MultiPerspectiveVa::AllowedDisagreements(5), 1u);
  EXPECT_EQ(MultiPerspectiveVa::AllowedDisagreements(6), 2u);
  EXPECT_TRUE(Decide(true, {true, true, true}).ok());
  EXPECT_TRUE(Decide(true, {true, false, true}).ok()) << "one of three may disagree";
  Status two = Decide(true, {false, false, true});
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.error().detail.find("2 of 3 remote perspectives disagreed"), std::string::npos)
      << two.error().detail;
  EXPECT_TRUE(Decide(true, {true, true, false, true, true, false}).ok()) << "two of six may";
  EXPECT_FALSE(Decide(true, {true, false, false, true, true, false}).ok());
  EXPECT_FALSE(Decide(false, {true, true, true}).ok()) << "the primary must succeed";
  EXPECT_TRUE(Decide(true, {}).ok());
  // BR 3.2.2.9 from 2026-12-15: five remotes, one may disagree.
  EXPECT_TRUE(Decide(true, {true, false, true, true, true}).ok()) << "one of five may";
  Status two_of_five = Decide(true, {false, false, true, true, true});
  ASSERT_FALSE(two_of_five.ok());
  EXPECT_EQ(two_of_five.error().code, ErrorCode::kIncorrectResponse);
  EXPECT_NE(two_of_five.error().detail.find("2 of 5 remote perspectives disagreed (at most 1 may)"),
            std::string::npos)
      << two_of_five.error().detail;
}

// BR 3.2.2.9: the remotes that corroborate fall within the regions of at
// least two RIRs, even when the quorum is met.
TEST(MultiPerspectiveVa, CorroboratingRemotesSpanTwoRirs) {
  const std::vector<std::string> four_arin_one_ripe = {"ARIN", "ARIN", "ARIN", "ARIN", "RIPE"};
  EXPECT_TRUE(Decide(true, {true, true, true, true, true}, four_arin_one_ripe).ok());
  EXPECT_TRUE(Decide(true, {false, true, true, true, true}, four_arin_one_ripe).ok())
      << "one ARIN remote disagrees: ARIN and RIPE still agree";
  // The only RIPE remote disagrees: the quorum (4 of 5) is met, but the
  // four that agree are all in ARIN.
  Status ripe_out = Decide(true, {true, true, true, true, false}, four_arin_one_ripe);
  ASSERT_FALSE(ripe_out.ok());
  EXPECT_EQ(ripe_out.error().code, ErrorCode::kIncorrectResponse) << "the disagreement's problem";
  EXPECT_EQ(ripe_out.error().detail,
            "During multi-perspective validation: the 4 remote perspectives that agreed are in "
            "ARIN only, at least 2 regional internet registries must agree; first disagreement: "
            "saw something else");
  // Everyone agrees but from one RIR: the deployment's fault, not the client's.
  Status one_rir = Decide(true, {true, true, true, true, true},
                          {"APNIC", "APNIC", "APNIC", "APNIC", "APNIC"});
  ASSERT_FALSE(one_rir.ok());
  EXPECT_EQ(one_rir.error().code, ErrorCode::kServerInternal);
  // A remote that has not declared its RIR adds none.
  EXPECT_FALSE(Decide(true, {true, true, true}, {"ARIN", "", "ARIN"}).ok());
  // Testing deployments may lower the bar (signetd --allow-loopback-validation).
  EXPECT_TRUE(Decide(true, {true, true, true, true, true}, {"APNIC", "APNIC", "APNIC", "APNIC",
                                                            "APNIC"}, 1).ok());
}

TEST(MultiPerspectiveVa, ASlowRemoteCountsAsDisagreeingWithoutAHang) {
  FixedVa primary(true);
  std::vector<std::shared_ptr<RemotePerspective>> rs = {
      std::make_shared<FixedVa>(true), std::make_shared<FixedVa>(true, std::chrono::seconds(5)),
      std::make_shared<FixedVa>(true, std::chrono::seconds(5))};
  MultiPerspectiveVa va(primary, rs, std::chrono::milliseconds(200));
  auto start = std::chrono::steady_clock::now();
  Status s = va.Validate({"dns", "example.com", false, "http-01", "t", "t.k", ""}).status;
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(s.ok()) << "two of three did not answer";
  EXPECT_LT(took, std::chrono::seconds(2));
  EXPECT_NE(s.error().detail.find("did not answer in time"), std::string::npos);
}

// One deadline for everyone: the caller's, when sooner than the configured
// timeout, reaches the primary and the remotes, and bounds the wait.
TEST(MultiPerspectiveVa, TheCallersDeadlineBoundsPrimaryRemotesAndTheWait) {
  using std::chrono::milliseconds;
  FixedVa primary(true);
  auto fast = std::make_shared<FixedVa>(true);
  std::vector<std::shared_ptr<RemotePerspective>> rs = {
      fast, std::make_shared<FixedVa>(true, std::chrono::seconds(5)),
      std::make_shared<FixedVa>(true, std::chrono::seconds(5))};
  MultiPerspectiveVa va(primary, rs, std::chrono::seconds(30));
  ValidationRequest request{"dns", "example.com", false, "http-01", "t", "t.k", ""};
  const auto start = std::chrono::steady_clock::now();
  request.deadline = start + milliseconds(300);
  Status s = va.Validate(request).status;
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(s.ok()) << "two of three remotes did not answer by the deadline";
  EXPECT_NE(s.error().detail.find("did not answer in time"), std::string::npos);
  EXPECT_LT(took, milliseconds(1500)) << "waited past the caller's deadline";
  EXPECT_EQ(primary.seen_deadline(), request.deadline);
  EXPECT_EQ(fast->seen_deadline(), request.deadline);

  // CAA alone: no caller deadline, so the configured timeout (30 s) from now.
  FixedVa caa_primary(true);
  MultiPerspectiveVa caa_va(caa_primary, {fast}, std::chrono::seconds(30), 1);
  const auto before = std::chrono::steady_clock::now();
  EXPECT_TRUE(caa_va.CheckCaa("example.com", false, "", "http-01").ok());
  EXPECT_GE(caa_primary.seen_deadline(), before + std::chrono::seconds(30));
  EXPECT_LE(caa_primary.seen_deadline(),
            std::chrono::steady_clock::now() + std::chrono::seconds(30));
  EXPECT_EQ(fast->seen_deadline(), caa_primary.seen_deadline());
}

TEST(MultiPerspectiveVa, CaaIsCorroboratedToo) {
  FixedVa primary(true);
  std::vector<std::shared_ptr<RemotePerspective>> rs = {std::make_shared<FixedVa>(false),
                                                        std::make_shared<FixedVa>(false)};
  MultiPerspectiveVa va(primary, rs, std::chrono::milliseconds(1000));
  EXPECT_FALSE(va.CheckCaa("example.com", false, "", "http-01").ok());
}

}  // namespace
}  // namespace signet::va::remote
