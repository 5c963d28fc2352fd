#include "client/store/renewal_conf.h"

#include <gtest/gtest.h>

#include "client/store/store_test_util.h"

namespace signet::client {
namespace {

using store_testing::GoldenCertbot;
using store_testing::ReadOrDie;
using store_testing::ReplaceAll;

const char* kGoldenDir = "/tmp/cbg/x/cfg";

std::string Golden(std::string_view name) {
  return ReadOrDie(GoldenCertbot() / "renewal" / (std::string(name) + ".conf"));
}

RenewalTargets GoldenTargets(std::string_view name) {
  const std::string live = std::string(kGoldenDir) + "/live/" + std::string(name) + "/";
  return RenewalTargets{std::string(kGoldenDir) + "/archive/" + std::string(name),
                        live + "cert.pem", live + "privkey.pem", live + "chain.pem",
                        live + "fullchain.pem"};
}

// The options certbot recorded for the golden lineages (see testdata README).
RenewalParams CommonParams(RenewalParams p) {
  p.Set("account", "6e76c2a552ff39fc78ddbf2585513b8b");
  p.Set("config_dir", kGoldenDir);
  p.Set("work_dir", "/tmp/cbg/x/work");
  p.Set("logs_dir", "/tmp/cbg/x/logs");
  p.Set("server", "https://127.0.0.1:14917/dir");
  p.SetAlwaysSaved("key_type", "ecdsa");
  return p;
}

class GoldenConfTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenConfTest, RoundTripsByteForByte) {
  const std::string text = Golden(GetParam());
  Result<RenewalConf> conf = RenewalConf::Parse(text);
  ASSERT_TRUE(conf.ok()) << conf.error().ToString();
  EXPECT_TRUE(conf->Validate().ok());
  EXPECT_EQ(conf->Serialize().value(), text);
  // Rewriting with the options it holds (what a renewal does) changes nothing.
  RenewalConf rewritten = *conf;
  rewritten.Update(GoldenTargets(GetParam()), conf->Params());
  EXPECT_EQ(rewritten.Serialize().value(), text);
}

INSTANTIATE_TEST_SUITE_P(Certbot, GoldenConfTest,
                         ::testing::Values("example.test", "www.example.test", "wild.test"));

TEST(RenewalConfTest, NewStandaloneConfMatchesCertbot) {
  RenewalParams p;
  // Any call order: certbot's namespace order decides the file's order.
  p.Set("authenticator", "standalone");
  p.SetInt("http01_port", 15803);
  RenewalConf conf;
  conf.Update(GoldenTargets("example.test"), CommonParams(p));
  // The golden file had reuse_key appended by a later --reuse-key renewal.
  const std::string golden = Golden("example.test");
  EXPECT_EQ(conf.Serialize().value(), ReplaceAll(golden, "reuse_key = True\n", ""));

  // That renewal: an existing key keeps its place, a new one is appended.
  RenewalParams renewal = conf.Params();
  renewal.SetBool("reuse_key", true);
  conf.Update(GoldenTargets("example.test"), renewal);
  EXPECT_EQ(conf.Serialize().value(), golden);
}

TEST(RenewalConfTest, NewWebrootConfMatchesCertbot) {
  RenewalParams p;
  p.Set("authenticator", "webroot");
  p.SetList("webroot_path", {"/tmp/cbg/x/www"});
  p.SetWebrootMap({{"example.org", "/tmp/cbg/x/www"}, {"www.example.test", "/tmp/cbg/x/www"}});
  RenewalConf conf;
  conf.Update(GoldenTargets("www.example.test"), CommonParams(p));
  EXPECT_EQ(conf.Serialize().value(), Golden("www.example.test"));
}

TEST(RenewalConfTest, NewManualConfMatchesCertbot) {
  RenewalParams p;
  p.Set("manual_auth_hook", "/bin/true");
  p.Set("authenticator", "manual");
  p.SetList("pref_challs", {"dns-01"});
  RenewalConf conf;
  conf.Update(GoldenTargets("wild.test"), CommonParams(p));
  EXPECT_EQ(conf.Serialize().value(), Golden("wild.test"));
}

TEST(RenewalConfTest, DefaultedServerGoesBeforeKeyType) {
  RenewalParams p;
  p.Set("authenticator", "standalone");
  p.Set("account", "a");
  p.SetAlwaysSaved("server", "https://acme-v02.api.letsencrypt.org/directory");
  p.SetAlwaysSaved("key_type", "rsa");
  p.Set("key_type", "ecdsa");  // given explicitly: namespace position
  std::vector<std::string> keys;
  for (const auto& [k, v] : p.OrderedValues()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"account", "key_type", "authenticator", "server"}));
}

TEST(RenewalConfTest, ReadsOptions) {
  RenewalConf conf = RenewalConf::Parse(Golden("example.test")).value();
  EXPECT_EQ(conf.version(), "2.1.0");
  EXPECT_EQ(conf.archive_dir(), "/tmp/cbg/x/cfg/archive/example.test");
  EXPECT_EQ(conf.fullchain(), "/tmp/cbg/x/cfg/live/example.test/fullchain.pem");
  EXPECT_EQ(conf.renew_before_expiry(), "30 days");
  EXPECT_EQ(conf.Param("server"), "https://127.0.0.1:14917/dir");
  EXPECT_EQ(conf.Param("http01_port"), "15803");
  EXPECT_EQ(conf.ParamBool("reuse_key"), true);
  EXPECT_EQ(conf.Param("installer"), std::nullopt);

  RenewalConf webroot = RenewalConf::Parse(Golden("www.example.test")).value();
  EXPECT_EQ(webroot.ParamList("webroot_path"), std::vector<std::string>{"/tmp/cbg/x/www"});
  EXPECT_EQ(webroot.WebrootMap(),
            (std::vector<std::pair<std::string, std::string>>{
                {"example.org", "/tmp/cbg/x/www"}, {"www.example.test", "/tmp/cbg/x/www"}}));
  RenewalConf manual = RenewalConf::Parse(Golden("wild.test")).value();
  EXPECT_EQ(manual.ParamList("pref_challs"), std::vector<std::string>{"dns-01"});
}

TEST(RenewalConfTest, RewriteKeepsUnknownTopLevelAndDropsStaleParams) {
  const std::string text =
      "renew_before_expiry = 10 days\n"
      "# kept\n"
      "custom = yes\n"
      "version = 1.0.0\n"
      "archive_dir = /old\n"
      "cert = a\nprivkey = b\nchain = c\nfullchain = d\n"
      "[renewalparams]\n"
      "authenticator = webroot\n"
      "nginx_server_root = /etc/nginx\n"
      "[[webroot_map]]\n"
      "a.test = /var/www\n"
      "[other]\n"
      "x = 1\n";
  RenewalConf conf = RenewalConf::Parse(text).value();
  EXPECT_EQ(conf.renew_before_expiry(), "10 days");
  RenewalParams carried = conf.Params();
  carried.Set("authenticator", "standalone");
  carried.Remove("webroot_map");
  RenewalConf a = conf;
  a.Update(
      RenewalTargets{"/arch", "/l/cert.pem", "/l/privkey.pem", "/l/chain.pem", "/l/fullchain.pem"},
      carried);
  EXPECT_EQ(a.Serialize().value(),
            "renew_before_expiry = 10 days\n"
            "# kept\n"
            "custom = yes\n"
            "version = 2.1.0\n"
            "archive_dir = /arch\n"
            "cert = /l/cert.pem\nprivkey = /l/privkey.pem\nchain = /l/chain.pem\n"
            "fullchain = /l/fullchain.pem\n"
            "[renewalparams]\n"
            "authenticator = standalone\n"
            "nginx_server_root = /etc/nginx\n"
            "[other]\n"
            "x = 1\n");
  // Without carrying the old options, certbot's rule drops them.
  RenewalParams fresh;
  fresh.Set("authenticator", "standalone");
  RenewalConf b = conf;
  b.Update(RenewalTargets{"/arch", "a", "b", "c", "d"}, fresh);
  EXPECT_EQ(b.Param("nginx_server_root"), std::nullopt);
  EXPECT_TRUE(b.WebrootMap().empty());
}

TEST(RenewalConfTest, RejectsConfWithoutFileReferences) {
  EXPECT_FALSE(RenewalConf::Parse("version = 2.1.0\ncert = /x\n").value().Validate().ok());
  EXPECT_FALSE(RenewalConf::Parse("[renewalparams\n").ok());
}

}  // namespace
}  // namespace signet::client
