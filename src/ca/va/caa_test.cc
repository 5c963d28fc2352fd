// Tests CaaChecker and the issue-value parser against StaticResolver CAA
// tables (RFC 8659, RFC 8657).
#include "ca/va/caa.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>

#include "ca/va/caa_value.h"
#include "dns/static_resolver.h"

namespace signet::va {
namespace {

using dns::CaaRecord;

constexpr char kAccount[] = "https://ca.test/acme/acct/1";

class CaaTest : public ::testing::Test {
 protected:
  Status Check(const std::string& domain, bool wildcard = false,
               const std::string& method = "http-01") {
    return checker_.Check(domain, wildcard, kAccount, method);
  }
  void ExpectRefused(const Status& got, const std::string& detail) {
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, ErrorCode::kCaa) << got.error().ToString();
    EXPECT_EQ(got.error().detail, detail);
  }

  dns::StaticResolver resolver_;
  CaaChecker checker_{resolver_, CaaConfig{{"signet.test", "Other-Name.Signet.test."}}};
};

TEST_F(CaaTest, NoRecordsAnywhereIsPermitted) {
  EXPECT_TRUE(Check("a.b.example.test").ok());
  EXPECT_TRUE(Check("*.example.test").ok());
}

TEST_F(CaaTest, IssueForThisCaPermits) {
  resolver_.AddCaa("example.test", {{0, "issue", "signet.test"}, {0, "iodef", "mailto:x@y"}});
  EXPECT_TRUE(Check("example.test").ok());
  resolver_.AddCaa("example.test", {{0, "ISSUE", " other-name.signet.test ; "}});
  EXPECT_TRUE(Check("example.test").ok());
}

TEST_F(CaaTest, OtherCaForbids) {
  resolver_.AddCaa("example.test", {{0, "issue", "other-ca.test"}, {0, "issue", ";"}});
  ExpectRefused(Check("example.test"),
                "CAA record for example.test prevents issuance: 0 issue \"other-ca.test\" "
                "authorizes another CA (other-ca.test); 0 issue \";\" forbids issuance by any CA");
}

TEST_F(CaaTest, ClimbsToParentAndStopsAtFirstNonEmptySet) {
  resolver_.AddCaa("example.test", {{0, "issue", "other-ca.test"}});
  ExpectRefused(Check("www.sub.example.test"),
                "CAA record for example.test prevents issuance: 0 issue \"other-ca.test\" "
                "authorizes another CA (other-ca.test)");
  resolver_.AddCaa("sub.example.test", {{0, "issue", "signet.test"}});
  EXPECT_TRUE(Check("www.sub.example.test").ok());
  // Climbing reaches the TLD, never the root.
  resolver_.AddCaa("test", {{0, "issue", ";"}});
  EXPECT_FALSE(Check("unrelated.test").ok());
}

TEST_F(CaaTest, IssuewildTakesPrecedenceForWildcards) {
  resolver_.AddCaa("example.test", {{0, "issue", "signet.test"}, {0, "issuewild", ";"}});
  EXPECT_TRUE(Check("example.test").ok());  // issuewild ignored for non-wildcards.
  ExpectRefused(Check("example.test", true),
                "CAA record for example.test prevents issuance: 0 issuewild \";\" forbids "
                "issuance by any CA");
  resolver_.AddCaa("example.test", {{0, "issue", ";"}, {0, "issuewild", "signet.test"}});
  EXPECT_TRUE(Check("*.example.test").ok());
  EXPECT_FALSE(Check("example.test").ok());
  // Without issuewild, a wildcard is judged by issue.
  resolver_.AddCaa("example.test", {{0, "issue", "other-ca.test"}});
  EXPECT_FALSE(Check("example.test", true).ok());
}

TEST_F(CaaTest, AccountUri) {
  resolver_.AddCaa("example.test", {{0, "issue", std::string("signet.test; accounturi=") + kAccount}});
  EXPECT_TRUE(Check("example.test").ok());
  resolver_.AddCaa("example.test", {{0, "issue", "signet.test; accounturi=https://ca.test/acme/acct/2"}});
  ExpectRefused(Check("example.test"),
                "CAA record for example.test prevents issuance: 0 issue \"signet.test; "
                "accounturi=https://ca.test/acme/acct/2\" authorizes only account "
                "https://ca.test/acme/acct/2, not https://ca.test/acme/acct/1");
}

TEST_F(CaaTest, ValidationMethods) {
  resolver_.AddCaa("example.test", {{0, "issue", "signet.test; validationmethods=dns-01,http-01"}});
  EXPECT_TRUE(Check("example.test", false, "http-01").ok());
  EXPECT_TRUE(Check("example.test", false, "dns-01").ok());
  ExpectRefused(Check("example.test", false, "tls-alpn-01"),
                "CAA record for example.test prevents issuance: 0 issue \"signet.test; "
                "validationmethods=dns-01,http-01\" authorizes only validation methods "
                "dns-01,http-01, not tls-alpn-01");
  // "http" is not "http-01": whole labels only.
  resolver_.AddCaa("example.test", {{0, "issue", "signet.test; validationmethods=http"}});
  EXPECT_FALSE(Check("example.test", false, "http-01").ok());
}

TEST_F(CaaTest, AnyAuthorizingRecordSuffices) {
  resolver_.AddCaa("example.test", {{0, "issue", "signet.test; accounturi=https://x/2"},
                                    {0, "issue", std::string("signet.test; accounturi=") + kAccount}});
  EXPECT_TRUE(Check("example.test").ok());
}

TEST_F(CaaTest, CriticalUnknownTagForbids) {
  resolver_.AddCaa("example.test", {{0, "issue", "signet.test"}, {128, "tbs", "unknown"}});
  ExpectRefused(Check("example.test"),
                "CAA record for example.test prevents issuance: 128 tbs \"unknown\" has the "
                "critical flag and an unknown tag \"tbs\"");
  // Unknown but not critical: ignored. Known and critical: fine.
  resolver_.AddCaa("example.test", {{0, "tbs", "unknown"}, {128, "issue", "signet.test"}});
  EXPECT_TRUE(Check("example.test").ok());
}

TEST_F(CaaTest, OnlyOtherTagsPermit) {
  resolver_.AddCaa("example.test", {{0, "iodef", "mailto:security@example.test"}});
  EXPECT_TRUE(Check("example.test").ok());
}

TEST_F(CaaTest, MalformedValueAuthorizesNobody) {
  resolver_.AddCaa("example.test", {{0, "issue", "signet.test; accounturi"}});
  ExpectRefused(Check("example.test"),
                "CAA record for example.test prevents issuance: 0 issue \"signet.test; "
                "accounturi\" is malformed (parameter \"accounturi\" has no \"=\")");
}

TEST_F(CaaTest, DnsFailureFailsClosed) {
  resolver_.AddError("example.test", Error(ErrorCode::kDns,
                                           "DNS problem: SERVFAIL looking up CAA for example.test"));
  Status got = Check("www.example.test");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kDns);
  EXPECT_EQ(got.error().detail, "While processing CAA for www.example.test: DNS problem: "
                                "SERVFAIL looking up CAA for example.test");
}

TEST_F(CaaTest, IpAddressesHaveNoCaa) {
  resolver_.AddError("1.0.0.127.in-addr.arpa", Error(ErrorCode::kDns, "must not be asked"));
  EXPECT_TRUE(Check("127.0.0.1").ok());
  EXPECT_TRUE(Check("::1").ok());
}

// A fake whose CAA lookups answer in an order the test scripts, each only
// once every name of the climb has been asked (so a climb that waits for
// one answer before asking the next name never gets one: its lookup fails
// "not asked in parallel"). Uses the Resolver's default batch.
class ScriptedCaaResolver : public dns::Resolver {
 public:
  // `order`: every name the climb asks, in the order they are to answer;
  // `answers`: each name's answer (a name not there: no records).
  ScriptedCaaResolver(std::vector<std::string> order,
                      std::map<std::string, Result<dns::CaaAnswer>> answers)
      : order_(std::move(order)), answers_(std::move(answers)) {}

  // The names asked before the first answer was given.
  size_t asked_before_first_answer() const {
    std::lock_guard lock(mu_);
    return asked_before_first_answer_;
  }

 private:
  Result<std::vector<std::string>> DoLookupHost(const std::string&, dns::Deadline) override {
    return Error(ErrorCode::kDns, "not in this test");
  }
  Result<dns::TxtAnswer> DoLookupTxt(const std::string&, dns::Deadline) override {
    return Error(ErrorCode::kDns, "not in this test");
  }
  Result<dns::CaaAnswer> DoLookupCaa(const std::string& name, dns::Deadline) override {
    std::unique_lock lock(mu_);
    asked_.insert(name);
    cv_.notify_all();
    const bool turn = cv_.wait_for(lock, std::chrono::seconds(5), [&] {
      return asked_.size() == order_.size() && next_ < order_.size() && order_[next_] == name;
    });
    if (!turn) return Error(ErrorCode::kDns, "not asked in parallel, or not in the script: " + name);
    if (next_ == 0) asked_before_first_answer_ = asked_.size();
    ++next_;
    cv_.notify_all();
    auto it = answers_.find(name);
    return it != answers_.end() ? it->second : Result<dns::CaaAnswer>(dns::CaaAnswer{});
  }

  const std::vector<std::string> order_;
  const std::map<std::string, Result<dns::CaaAnswer>> answers_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> asked_;          // GUARDED_BY(mu_)
  size_t next_ = 0;                      // GUARDED_BY(mu_): order_[next_] answers next
  size_t asked_before_first_answer_ = 0;  // GUARDED_BY(mu_)
};

dns::CaaAnswer Issue(const std::string& issuer) { return {{{0, "issue", issuer}}, false, ""}; }
Error Servfail(const std::string& name) {
  return Error(ErrorCode::kDns, "DNS problem: SERVFAIL looking up CAA for " + name);
}

const std::vector<std::string> kClimb = {"a.b.example.test", "b.example.test", "example.test",
                                         "test"};
const std::vector<std::string> kTopFirst = {"test", "example.test", "b.example.test",
                                            "a.b.example.test"};

Status ScriptedCheck(ScriptedCaaResolver& resolver, const std::string& name = "a.b.example.test") {
  return CaaChecker(resolver, CaaConfig{{"signet.test"}}).Check(name, false, kAccount, "dns-01");
}

TEST(CaaParallelClimbTest, EveryLabelIsAskedBeforeTheFirstAnswer) {
  ScriptedCaaResolver resolver(kClimb, {});
  EXPECT_TRUE(ScriptedCheck(resolver).ok());
  EXPECT_EQ(resolver.asked_before_first_answer(), kClimb.size());
}

TEST(CaaParallelClimbTest, TheClosestNonEmptySetWinsThoughItAnswersLast) {
  {  // The name's own set authorizes; its parent's, answering first, would not.
    ScriptedCaaResolver resolver(kTopFirst, {{"a.b.example.test", Issue("signet.test")},
                                             {"example.test", Issue("other-ca.test")}});
    EXPECT_TRUE(ScriptedCheck(resolver).ok());
  }
  {  // And the other way round: the closest set refuses.
    ScriptedCaaResolver resolver(kTopFirst, {{"b.example.test", Issue("other-ca.test")},
                                             {"example.test", Issue("signet.test")}});
    Status got = ScriptedCheck(resolver);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, ErrorCode::kCaa) << got.error().ToString();
    EXPECT_EQ(got.error().detail, "CAA record for b.example.test prevents issuance: 0 issue "
                                  "\"other-ca.test\" authorizes another CA (other-ca.test)");
  }
}

TEST(CaaParallelClimbTest, ErrorsAboveTheRelevantSetAreIgnored) {
  // The parents fail, and answer before the name's own set does.
  ScriptedCaaResolver resolver(kTopFirst, {{"a.b.example.test", Issue("signet.test")},
                                           {"b.example.test", Servfail("b.example.test")},
                                           {"test", Servfail("test")}});
  Status got = ScriptedCheck(resolver);
  EXPECT_TRUE(got.ok()) << got.error().ToString();
}

TEST(CaaParallelClimbTest, AnErrorBelowTheRelevantSetFailsClosed) {
  // example.test would authorize, but b.example.test, between it and the
  // name, could not be read: the relevant set is unknown.
  ScriptedCaaResolver resolver(kTopFirst, {{"b.example.test", Servfail("b.example.test")},
                                           {"example.test", Issue("signet.test")}});
  Status got = ScriptedCheck(resolver);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kDns) << got.error().ToString();
  EXPECT_EQ(got.error().detail, "While processing CAA for a.b.example.test: DNS problem: "
                                "SERVFAIL looking up CAA for b.example.test");
}

TEST(CaaParallelClimbTest, AnErrorAtTheNameItselfFailsClosedThoughEveryParentAuthorizes) {
  ScriptedCaaResolver resolver(kTopFirst, {{"a.b.example.test", Servfail("a.b.example.test")},
                                           {"b.example.test", Issue("signet.test")},
                                           {"example.test", Issue("signet.test")}});
  Status got = ScriptedCheck(resolver);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kDns) << got.error().ToString();
  EXPECT_EQ(got.error().detail, "While processing CAA for a.b.example.test: DNS problem: "
                                "SERVFAIL looking up CAA for a.b.example.test");
}

TEST(IssueValueTest, Parses) {
  auto v = ParseIssueValue("  Ca.Example.  ;  accounturi = https://a/1 ; validationmethods=dns-01 ;");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->issuer, "ca.example");
  EXPECT_EQ(v->Parameter("accounturi"), "https://a/1");
  EXPECT_EQ(v->Parameter("validationmethods"), "dns-01");
  EXPECT_FALSE(v->Parameter("other").has_value());
  EXPECT_EQ(ParseIssueValue(";")->issuer, "");
  EXPECT_EQ(ParseIssueValue("")->issuer, "");
  EXPECT_EQ(ParseIssueValue("; AccountURI=x")->Parameter("accounturi"), "x");
}

TEST(IssueValueTest, RejectsMalformed) {
  for (const char* bad : {"ca..example", "-ca.example", "ca_example", "ca.example; =x",
                          "ca.example; a=b c", "ca.example; a", "ca.example; a=1; a=2",
                          "ca.example;; a=1", "ca example"}) {
    auto v = ParseIssueValue(bad);
    EXPECT_FALSE(v.ok()) << bad;
  }
}

}  // namespace
}  // namespace signet::va
