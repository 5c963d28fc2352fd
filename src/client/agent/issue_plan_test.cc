// Profiles in the issue plan: from the command line, from the renewal conf,
// and the command line replacing the conf's on renew.
#include <gtest/gtest.h>

#include "client/agent/issue.h"

namespace signet::client {
namespace {

RenewalConf Conf(const std::string& params) {
  auto conf = RenewalConf::Parse("version = 2.1.0\n[renewalparams]\naccount = abc\n"
                                 "server = https://ca.test/dir\n" + params);
  EXPECT_TRUE(conf.ok());
  return conf.ok() ? *conf : RenewalConf();
}

TEST(IssuePlanTest, ProfilesFromTheCommandLine) {
  AgentOptions o;
  o.domains = {"a.test"};
  o.required_profile = "tlsserver";
  auto plan = PlanFromOptions(o);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->required_profile, "tlsserver");
  EXPECT_EQ(plan->preferred_profile, "");
  o.preferred_profile = "classic";  // both are kept; ChooseProfile prefers required
  auto both = PlanFromOptions(o);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->preferred_profile, "classic");
  EXPECT_EQ(both->required_profile, "tlsserver");
}

TEST(IssuePlanTest, ProfilesFromTheRenewalConf) {
  AgentOptions o;
  auto plan = PlanFromConf(Conf("required_profile = tlsserver\n"), {"a.test"}, o);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->required_profile, "tlsserver");
  EXPECT_EQ(plan->preferred_profile, "");
  // Each flag on renew replaces its own recorded value (certbot's renewal).
  o.preferred_profile = "shortlived";
  auto added = PlanFromConf(Conf("required_profile = tlsserver\n"), {"a.test"}, o);
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->preferred_profile, "shortlived");
  EXPECT_EQ(added->required_profile, "tlsserver");
  o.required_profile = "classic";
  auto replaced = PlanFromConf(Conf("required_profile = tlsserver\n"), {"a.test"}, o);
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->required_profile, "classic");
  auto none = PlanFromConf(Conf(""), {"a.test"}, AgentOptions{});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->preferred_profile + none->required_profile, "");
}

// --allow-subset-of-names: the names left after the failed ones (a
// wildcard goes with its base name's failure), and the flag kept for renew.
TEST(IssuePlanTest, SubsetOfNames) {
  Error failed(ErrorCode::kUnauthorized, "Some challenges have failed");
  Error one(ErrorCode::kConnection, "refused");
  one.identifier_value = "b.test";
  failed.subproblems.push_back(one);
  EXPECT_EQ(WithoutFailedNames({"a.test", "b.test", "*.b.test", "c.test"}, failed),
            (std::vector<std::string>{"a.test", "c.test"}));
  EXPECT_EQ(WithoutFailedNames({"a.test"}, Error(ErrorCode::kConnection, "no subproblems")),
            std::vector<std::string>{"a.test"});
  AgentOptions o;
  o.domains = {"a.test"};
  EXPECT_FALSE(PlanFromConf(Conf(""), {"a.test"}, o)->allow_subset_of_names);
  EXPECT_TRUE(PlanFromConf(Conf("allow_subset_of_names = True\n"), {"a.test"}, o)
                  ->allow_subset_of_names);
}

TEST(IssuePlanTest, NginxSettingsFromTheRenewalConfAndTheCommandLine) {
  // certbot's nginx renewal params: the command line wins where it is set.
  RenewalConf conf = Conf(
      "authenticator = nginx\ninstaller = nginx\nnginx_server_root = /srv/nginx\n"
      "nginx_ctl = /opt/nginx/sbin/nginx\nhttps_port = 8443\nhttp01_port = 8080\n");
  AgentOptions o;
  auto plan = PlanFromConf(conf, {"a.test"}, o);
  ASSERT_TRUE(plan.ok()) << plan.error().detail;
  EXPECT_EQ(plan->authenticator, "nginx");
  EXPECT_EQ(plan->installer, "nginx");
  EXPECT_EQ(plan->challenge_types, (std::vector<std::string>{"http-01"}));
  EXPECT_EQ(plan->nginx.server_root, "/srv/nginx");
  EXPECT_EQ(plan->nginx.ctl, "/opt/nginx/sbin/nginx");
  EXPECT_EQ(plan->nginx.https_port, 8443);
  EXPECT_EQ(plan->nginx.http_port, 8080);
  EXPECT_EQ(plan->nginx.sleep_seconds, 1);
  o.nginx_ctl = "/usr/sbin/nginx";
  o.nginx_sleep_seconds = 0;
  auto overridden = PlanFromConf(conf, {"a.test"}, o);
  ASSERT_TRUE(overridden.ok());
  EXPECT_EQ(overridden->nginx.ctl, "/usr/sbin/nginx");
  EXPECT_EQ(overridden->nginx.sleep_seconds, 0);
  EXPECT_EQ(overridden->nginx.server_root, "/srv/nginx");
  // certbot writes "installer = None" for certonly without an installer.
  auto none = PlanFromConf(Conf("installer = None\n"), {"a.test"}, AgentOptions{});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->installer, "");
}

TEST(IssuePlanTest, NginxAuthenticatorAnswersHttp01Only) {
  AgentOptions o;
  o.domains = {"*.a.test"};
  o.authenticator = "nginx";
  auto wild = PlanFromOptions(o);
  ASSERT_FALSE(wild.ok());
  EXPECT_NE(wild.error().detail.find("needs a DNS challenge"), std::string::npos);
}

}  // namespace
}  // namespace signet::client
