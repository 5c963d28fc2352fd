// Tests that a CAA check asks every label at once and has one overall
// deadline (RFC 8659 3's tree climb): against a real libunbound resolver
// forwarding to a DNS server on loopback that answers late, never, or with
// a SERVFAIL or a CAA record per name, and through the
// LocalValidationAuthority that owns the configured timeout.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "ca/va/caa.h"
#include "ca/va/va.h"
#include "dns/slow_dns_test_server.h"
#include "dns/unbound_resolver.h"

namespace signet::va {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// A name of `labels` labels under example.test: "l1.l2.(...).example.test".
std::string DeepName(int labels) {
  std::string name;
  for (int i = 1; i <= labels - 2; ++i) name += "l" + std::to_string(i) + ".";
  return name + "example.test";
}

// Each answer takes 250 ms, well within the 5 s per-query timeout: one label
// after another, climbing 48 labels would take 48 x 250 ms = 12 s.
constexpr milliseconds kAnswerDelay{250};
constexpr int kLabels = 48;
constexpr char kAccount[] = "https://ca.test/acct/1";

// The parents of DeepName(kLabels) from the closest: "l2.(...).example.test", ...
std::string Parent(const std::string& name) { return name.substr(name.find('.') + 1); }

TEST(CaaDeadlineTest, EveryLabelIsAskedAtOnceSoTheClimbTakesOneAnswerTime) {
  dns::test_support::SlowDnsServer server(kAnswerDelay);
  auto resolver = dns::UnboundResolver::Create(server.address(), milliseconds(5000));
  ASSERT_TRUE(resolver.ok()) << resolver.error().ToString();
  CaaChecker checker(**resolver, CaaConfig{{"signet.test"}});
  const std::string name = DeepName(kLabels);

  const Clock::time_point start = Clock::now();
  Status got = checker.Check(name, false, kAccount, "dns-01", start + milliseconds(2000));
  const auto elapsed = Clock::now() - start;

  EXPECT_TRUE(got.ok()) << "no CAA anywhere: " << got.error().ToString();
  EXPECT_EQ(server.names_asked(), size_t{kLabels}) << "every label up to the TLD";
  EXPECT_EQ(server.max_in_flight(), size_t{kLabels}) << "not all asked before the first answer";
  EXPECT_LT(elapsed, milliseconds(1500)) << "the labels were asked one after another";
}

// Nothing answers: the deadline bounds the whole climb, and the error names
// the name itself (the closest label still unanswered), after every label
// was asked without waiting for an answer.
TEST(CaaDeadlineTest, SilentDnsCannotStretchTheClimbPastTheDeadline) {
  dns::test_support::SlowDnsServer server(std::nullopt);
  auto resolver = dns::UnboundResolver::Create(server.address(), milliseconds(5000));
  ASSERT_TRUE(resolver.ok()) << resolver.error().ToString();
  CaaChecker checker(**resolver, CaaConfig{{"signet.test"}});
  const std::string name = DeepName(kLabels);

  const Clock::time_point start = Clock::now();
  Status got = checker.Check(name, false, kAccount, "dns-01", start + milliseconds(1000));
  const auto elapsed = Clock::now() - start;

  ASSERT_FALSE(got.ok()) << "nothing answered";
  EXPECT_EQ(got.error().code, ErrorCode::kDns) << got.error().ToString();
  EXPECT_EQ(got.error().detail,
            "While processing CAA for " + name + ": DNS problem: query timed out looking up "
            "CAA for " + name + " (CAA lookup for " + name + " did not finish within 1 s)");
  EXPECT_GE(elapsed, milliseconds(950));
  EXPECT_LT(elapsed, milliseconds(1000 + 700)) << "the deadline did not hold";
  EXPECT_EQ(server.names_asked(), size_t{kLabels}) << "not every label was asked at once";
}

// The name's own RRset decides at once; its parents never answer (or fail):
// the check neither waits for them nor fails because of them.
TEST(CaaDeadlineTest, SlowOrFailingAncestorsDoNotDelayOrSpoilADecidedAnswer) {
  dns::test_support::SlowDnsServer server(std::nullopt);  // Parents: never.
  const std::string name = "www.sub.example.test";
  server.SetDelay(name, milliseconds(0));
  server.SetCaaIssue(name, "signet.test");
  server.SetDelay(Parent(name), milliseconds(0));
  server.SetServfail(Parent(name));
  auto resolver = dns::UnboundResolver::Create(server.address(), milliseconds(5000));
  ASSERT_TRUE(resolver.ok()) << resolver.error().ToString();
  CaaChecker checker(**resolver, CaaConfig{{"signet.test"}});

  const Clock::time_point start = Clock::now();
  Status got = checker.Check(name, false, kAccount, "dns-01", start + milliseconds(3000));
  EXPECT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_LT(Clock::now() - start, milliseconds(1000)) << "waited for the silent parents";
}

// A label between the name and the relevant RRset that does not answer
// fails the check closed at the deadline, though the RRset above answered.
TEST(CaaDeadlineTest, ASilentLabelBelowTheRelevantSetFailsClosed) {
  dns::test_support::SlowDnsServer server(milliseconds(0));
  const std::string name = "www.sub.example.test";
  server.SetDelay(Parent(name), std::nullopt);           // sub.example.test
  server.SetCaaIssue(Parent(Parent(name)), "signet.test");  // example.test
  auto resolver = dns::UnboundResolver::Create(server.address(), milliseconds(5000));
  ASSERT_TRUE(resolver.ok()) << resolver.error().ToString();
  CaaChecker checker(**resolver, CaaConfig{{"signet.test"}});

  Status got = checker.Check(name, false, kAccount, "dns-01", Clock::now() + milliseconds(800));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kDns) << got.error().ToString();
  EXPECT_EQ(got.error().detail,
            "While processing CAA for " + name + ": DNS problem: query timed out looking up "
            "CAA for sub.example.test (CAA lookup for " + name + " did not finish within 0.8 s)");
}

// The same through the VA: CheckCaa alone is bounded by LocalVaConfig::timeout.
TEST(CaaDeadlineTest, CaaRecheckAloneIsBoundedByTheConfiguredTimeout) {
  dns::test_support::SlowDnsServer server(std::nullopt);
  auto resolver = dns::UnboundResolver::Create(server.address(), milliseconds(5000));
  ASSERT_TRUE(resolver.ok()) << resolver.error().ToString();
  LocalVaConfig config;
  config.caa.ca_identities = {"signet.test"};
  config.timeout = milliseconds(1500);
  LocalValidationAuthority va(**resolver, config);

  const Clock::time_point start = Clock::now();
  Status got = va.CheckCaa(DeepName(kLabels), false, kAccount, "http-01");
  const auto elapsed = Clock::now() - start;

  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kDns) << got.error().ToString();
  EXPECT_NE(got.error().detail.find("did not finish within 1.5 s"), std::string::npos)
      << got.error().detail;
  EXPECT_LT(elapsed, milliseconds(1500 + 700));
}

// TXT from a table after a pause, CAA from the real (slow) resolver: CAA
// runs beside the challenge and both end by the validation's one deadline.
class SlowTxtResolver : public dns::Resolver {
 public:
  SlowTxtResolver(dns::Resolver& caa, milliseconds txt_delay, std::string txt)
      : caa_(caa), txt_delay_(txt_delay), txt_(std::move(txt)) {}

 private:
  Result<std::vector<std::string>> DoLookupHost(const std::string& name, dns::Deadline) override {
    return Error(ErrorCode::kDns, "no addresses in this test");
  }
  Result<dns::TxtAnswer> DoLookupTxt(const std::string&, dns::Deadline) override {
    std::this_thread::sleep_for(txt_delay_);
    return dns::TxtAnswer{{txt_}, false, ""};
  }
  Result<dns::CaaAnswer> DoLookupCaa(const std::string& name, dns::Deadline deadline) override {
    return caa_.LookupCaa(name, deadline);
  }
  dns::CaaAnswers DoLookupCaaAll(const std::vector<std::string>& names, dns::Deadline deadline,
                                 const dns::CaaEnough& enough) override {
    return caa_.LookupCaaAll(names, deadline, enough);
  }
  dns::Resolver& caa_;
  milliseconds txt_delay_;
  std::string txt_;
};

TEST(CaaDeadlineTest, CaaAfterAValidationSharesItsDeadline) {
  dns::test_support::SlowDnsServer server(std::nullopt);
  auto unbound = dns::UnboundResolver::Create(server.address(), milliseconds(5000));
  ASSERT_TRUE(unbound.ok()) << unbound.error().ToString();
  const std::string key_authorization = "token.thumbprint";
  SlowTxtResolver resolver(**unbound, milliseconds(1000), Dns01TxtValue(key_authorization));
  LocalVaConfig config;
  config.caa.ca_identities = {"signet.test"};
  config.timeout = milliseconds(2000);
  LocalValidationAuthority va(resolver, config);
  ValidationRequest request{"dns", DeepName(kLabels), false, "dns-01", "token",
                            key_authorization, "https://ca.test/acct/1"};

  const Clock::time_point start = Clock::now();
  ValidationResult got = va.Validate(request);
  const auto elapsed = Clock::now() - start;

  ASSERT_FALSE(got.status.ok()) << "the challenge passes, CAA cannot finish in the rest";
  EXPECT_EQ(got.status.error().code, ErrorCode::kDns) << got.status.error().ToString();
  EXPECT_NE(got.status.error().detail.find("did not finish within 2 s"), std::string::npos)
      << got.status.error().detail;
  EXPECT_LT(elapsed, milliseconds(2000 + 700)) << "CAA got a deadline of its own";
}

// A caller's deadline sooner than the configured timeout wins.
TEST(CaaDeadlineTest, TheCallersSoonerDeadlineWins) {
  dns::test_support::SlowDnsServer server(std::nullopt);  // Never answers.
  auto resolver = dns::UnboundResolver::Create(server.address(), milliseconds(5000));
  ASSERT_TRUE(resolver.ok()) << resolver.error().ToString();
  LocalValidationAuthority va(**resolver, LocalVaConfig{});  // 20 s by default.
  const Clock::time_point start = Clock::now();
  Status got = va.CheckCaa("example.test", false, "", "http-01", start + milliseconds(300));
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().detail.find("query timed out looking up CAA for example.test"),
            std::string::npos)
      << got.error().detail;
  EXPECT_LT(Clock::now() - start, milliseconds(1000)) << "the 5 s per-query timeout was used";
}

}  // namespace
}  // namespace signet::va
