// The rate-limit file: every refusal is one line naming what is wrong.
#include "ca/ratelimit/limits_file.h"

#include <gtest/gtest.h>

namespace signet::ca::ratelimit {
namespace {

using std::chrono::hours;

std::string ErrorOf(const std::string& text) {
  auto r = ParseLimits(text, "rl.toml");
  if (r.ok()) return "OK";
  EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(r.error().detail.find('\n'), std::string::npos) << r.error().detail;
  return r.error().detail;
}

TEST(LimitsFile, AnEmptyFileIsLetsEncryptsNumbers) {
  auto l = ParseLimits("", "rl.toml");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->Default(LimitName::kNewRegistrationsPerIp), (Limit{10, hours(3)}));
  EXPECT_EQ(l->Default(LimitName::kNewRegistrationsPerIpv6Range), (Limit{500, hours(3)}));
  EXPECT_EQ(l->Default(LimitName::kNewOrdersPerAccount), (Limit{300, hours(3)}));
  EXPECT_EQ(l->Default(LimitName::kFailedAuthorizationsPerIdentifierPerAccount),
            (Limit{5, hours(1)}));
  EXPECT_EQ(l->Default(LimitName::kCertificatesPerDomain), (Limit{50, hours(168)}));
  EXPECT_EQ(l->Default(LimitName::kCertificatesPerExactSet), (Limit{5, hours(168)}));
  EXPECT_EQ(l->Default(LimitName::kPendingAuthorizationsPerAccount), (Limit{1000, hours(168)}));
}

TEST(LimitsFile, TablesChangeTheirLimitAndKeepTheRest) {
  auto l = ParseLimits(
      "[certificates_per_exact_set]\ncount = 1\n"
      "[new_orders_per_account]\ncount = 20\nperiod = \"1h\"\n"
      "[certificates_per_domain]\nperiod = 86400\n",
      "rl.toml");
  ASSERT_TRUE(l.ok()) << l.error().detail;
  EXPECT_EQ(l->Default(LimitName::kCertificatesPerExactSet), (Limit{1, hours(168)}));
  EXPECT_EQ(l->Default(LimitName::kNewOrdersPerAccount), (Limit{20, hours(1)}));
  EXPECT_EQ(l->Default(LimitName::kCertificatesPerDomain), (Limit{50, hours(24)}));
  EXPECT_EQ(l->Default(LimitName::kNewRegistrationsPerIp), (Limit{10, hours(3)}));
}

// An override applies to its key only, over the file's table and the
// default; other keys keep the limit.
TEST(LimitsFile, OverridesTakePrecedenceForTheirKeyOnly) {
  auto l = ParseLimits(
      "[certificates_per_domain]\ncount = 20\n"
      "[[overrides]]\nlimit = \"certificates_per_domain\"\nkey = \"example.com\"\n"
      "count = 1000\nperiod = \"7d\"\n"
      "[[overrides]]\nlimit = \"new_orders_per_account\"\nkey = \"acct1\"\n"
      "count = 5\nperiod = \"1h\"\n",
      "rl.toml");
  ASSERT_TRUE(l.ok()) << l.error().detail;
  EXPECT_EQ(l->For(LimitName::kCertificatesPerDomain, "example.com"), (Limit{1000, hours(168)}));
  EXPECT_EQ(l->For(LimitName::kCertificatesPerDomain, "example.org"), (Limit{20, hours(168)}));
  EXPECT_EQ(l->For(LimitName::kNewOrdersPerAccount, "acct1"), (Limit{5, hours(1)}));
  EXPECT_EQ(l->For(LimitName::kNewOrdersPerAccount, "acct2"), (Limit{300, hours(3)}));
  // The key is per limit: acct1 has no certificates_per_domain override.
  EXPECT_EQ(l->For(LimitName::kCertificatesPerDomain, "acct1"), (Limit{20, hours(168)}));
  EXPECT_EQ(l->override_count(), 2u);
}

TEST(LimitsFile, EachMistakeIsNamed) {
  EXPECT_EQ(ErrorOf("[new_orders_per_acount]\ncount = 1\n"),
            "rate limits rl.toml: unknown limit \"new_orders_per_acount\"");
  EXPECT_EQ(ErrorOf("[new_orders_per_account]\ncount = 0\n"),
            "rate limits rl.toml [new_orders_per_account]: count must be a positive integer");
  EXPECT_EQ(ErrorOf("[new_orders_per_account]\ncount = \"ten\"\n"),
            "rate limits rl.toml [new_orders_per_account]: count must be a positive integer");
  EXPECT_EQ(ErrorOf("[new_orders_per_account]\nperiod = \"3 hours\"\n"),
            "rate limits rl.toml [new_orders_per_account]: period: bad duration \"3 hours\"");
  EXPECT_EQ(ErrorOf("[new_orders_per_account]\nperiod = \"0s\"\n"),
            "rate limits rl.toml [new_orders_per_account]: period must be positive");
  EXPECT_EQ(ErrorOf("[new_orders_per_account]\nburst = 3\n"),
            "rate limits rl.toml [new_orders_per_account]: unknown key \"burst\"");
  EXPECT_EQ(ErrorOf("new_orders_per_account = 3\n"),
            "rate limits rl.toml [new_orders_per_account]: must be a table with count and period");
  EXPECT_EQ(ErrorOf("[[overrides]]\nlimit = \"nope\"\nkey = \"k\"\ncount = 1\nperiod = \"1h\"\n"),
            "rate limits rl.toml [[overrides]] #1: unknown limit \"nope\"");
  EXPECT_EQ(ErrorOf("[[overrides]]\nlimit = \"new_orders_per_account\"\ncount = 1\nperiod = \"1h\"\n"),
            "rate limits rl.toml [[overrides]] #1: missing key (what the override applies to)");
  EXPECT_EQ(ErrorOf("[[overrides]]\nlimit = \"new_orders_per_account\"\nkey = \"a\"\ncount = 1\n"),
            "rate limits rl.toml [[overrides]] #1: missing period");
  const std::string twice =
      "[[overrides]]\nlimit = \"new_orders_per_account\"\nkey = \"a\"\ncount = 1\nperiod = \"1h\"\n";
  EXPECT_EQ(ErrorOf(twice + twice),
            "rate limits rl.toml [[overrides]] #2: two overrides of new_orders_per_account for "
            "key \"a\"");
  EXPECT_NE(ErrorOf("[new_orders_per_account\n").find("rate limits rl.toml: "), std::string::npos);
  auto missing = LoadLimitsFile("/nonexistent/rl.toml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().detail.find("/nonexistent/rl.toml"), std::string::npos);
}

}  // namespace
}  // namespace signet::ca::ratelimit
