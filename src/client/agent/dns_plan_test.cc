// The DNS authenticators in the issue plan: --dns-rfc2136 implies DNS
// challenges and needs its credentials file; dns-account-01 and
// dns-persist-01 need --manual or --dns-rfc2136; what the renewal conf
// records is read back by renew.
#include <gtest/gtest.h>

#include "client/agent/issue.h"

namespace signet::client {
namespace {

AgentOptions Options(const char* authenticator, const char* preferred = "") {
  AgentOptions o;
  o.domains = {"a.test", "*.a.test"};
  o.authenticator = authenticator;
  o.preferred_challenges = preferred;
  return o;
}

TEST(DnsPlanTest, Rfc2136ImpliesDns01AndNeedsCredentials) {
  AgentOptions o = Options("dns-rfc2136");
  auto missing = PlanFromOptions(o);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().detail,
            "--dns-rfc2136 needs --dns-rfc2136-credentials FILE (the RFC 2136 credentials INI "
            "file)");
  o.dns_rfc2136_credentials = "/etc/rfc2136.ini";
  o.dns_rfc2136_propagation_seconds = 5;
  auto plan = PlanFromOptions(o);
  ASSERT_TRUE(plan.ok()) << plan.error().detail;
  EXPECT_EQ(plan->challenge_type, "dns-01");
  EXPECT_EQ(plan->dns_rfc2136_credentials, "/etc/rfc2136.ini");
  EXPECT_EQ(plan->dns_rfc2136_propagation_seconds, 5);
}

TEST(DnsPlanTest, AccountAndPersistChallenges) {
  for (const char* type : {"dns-account-01", "dns-persist-01"}) {
    SCOPED_TRACE(type);
    auto manual = PlanFromOptions(Options("manual", type));
    ASSERT_TRUE(manual.ok()) << manual.error().detail;
    EXPECT_EQ(manual->challenge_type, type);
    AgentOptions rfc = Options("dns-rfc2136", type);
    rfc.dns_rfc2136_credentials = "c.ini";
    auto via_rfc2136 = PlanFromOptions(rfc);
    ASSERT_TRUE(via_rfc2136.ok());
    EXPECT_EQ(via_rfc2136->challenge_type, type);
    auto standalone = PlanFromOptions(Options("standalone", type));
    ASSERT_FALSE(standalone.ok());
    EXPECT_EQ(standalone.error().detail,
              "the standalone authenticator cannot answer " + std::string(type) +
                  "; it answers http-01, tls-alpn-01 (DNS challenges need --manual with "
                  "--manual-auth-hook, or --dns-rfc2136)");
  }
  auto unknown = PlanFromOptions(Options("manual", "dns-02"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().detail,
            "unsupported --preferred-challenges dns-02 (use http, dns, tls-alpn-01, "
            "dns-account-01 or dns-persist-01)");
}

TEST(DnsPlanTest, RenewReadsTheRenewalConf) {
  auto conf = RenewalConf::Parse(
      "version = 2.1.0\n[renewalparams]\naccount = abc\nserver = https://ca.test/dir\n"
      "authenticator = dns-rfc2136\ndns_rfc2136_credentials = /etc/r.ini\n"
      "dns_rfc2136_propagation_seconds = 30\npref_challs = dns-persist-01,\n");
  ASSERT_TRUE(conf.ok());
  auto plan = PlanFromConf(*conf, {"a.test"}, AgentOptions{});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->authenticator, "dns-rfc2136");
  EXPECT_EQ(plan->dns_rfc2136_credentials, "/etc/r.ini");
  EXPECT_EQ(plan->dns_rfc2136_propagation_seconds, 30);
  EXPECT_EQ(plan->challenge_type, "dns-persist-01");
  // certbot's own conf: no pref_challs, the authenticator alone means dns-01.
  auto certbot = RenewalConf::Parse(
      "version = 2.1.0\n[renewalparams]\naccount = abc\nserver = https://ca.test/dir\n"
      "authenticator = dns-rfc2136\ndns_rfc2136_credentials = /etc/r.ini\n");
  ASSERT_TRUE(certbot.ok());
  auto from_certbot = PlanFromConf(*certbot, {"a.test"}, AgentOptions{});
  ASSERT_TRUE(from_certbot.ok());
  EXPECT_EQ(from_certbot->challenge_type, "dns-01");
  EXPECT_EQ(from_certbot->dns_rfc2136_propagation_seconds, -1);
}

}  // namespace
}  // namespace signet::client
