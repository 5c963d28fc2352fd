// Tests Dns01Validator (dns-01 and dns-account-01) against a StaticResolver.
#include "ca/va/dns01.h"

#include <gtest/gtest.h>

#include "dns/static_resolver.h"

namespace signet::va {
namespace {

constexpr char kKeyAuth[] =
    "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";

class Dns01Test : public ::testing::Test {
 protected:
  dns::StaticResolver resolver_;
  Dns01Validator validator_{resolver_};
};

TEST(Dns01ValueTest, TxtValueIsBase64UrlOfSha256) {
  // RFC 8555 8.4 example form: 43 base64url characters, no padding.
  const std::string value = Dns01TxtValue(kKeyAuth);
  EXPECT_EQ(value.size(), 43u);
  EXPECT_EQ(value.find('='), std::string::npos);
  EXPECT_EQ(Dns01TxtValue("abc"), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
}

// The example of draft-ietf-acme-dns-account-label.
TEST(Dns01ValueTest, AccountScopedLabel) {
  EXPECT_EQ(AccountScopedLabel("https://example.com/acme/acct/ExampleAccount"),
            "_ujmmovf2vn55tgye");
}

TEST_F(Dns01Test, MatchingRecordAmongSeveralPasses) {
  resolver_.AddTxt("_acme-challenge.example.test", {"stale", Dns01TxtValue(kKeyAuth), "other"});
  Status got = validator_.Validate("Example.TEST", kKeyAuth);
  EXPECT_TRUE(got.ok()) << got.error().ToString();
}

TEST_F(Dns01Test, WildcardUsesBaseDomain) {
  resolver_.AddTxt("_acme-challenge.example.test", {Dns01TxtValue(kKeyAuth)});
  Status got = validator_.Validate("*.example.test", kKeyAuth);
  EXPECT_TRUE(got.ok()) << got.error().ToString();
}

TEST_F(Dns01Test, NoRecordIsUnauthorized) {
  Status got = validator_.Validate("example.test", kKeyAuth);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(got.error().detail, "No TXT record found at _acme-challenge.example.test");
}

TEST_F(Dns01Test, WrongRecordIsIncorrectResponse) {
  resolver_.AddTxt("_acme-challenge.example.test", {"wrong\"value"});
  Status got = validator_.Validate("example.test", kKeyAuth);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kIncorrectResponse);
  EXPECT_EQ(got.error().detail,
            "Incorrect TXT record \"wrong\\\"value\" found at _acme-challenge.example.test");
  resolver_.AddTxt("_acme-challenge.example.test", {"a", "b", "c"});
  got = validator_.Validate("example.test", kKeyAuth);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().detail,
            "Incorrect TXT record \"a\" (and 2 more) found at _acme-challenge.example.test");
  // A long record is quoted only up to the cap.
  resolver_.AddTxt("_acme-challenge.example.test", {std::string(1000, 't')});
  got = validator_.Validate("example.test", kKeyAuth);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().detail, "Incorrect TXT record \"" + std::string(128, 't') +
                                    "\"... (1000 bytes in all) found at "
                                    "_acme-challenge.example.test");
}

TEST_F(Dns01Test, DnsFailureIsDnsError) {
  resolver_.AddError("_acme-challenge.example.test",
                     Error(ErrorCode::kDns, "DNS problem: SERVFAIL looking up TXT for "
                                            "_acme-challenge.example.test"));
  Status got = validator_.Validate("example.test", kKeyAuth);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kDns);
  EXPECT_NE(got.error().detail.find("SERVFAIL"), std::string::npos);
}

TEST_F(Dns01Test, OversizedAnswerIsRefused) {
  std::vector<std::string> records(dns::kMaxTxtRecords + 1, "x");
  records.push_back(Dns01TxtValue(kKeyAuth));
  resolver_.AddTxt("_acme-challenge.example.test", records);
  Status got = validator_.Validate("example.test", kKeyAuth);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kDns);
  EXPECT_NE(got.error().detail.find("too many TXT records"), std::string::npos);
}

TEST_F(Dns01Test, AccountScopedUsesAccountLabel) {
  const std::string account = "https://ca.test/acme/acct/42";
  const std::string name = AccountScopedLabel(account) + "._acme-challenge.example.test";
  // The plain dns-01 record does not count for dns-account-01.
  resolver_.AddTxt("_acme-challenge.example.test", {Dns01TxtValue(kKeyAuth)});
  Status got = validator_.ValidateAccountScoped("*.example.test", account, kKeyAuth);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().detail, "No TXT record found at " + name);
  resolver_.AddTxt(name, {Dns01TxtValue(kKeyAuth)});
  got = validator_.ValidateAccountScoped("*.example.test", account, kKeyAuth);
  EXPECT_TRUE(got.ok()) << got.error().ToString();
  // Another account's label is another name.
  got = validator_.ValidateAccountScoped("example.test", "https://ca.test/acme/acct/43", kKeyAuth);
  EXPECT_FALSE(got.ok());
}

}  // namespace
}  // namespace signet::va
