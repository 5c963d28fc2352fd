// --preferred-challenges parsing and its narrowing to the authenticator.
#include "client/agent/challenge_prefs.h"

#include <gtest/gtest.h>

#include "client/agent/issue.h"

namespace signet::client {
namespace {

using Types = std::vector<std::string>;

TEST(ChallengePrefsTest, ParsesCertbotAndSignetSpellingsInOrder) {
  EXPECT_EQ(ParsePreferredChallenges("tls-alpn-01, http").value(),
            (Types{"tls-alpn-01", "http-01"}));
  EXPECT_EQ(ParsePreferredChallenges("tls-alpn,dns-01,dns").value(),
            (Types{"tls-alpn-01", "dns-01"}));
  EXPECT_EQ(ParsePreferredChallenges("").value(), Types{});
  auto bad = ParsePreferredChallenges("http,tls-sni-01");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(bad.error().detail,
            "unsupported --preferred-challenges tls-sni-01 (use http, dns, tls-alpn-01, "
            "dns-account-01 or dns-persist-01)");
  EXPECT_EQ(ParsePreferredChallenges("dns-persist-01,dns-account-01,dns").value(),
            (Types{"dns-persist-01", "dns-account-01", "dns-01"}));
}

TEST(ChallengePrefsTest, DnsAuthenticatorsAnswerEveryDnsType) {
  EXPECT_EQ(ChallengesFor("dns-rfc2136", {}, false).value(), Types{"dns-01"});
  EXPECT_EQ(ChallengesFor("dns-rfc2136", {"http-01", "dns-persist-01", "dns-account-01"}, false)
                .value(),
            (Types{"dns-persist-01", "dns-account-01"}));
  EXPECT_EQ(ChallengesFor("manual", {"dns-account-01", "http-01"}, false).value(),
            (Types{"dns-account-01", "http-01"}));
  auto http = ChallengesFor("dns-rfc2136", {"http-01"}, false);
  ASSERT_FALSE(http.ok());
  EXPECT_EQ(http.error().detail,
            "the dns-rfc2136 authenticator cannot answer http-01; it answers dns-01, "
            "dns-account-01, dns-persist-01");
  auto webroot = ChallengesFor("webroot", {"dns-persist-01"}, false);
  ASSERT_FALSE(webroot.ok());
  EXPECT_EQ(webroot.error().detail,
            "the webroot authenticator cannot answer dns-persist-01; it answers http-01 (DNS "
            "challenges need --manual with --manual-auth-hook, or --dns-rfc2136)");
}

TEST(ChallengePrefsTest, NarrowsToWhatTheAuthenticatorAnswers) {
  EXPECT_EQ(ChallengesFor("standalone", {}, false).value(), Types{"http-01"});
  EXPECT_EQ(ChallengesFor("standalone", {"tls-alpn-01", "dns-01", "http-01"}, false).value(),
            (Types{"tls-alpn-01", "http-01"}));
  EXPECT_EQ(ChallengesFor("manual", {}, false).value(), (Types{"http-01", "dns-01"}));
  EXPECT_EQ(ChallengesFor("webroot", {"tls-alpn-01", "http-01"}, false).value(), Types{"http-01"});
  auto none = ChallengesFor("webroot", {"tls-alpn-01"}, false);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().detail,
            "the webroot authenticator cannot answer tls-alpn-01; it answers http-01");
}

TEST(ChallengePrefsTest, IpAddressesNeverTakeDns01) {
  EXPECT_EQ(ChallengesFor("manual", {}, true).value(), Types{"http-01"});
  EXPECT_EQ(ChallengesFor("manual", {"dns-persist-01", "dns-account-01", "http-01"}, true).value(),
            Types{"http-01"});
  auto rfc2136 = ChallengesFor("dns-rfc2136", {}, true);
  ASSERT_FALSE(rfc2136.ok());
  EXPECT_NE(rfc2136.error().detail.find("cannot answer dns-01 for IP addresses"),
            std::string::npos);
  auto dns = ChallengesFor("manual", {"dns-01"}, true);
  ASSERT_FALSE(dns.ok());
  EXPECT_EQ(dns.error().code, ErrorCode::kMalformed);
  EXPECT_NE(dns.error().detail.find("for IP addresses (they take http-01 or tls-alpn-01)"),
            std::string::npos);
}

TEST(ChallengePrefsTest, PlanRecordsAndReplaysThePreference) {
  AgentOptions o;
  o.domains = {"a.test", "127.0.0.1"};
  o.preferred_challenges = "tls-alpn-01,http";
  o.tls_alpn01_port = 5443;
  auto plan = PlanFromOptions(o);
  ASSERT_TRUE(plan.ok()) << plan.error().detail;
  EXPECT_EQ(plan->challenge_types, (Types{"tls-alpn-01", "http-01"}));
  EXPECT_EQ(plan->challenge_type, "tls-alpn-01");
  EXPECT_TRUE(plan->tls_alpn01_port_set);

  auto conf = RenewalConf::Parse(
      "version = 2.1.0\n[renewalparams]\naccount = abc\n"
      "server = https://ca.test/dir\nauthenticator = standalone\n"
      "pref_challs = tls-alpn-01, tls-sni-01,\ntls_alpn01_port = 5443\n");
  ASSERT_TRUE(conf.ok());
  auto renewal = PlanFromConf(*conf, {"127.0.0.1"}, AgentOptions{});
  ASSERT_TRUE(renewal.ok()) << renewal.error().detail;
  EXPECT_EQ(renewal->challenge_types, Types{"tls-alpn-01"});
  EXPECT_EQ(renewal->tls_alpn01_port, 5443);

  o.preferred_challenges = "dns";
  o.authenticator = "manual";
  auto dns = PlanFromOptions(o);
  ASSERT_FALSE(dns.ok());
  EXPECT_NE(
      dns.error().detail.find("the manual authenticator cannot answer dns-01 for IP addresses"),
      std::string::npos);
}

}  // namespace
}  // namespace signet::client
