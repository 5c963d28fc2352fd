// Tests the dns-persist-01 record parser, the record check and the
// validator against a StaticResolver (draft-ietf-acme-dns-persist).
#include "ca/va/dns_persist01.h"

#include <gtest/gtest.h>

#include "dns/static_resolver.h"

namespace signet::va {
namespace {

constexpr char kAccount[] = "https://ca.example.test/acme/acct/42";
constexpr char kName[] = "_validation-persist.example.test";
// 2026-01-01T00:00:00Z
const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));

std::string Rec(const std::string& params) {
  return "signet.test; accounturi=" + std::string(kAccount) + params;
}

// The kMalformed reason ParsePersistRecord gives for `txt`.
std::string MalformedBecause(const std::string& txt) {
  Result<PersistRecord> r = ParsePersistRecord(txt);
  if (r.ok()) return "parsed";
  EXPECT_EQ(r.error().code, ErrorCode::kMalformed) << txt;
  return r.error().detail;
}

TEST(PersistRecordTest, ParsesTheDraftForms) {
  Result<PersistRecord> r = ParsePersistRecord(Rec(""));
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->issuer, "signet.test");
  EXPECT_EQ(r->account_uri, kAccount);
  EXPECT_FALSE(r->wildcard);
  EXPECT_FALSE(r->persist_until);
  r = ParsePersistRecord(Rec("; policy=wildcard; persistUntil=1767225600"));
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_TRUE(r->wildcard);
  EXPECT_EQ(r->persist_until, 1767225600);
}

// RFC 8659 4: whitespace around every part; tags and the policy value in any
// case; the issuer in any case and with a final dot; unknown tags ignored.
TEST(PersistRecordTest, AcceptsWhitespaceCaseAndUnknownTags) {
  Result<PersistRecord> r =
      ParsePersistRecord(" \tSignet.TEST. ;  AccountURI = " + std::string(kAccount) +
                         " ;\tPOLICY=WildCard ; PersistUntil=99 ; future-tag=x ; other=y ;");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->issuer, "signet.test");
  EXPECT_EQ(r->account_uri, kAccount);
  EXPECT_TRUE(r->wildcard);
  EXPECT_EQ(r->persist_until, 99);
  // An unknown tag is ignored even when repeated.
  r = ParsePersistRecord(Rec("; future-tag=1; Future-Tag=2"));
  ASSERT_TRUE(r.ok()) << r.error().ToString();
}

TEST(PersistRecordTest, AnotherPolicyValueIsAsIfAbsent) {
  Result<PersistRecord> r = ParsePersistRecord(Rec("; policy=subdomains"));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->wildcard);
}

TEST(PersistRecordTest, RefusesBadSyntaxNamingTheReason) {
  EXPECT_EQ(MalformedBecause(Rec("; policy=wildcard; Policy=wildcard")),
            "parameter \"policy\" appears twice");
  EXPECT_EQ(MalformedBecause(Rec("; accounturi=https://other")),
            "parameter \"accounturi\" appears twice");
  EXPECT_EQ(MalformedBecause(Rec("; persistUntil=1; PERSISTUNTIL=2")),
            "parameter \"persistuntil\" appears twice");
  EXPECT_EQ(MalformedBecause("signet.test"), "no accounturi parameter");
  EXPECT_EQ(MalformedBecause("signet.test; policy=wildcard"), "no accounturi parameter");
  EXPECT_EQ(MalformedBecause("signet.test; accounturi="), "empty accounturi parameter");
  EXPECT_EQ(MalformedBecause("; accounturi=x"), "no issuer-domain-name before the first \";\"");
  EXPECT_EQ(MalformedBecause(Rec("; wildcard")), "parameter \"wildcard\" has no \"=\"");
  EXPECT_EQ(MalformedBecause(Rec(";; policy=wildcard")), "empty parameter");
  EXPECT_EQ(MalformedBecause("signet.test; accounturi=a b"),
            "invalid value for parameter \"accounturi\"");
  EXPECT_EQ(MalformedBecause("signet..test; accounturi=x"),
            "invalid issuer domain name \"signet..test\"");
  EXPECT_EQ(MalformedBecause(Rec("; persistUntil=soon")),
            "persistUntil=\"soon\" is not a UNIX time in decimal seconds");
  EXPECT_EQ(MalformedBecause(Rec("; persistUntil=-1")),
            "persistUntil=\"-1\" is not a UNIX time in decimal seconds");
  EXPECT_EQ(MalformedBecause(Rec("; persistUntil=99999999999999999999")),
            "persistUntil=\"99999999999999999999\" is not a UNIX time in decimal seconds");
}

TEST(PersistRecordTest, IssuerIsReadEvenWhenTheRestIsBroken) {
  EXPECT_EQ(PersistRecordIssuer(" Signet.Test. ; garbage"), "signet.test");
  EXPECT_EQ(PersistRecordIssuer("; accounturi=x"), "");
}

TEST(PersistRecordTest, CheckRefusesOtherAccountWildcardWithoutPolicyAndExpiry) {
  PersistRecord r = *ParsePersistRecord(Rec("; persistUntil=1767225600"));
  EXPECT_TRUE(CheckPersistRecord(r, kAccount, false, kNow).ok()) << "valid up to persistUntil";
  Status other = CheckPersistRecord(r, std::string(kAccount) + "0", false, kNow);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(other.error().detail, "is for account \"" + std::string(kAccount) +
                                      "\", not this account (" + kAccount + "0)");
  // Simple string comparison: no case folding of the account URL.
  EXPECT_FALSE(CheckPersistRecord(r, "HTTPS://ca.example.test/acme/acct/42", false, kNow).ok());
  Status wild = CheckPersistRecord(r, kAccount, true, kNow);
  ASSERT_FALSE(wild.ok());
  EXPECT_EQ(wild.error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(wild.error().detail, "lacks policy=wildcard, which a wildcard identifier needs");
  Status expired = CheckPersistRecord(r, kAccount, false, kNow + std::chrono::seconds(1));
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(expired.error().detail,
            "expired: persistUntil=1767225600 (2026-01-01T00:00:00Z) has passed");
  PersistRecord wildcard = *ParsePersistRecord(Rec("; policy=wildcard"));
  EXPECT_TRUE(CheckPersistRecord(wildcard, kAccount, true, kNow).ok());
  EXPECT_TRUE(CheckPersistRecord(wildcard, kAccount, false, kNow).ok());
}

TEST(IssuerDomainNamesTest, NormalizedDeduplicatedAtMostTen) {
  EXPECT_EQ(IssuerDomainNames({"Signet.Test.", "signet.test", "other.example"}),
            (std::vector<std::string>{"signet.test", "other.example"}));
  std::vector<std::string> many;
  for (int i = 0; i < 12; ++i) many.push_back("ca" + std::to_string(i) + ".example");
  EXPECT_EQ(IssuerDomainNames(many).size(), kMaxIssuerDomainNames);
}

TEST(IssuerDomainNamesTest, ConfigurationNeedsOneToTen) {
  EXPECT_TRUE(CheckIssuerDomainNames({"signet.test"}).ok());
  Status none = CheckIssuerDomainNames({" ", "."});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(none.error().detail,
            "no CAA identity: one is needed (CAA, dns-persist-01 issuer-domain-names)");
  std::vector<std::string> many;
  for (int i = 0; i < 11; ++i) many.push_back("ca" + std::to_string(i) + ".example");
  Status eleven = CheckIssuerDomainNames(many);
  ASSERT_FALSE(eleven.ok());
  EXPECT_EQ(eleven.error().detail,
            "11 CAA identities: at most 10 (dns-persist-01 issuer-domain-names)");
  many.resize(10);
  many.push_back("CA0.example.");  // a repeat
  EXPECT_TRUE(CheckIssuerDomainNames(many).ok());
}

class DnsPersist01Test : public ::testing::Test {
 protected:
  Status Validate(const std::string& domain, bool wildcard = false) {
    return validator_.Validate(domain, wildcard, kAccount, kNow);
  }
  dns::StaticResolver resolver_;
  DnsPersist01Validator validator_{resolver_, {"Signet.Test", "alt.signet.test"}};
};

TEST_F(DnsPersist01Test, GoodRecordAmongOthersPasses) {
  resolver_.AddTxt(kName, {"other-ca.example; accounturi=https://x/1", "not a record at all",
                           "alt.signet.test; accounturi=" + std::string(kAccount)});
  Status got = Validate("Example.TEST");
  EXPECT_TRUE(got.ok()) << got.error().ToString();
}

TEST_F(DnsPersist01Test, WildcardNeedsPolicyWildcardAtTheBaseName) {
  resolver_.AddTxt(kName, {Rec("")});
  Status got = Validate("example.test", true);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(got.error().detail, "TXT record \"" + Rec("") + "\" at " + kName +
                                    " lacks policy=wildcard, which a wildcard identifier needs");
  resolver_.AddTxt(kName, {Rec("; policy=WILDCARD")});
  got = Validate("*.example.test", true);
  EXPECT_TRUE(got.ok()) << got.error().ToString();
}

// The VA does not climb: a policy=wildcard record at the parent does not
// prove a name under it (the draft's MAY; Boulder and Pebble do not either).
TEST_F(DnsPersist01Test, ParentRecordDoesNotProveASubdomain) {
  resolver_.AddTxt(kName, {Rec("; policy=wildcard")});
  Status got = Validate("www.example.test");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(got.error().detail, "No TXT record found at _validation-persist.www.example.test");
}

TEST_F(DnsPersist01Test, NoRecordIsUnauthorized) {
  Status got = Validate("example.test");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(got.error().detail, "No TXT record found at _validation-persist.example.test");
}

TEST_F(DnsPersist01Test, RecordsOnlyForOtherIssuersAreUnauthorized) {
  resolver_.AddTxt(kName, {"other-ca.example; accounturi=" + std::string(kAccount)});
  Status got = Validate("example.test");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(got.error().detail,
            "No TXT record at _validation-persist.example.test names this CA "
            "(signet.test, alt.signet.test)");
}

TEST_F(DnsPersist01Test, OurMalformedRecordIsMalformedBeforeAnotherAccountsRecord) {
  resolver_.AddTxt(kName,
                   {"signet.test; accounturi=https://x/other",
                    "signet.test; accounturi=" + std::string(kAccount) + "; policy=a; policy=b",
                    "other-ca.example; broken"});
  Status got = Validate("example.test");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kMalformed);
  EXPECT_NE(got.error().detail.find("is malformed: parameter \"policy\" appears twice"),
            std::string::npos)
      << got.error().detail;
}

TEST_F(DnsPersist01Test, SeveralRefusedRecordsNameTheFirstAndCount) {
  resolver_.AddTxt(kName, {"signet.test; accounturi=https://x/1",
                           "signet.test; accounturi=https://x/2", Rec("; persistUntil=1")});
  Status got = Validate("example.test");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(got.error().detail, "TXT record \"signet.test; accounturi=https://x/1\" at " +
                                    std::string(kName) +
                                    " is for account \"https://x/1\", not this account (" +
                                    kAccount + ") (and 2 more)");
}

TEST_F(DnsPersist01Test, LookupFailureIsDns) {
  resolver_.AddError(kName, Error(ErrorCode::kDns, "DNS problem: SERVFAIL looking up TXT for " +
                                                       std::string(kName)));
  Status got = Validate("example.test");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kDns);
}

}  // namespace
}  // namespace signet::va
