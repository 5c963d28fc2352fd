#include "bench/command_line.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace signet::bench {
namespace {

using std::chrono::milliseconds;

struct Parsed {
  std::optional<int> exit;
  CommandLine cl;
  std::string out, err;
};

Parsed Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "signet-bench");
  Parsed p;
  std::ostringstream out, err;
  p.exit = ParseCommandLine(int(args.size()), args.data(), p.cl, out, err);
  p.out = out.str();
  p.err = err.str();
  return p;
}

constexpr const char* kDir = "https://127.0.0.1:14000/directory";

TEST(CommandLine, NoProfileKeepsTheDefaults) {
  Parsed p = Parse({kDir, "-C", "20", "--json", "/tmp/x.json"});
  ASSERT_FALSE(p.exit) << p.err;
  const BenchConfig& c = p.cl.config;
  EXPECT_EQ(c.directory_url, kDir);
  EXPECT_EQ(c.concurrency, 20);
  EXPECT_EQ(p.cl.json_path, "/tmp/x.json");
  EXPECT_EQ(c.profile, "");
  EXPECT_TRUE(c.keep_alive);
  EXPECT_EQ(c.challenge, ChallengeKind::kHttp01);
  EXPECT_FALSE(c.caa);
  EXPECT_EQ(c.poll_initial, BenchConfig{}.poll_initial);
}

TEST(CommandLine, ProfileSetsItsBundle) {
  Parsed p = Parse({kDir, "--profile", "keepalive-poll1s"});
  ASSERT_FALSE(p.exit) << p.err;
  EXPECT_EQ(p.cl.config.profile, "keepalive-poll1s");
  EXPECT_EQ(p.cl.config.poll_initial, milliseconds(1000));
  EXPECT_EQ(p.cl.config.poll_max, milliseconds(1000));
}

TEST(CommandLine, IndividualFlagsOverrideTheProfileWhereverTheyStand) {
  // Before and after --profile alike.
  for (bool flag_first : {true, false}) {
    std::vector<const char*> args = {kDir};
    std::vector<const char*> flags = {"--caa", "present", "--poll-ms", "250",
                                      "--connection-per-request"};
    std::vector<const char*> profile = {"--profile", "dns01"};
    auto& a = flag_first ? flags : profile;
    auto& b = flag_first ? profile : flags;
    args.insert(args.end(), a.begin(), a.end());
    args.insert(args.end(), b.begin(), b.end());
    Parsed p = Parse(args);
    ASSERT_FALSE(p.exit) << p.err;
    const BenchConfig& c = p.cl.config;
    EXPECT_EQ(c.challenge, ChallengeKind::kDns01) << flag_first;
    EXPECT_TRUE(c.caa) << flag_first;
    EXPECT_EQ(c.poll_initial, milliseconds(250)) << flag_first;
    EXPECT_FALSE(c.keep_alive) << flag_first;
  }
}

TEST(CommandLine, FlagsNotGivenKeepTheProfilesValues) {
  // dns01-caa's CAA survives flags that do not touch it.
  Parsed p = Parse({kDir, "--profile", "dns01-caa", "-N", "10", "--challenge", "http-01"});
  ASSERT_FALSE(p.exit) << p.err;
  EXPECT_TRUE(p.cl.config.caa);
  EXPECT_EQ(p.cl.config.challenge, ChallengeKind::kHttp01);
  EXPECT_EQ(p.cl.config.orders, 10);
}

TEST(CommandLine, IndividualFlagsAlone) {
  Parsed p = Parse({kDir, "--challenge", "dns-01", "--caa", "present", "--caa-issuer", "ca.test",
                    "--caa-domain", "example.test", "--dns-management", "http://127.0.0.1:25055",
                    "--account-per-order", "--retry-after-max-ms", "5000"});
  ASSERT_FALSE(p.exit) << p.err;
  const BenchConfig& c = p.cl.config;
  EXPECT_EQ(c.challenge, ChallengeKind::kDns01);
  EXPECT_TRUE(c.caa);
  EXPECT_EQ(c.caa_issuer, "ca.test");
  EXPECT_EQ(c.caa_domain, "example.test");
  EXPECT_EQ(c.dns_management_url, "http://127.0.0.1:25055");
  EXPECT_TRUE(c.account_per_order);
  EXPECT_EQ(c.retry_after_max, milliseconds(5000));
}

TEST(CommandLine, UnknownProfileOrValueIsAUsageError) {
  Parsed p = Parse({kDir, "--profile", "lego"});
  ASSERT_TRUE(p.exit);
  EXPECT_NE(*p.exit, 0);
  EXPECT_NE(p.err.find("--profile"), std::string::npos) << p.err;
  EXPECT_NE(p.err.find("lego"), std::string::npos) << p.err;

  p = Parse({kDir, "--challenge", "tls-alpn-01"});
  ASSERT_TRUE(p.exit);
  EXPECT_NE(*p.exit, 0);
  EXPECT_NE(p.err.find("--challenge"), std::string::npos) << p.err;

  p = Parse({"--profile", "dns01"});  // no directory
  ASSERT_TRUE(p.exit);
  EXPECT_NE(*p.exit, 0);
  EXPECT_NE(p.err.find("directory"), std::string::npos) << p.err;
}

TEST(CommandLine, HelpListsTheProfiles) {
  Parsed p = Parse({"--help"});
  ASSERT_TRUE(p.exit);
  EXPECT_EQ(*p.exit, 0);
  EXPECT_NE(p.out.find("keepalive-poll1s"), std::string::npos);
  EXPECT_NE(p.out.find("fresh-account"), std::string::npos);
}

}  // namespace
}  // namespace signet::bench
