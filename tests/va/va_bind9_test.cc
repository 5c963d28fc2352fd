// The VA's DNS-based checks against a real authoritative server: bind9 on
// 127.0.0.1 (bind9_fixture.h), records changed for real with nsupdate, read
// through a real UnboundResolver forwarding to it with DNSSEC trust anchors
// for the signed zones. No traffic leaves the loopback interface.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bind9_fixture.h"
#include "ca/va/caa.h"
#include "ca/va/dns01.h"
#include "dns/unbound_resolver.h"

namespace signet::va {
namespace {

constexpr char kKeyAuth[] =
    "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";
constexpr char kAccount[] = "https://ca.test/acme/acct/1";

class VaBind9Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    bind_ = new test_support::Bind9();
    ready_ = bind_->Start(Dns01TxtValue(kKeyAuth));
    if (!ready_) return;
    dns::UnboundOptions options;
    options.trust_anchors = bind_->DsAnchor();
    options.trust_anchor_files = {bind_->BrokenKeyFile()};
    auto resolver = dns::UnboundResolver::Create(bind_->Server(), std::chrono::seconds(5), options);
    if (!resolver.ok()) {
      ready_ = false;
      setup_error_ = resolver.error().ToString();
      return;
    }
    resolver_ = resolver->release();
  }
  static void TearDownTestSuite() {
    delete resolver_;
    delete bind_;
  }
  void SetUp() override {
    ASSERT_TRUE(ready_) << "bind9 test server: " << bind_->error() << setup_error_;
  }

  static Status Dns01(const std::string& domain) {
    return Dns01Validator(*resolver_).Validate(domain, kKeyAuth);
  }
  static Status Caa(const std::string& domain, bool wildcard = false,
                    const std::string& method = "dns-01") {
    return CaaChecker(*resolver_, CaaConfig{{"signet.test"}}).Check(domain, wildcard, kAccount,
                                                                     method);
  }
  static void ExpectError(const Status& got, ErrorCode code, const std::string& detail) {
    ASSERT_FALSE(got.ok()) << "expected " << detail;
    EXPECT_EQ(got.error().code, code) << got.error().ToString();
    EXPECT_EQ(got.error().detail, detail);
  }

  static inline test_support::Bind9* bind_ = nullptr;
  static inline dns::UnboundResolver* resolver_ = nullptr;
  static inline bool ready_ = false;
  static inline std::string setup_error_;
};

TEST_F(VaBind9Test, Dns01FollowsRealRecordChanges) {
  const std::string name = "_acme-challenge.www.example.test";
  ExpectError(Dns01("www.example.test"), ErrorCode::kUnauthorized, "No TXT record found at " + name);
  ASSERT_TRUE(bind_->SetTxt("example.test", name, {Dns01TxtValue(kKeyAuth)})) << bind_->error();
  Status got = Dns01("www.example.test");
  EXPECT_TRUE(got.ok()) << got.error().ToString();
  ASSERT_TRUE(bind_->SetTxt("example.test", name, {"wrong-value"})) << bind_->error();
  ExpectError(Dns01("www.example.test"), ErrorCode::kIncorrectResponse,
              "Incorrect TXT record \"wrong-value\" found at " + name);
  ASSERT_TRUE(bind_->SetTxt("example.test", name, {})) << bind_->error();
  ExpectError(Dns01("www.example.test"), ErrorCode::kUnauthorized, "No TXT record found at " + name);
}

TEST_F(VaBind9Test, Dns01AnyOfSeveralRecordsAndWildcard) {
  ASSERT_TRUE(bind_->SetTxt("example.test", "_acme-challenge.multi.example.test",
                            {"old-one", Dns01TxtValue(kKeyAuth), "old-two"})) << bind_->error();
  Status got = Dns01("*.multi.example.test");
  EXPECT_TRUE(got.ok()) << got.error().ToString();
}

TEST_F(VaBind9Test, Dns01FollowsCnameIntoAnotherZone) {
  ASSERT_TRUE(bind_->Update("example.test", {"update delete _acme-challenge.cname.example.test",
                                             "update add _acme-challenge.cname.example.test 60 "
                                             "CNAME _acme-challenge.target.other.test."})) << bind_->error();
  ASSERT_TRUE(bind_->SetTxt("other.test", "_acme-challenge.target.other.test",
                            {Dns01TxtValue(kKeyAuth)})) << bind_->error();
  Status got = Dns01("cname.example.test");
  EXPECT_TRUE(got.ok()) << got.error().ToString();
  auto txt = resolver_->LookupTxt("_acme-challenge.cname.example.test");
  ASSERT_TRUE(txt.ok()) << txt.error().ToString();
  EXPECT_EQ(txt->canonical_name, "_acme-challenge.target.other.test.");
}

TEST_F(VaBind9Test, Dns01FollowsNsDelegatedChallengeZone) {
  ASSERT_TRUE(bind_->SetTxt("_acme-challenge.ns.example.test", "_acme-challenge.ns.example.test",
                            {Dns01TxtValue(kKeyAuth)})) << bind_->error();
  Status got = Dns01("ns.example.test");
  EXPECT_TRUE(got.ok()) << got.error().ToString();
}

TEST_F(VaBind9Test, DnsAccount01UsesTheAccountLabel) {
  const std::string name = AccountScopedLabel(kAccount) + "._acme-challenge.acct.example.test";
  ASSERT_TRUE(bind_->SetTxt("example.test", name, {Dns01TxtValue(kKeyAuth)})) << bind_->error();
  Dns01Validator validator(*resolver_);
  Status got = validator.ValidateAccountScoped("acct.example.test", kAccount, kKeyAuth);
  EXPECT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_FALSE(validator.ValidateAccountScoped("acct.example.test", "https://ca.test/acme/acct/2",
                                               kKeyAuth).ok());
}

// Answers past 1232 octets come truncated over UDP; libunbound retries over
// TCP. A big answer within the limits works; one past them is refused.
TEST_F(VaBind9Test, LargeAnswersOverTcpAndOversizedRefused) {
  std::vector<std::string> many(60, std::string(200, 'p'));
  many.push_back(Dns01TxtValue(kKeyAuth));
  ASSERT_TRUE(bind_->SetTxt("example.test", "_acme-challenge.big.example.test", many)) << bind_->error();
  Status got = Dns01("big.example.test");
  EXPECT_TRUE(got.ok()) << got.error().ToString();
  std::vector<std::string> too_many;
  for (int i = 0; i <= static_cast<int>(dns::kMaxTxtRecords); ++i) {
    too_many.push_back("r" + std::to_string(i));
  }
  ASSERT_TRUE(bind_->SetTxt("example.test", "_acme-challenge.huge.example.test", too_many)) << bind_->error();
  ExpectError(Dns01("huge.example.test"), ErrorCode::kDns,
              "DNS problem: too many TXT records (101, limit 100) for "
              "_acme-challenge.huge.example.test");
}

TEST_F(VaBind9Test, DnssecSignedZoneValidates) {
  auto txt = resolver_->LookupTxt("_acme-challenge.signed.test");
  ASSERT_TRUE(txt.ok()) << txt.error().ToString();
  EXPECT_TRUE(txt->secure);
  Status got = Dns01("signed.test");
  EXPECT_TRUE(got.ok()) << got.error().ToString();
  got = Caa("signed.test");
  EXPECT_TRUE(got.ok()) << got.error().ToString();
  // An unsigned zone is insecure, and that is fine.
  auto plain = resolver_->LookupTxt("_acme-challenge.nothing.example.test");
  ASSERT_TRUE(plain.ok()) << plain.error().ToString();
  EXPECT_FALSE(plain->secure);
}

TEST_F(VaBind9Test, BrokenSignatureFails) {
  Status got = Dns01("broken.test");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kDns) << got.error().ToString();
  EXPECT_TRUE(got.error().detail.starts_with("DNSSEC validation failure: "))
      << got.error().detail;
  EXPECT_NE(got.error().detail.find("looking up TXT for _acme-challenge.broken.test"),
            std::string::npos) << got.error().detail;
}

TEST_F(VaBind9Test, CaaPermitAndForbid) {
  EXPECT_TRUE(Caa("nothing.example.test").ok());  // No CAA up to test.: permitted.
  ASSERT_TRUE(bind_->SetCaa("example.test", "permit.example.test", {"0 issue \"signet.test\""})) << bind_->error();
  Status got = Caa("permit.example.test");
  EXPECT_TRUE(got.ok()) << got.error().ToString();
  ASSERT_TRUE(bind_->SetCaa("example.test", "forbid.example.test", {"0 issue \"other-ca.test\""})) << bind_->error();
  ExpectError(Caa("forbid.example.test"), ErrorCode::kCaa,
              "CAA record for forbid.example.test prevents issuance: 0 issue \"other-ca.test\" "
              "authorizes another CA (other-ca.test)");
}

TEST_F(VaBind9Test, CaaClimbsToParent) {
  ASSERT_TRUE(bind_->SetCaa("example.test", "parent.example.test", {"0 issue \";\""})) << bind_->error();
  ExpectError(Caa("www.sub.parent.example.test"), ErrorCode::kCaa,
              "CAA record for parent.example.test prevents issuance: 0 issue \";\" forbids "
              "issuance by any CA");
}

TEST_F(VaBind9Test, CaaIssuewild) {
  ASSERT_TRUE(bind_->SetCaa("example.test", "wild.example.test",
                            {"0 issue \"signet.test\"", "0 issuewild \"other-ca.test\""})) << bind_->error();
  EXPECT_TRUE(Caa("wild.example.test").ok());
  ExpectError(Caa("wild.example.test", true), ErrorCode::kCaa,
              "CAA record for wild.example.test prevents issuance: 0 issuewild "
              "\"other-ca.test\" authorizes another CA (other-ca.test)");
}

TEST_F(VaBind9Test, CaaAccountUri) {
  ASSERT_TRUE(bind_->SetCaa("example.test", "acct-ok.example.test",
                            {std::string("0 issue \"signet.test; accounturi=") + kAccount + "\""})) << bind_->error();
  Status got = Caa("acct-ok.example.test");
  EXPECT_TRUE(got.ok()) << got.error().ToString();
  ASSERT_TRUE(bind_->SetCaa("example.test", "acct-other.example.test",
                            {"0 issue \"signet.test; accounturi=https://ca.test/acme/acct/2\""})) << bind_->error();
  ExpectError(Caa("acct-other.example.test"), ErrorCode::kCaa,
              "CAA record for acct-other.example.test prevents issuance: 0 issue \"signet.test; "
              "accounturi=https://ca.test/acme/acct/2\" authorizes only account "
              "https://ca.test/acme/acct/2, not https://ca.test/acme/acct/1");
}

TEST_F(VaBind9Test, CaaValidationMethods) {
  ASSERT_TRUE(bind_->SetCaa("example.test", "methods.example.test",
                            {"0 issue \"signet.test; validationmethods=dns-01\""})) << bind_->error();
  Status got = Caa("methods.example.test", false, "dns-01");
  EXPECT_TRUE(got.ok()) << got.error().ToString();
  ExpectError(Caa("methods.example.test", false, "http-01"), ErrorCode::kCaa,
              "CAA record for methods.example.test prevents issuance: 0 issue \"signet.test; "
              "validationmethods=dns-01\" authorizes only validation methods dns-01, not http-01");
}

TEST_F(VaBind9Test, CaaCriticalUnknownTag) {
  ASSERT_TRUE(bind_->SetCaa("example.test", "critical.example.test",
                            {"0 issue \"signet.test\"", "128 tbs \"unknown\""})) << bind_->error();
  ExpectError(Caa("critical.example.test"), ErrorCode::kCaa,
              "CAA record for critical.example.test prevents issuance: 128 tbs \"unknown\" has "
              "the critical flag and an unknown tag \"tbs\"");
}

// RFC 8659 3: a CNAME is followed at each name (the alias's CAA set is its
// target's), but the climb goes up the alias's own parents, never the
// target's. Every name asked at once does not change which set decides.
TEST_F(VaBind9Test, CaaFollowsCnamesAndClimbsTheAliasesParents) {
  ASSERT_TRUE(bind_->Update("example.test",
                            {"update delete alias.cnamecaa.example.test",
                             "update add alias.cnamecaa.example.test 60 CNAME "
                             "target.deny.other.test.",
                             "update delete alias2.cnamecaa.example.test",
                             "update add alias2.cnamecaa.example.test 60 CNAME "
                             "target2.deny.other.test."}))
      << bind_->error();
  ASSERT_TRUE(bind_->SetCaa("example.test", "cnamecaa.example.test", {"0 issue \"signet.test\""}))
      << bind_->error();
  ASSERT_TRUE(bind_->SetCaa("other.test", "deny.other.test", {"0 issue \";\""})) << bind_->error();
  ASSERT_TRUE(bind_->SetCaa("other.test", "target2.deny.other.test",
                            {"0 issue \"other-ca.test\""}))
      << bind_->error();
  // The target has no set: the alias's parent decides, not the target's.
  Status got = Caa("alias.cnamecaa.example.test");
  EXPECT_TRUE(got.ok()) << got.error().ToString();
  // The target's own set decides for the alias.
  ExpectError(Caa("alias2.cnamecaa.example.test"), ErrorCode::kCaa,
              "CAA record for alias2.cnamecaa.example.test prevents issuance: 0 issue "
              "\"other-ca.test\" authorizes another CA (other-ca.test)");
}

TEST_F(VaBind9Test, CaaServfailFailsClosed) {
  Status got = Caa("www.servfail.test");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kDns) << got.error().ToString();
  EXPECT_NE(got.error().detail.find("SERVFAIL looking up CAA for www.servfail.test"),
            std::string::npos) << got.error().detail;
}

}  // namespace
}  // namespace signet::va
