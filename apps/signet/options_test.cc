#include "options.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "certbot_flags.h"

namespace signet::app {
namespace {

Result<AgentOptions> Parse(std::vector<std::string> words) {
  words.insert(words.begin(), "signet");
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  return ParseAgentOptions(int(argv.size()), argv.data(), nullptr);
}

class OptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("signet-options-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    setenv("XDG_CONFIG_HOME", (dir_ / "xdg").c_str(), 1);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::filesystem::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name) << text;
  }
  std::string Dir() const { return dir_.string(); }
  std::filesystem::path dir_;
};

// certbot's argparse: a repeated option takes its last value (CLI11 used to
// refuse the second --config-dir).
TEST_F(OptionsTest, ARepeatedOptionTakesTheLastValue) {
  auto o = Parse({"certonly", "--config-dir", Dir() + "/a", "--config-dir", Dir() + "/b",
                  "--rsa-key-size", "2048", "--rsa-key-size", "4096", "-m", "x@a.example",
                  "--email=y@b.example", "--agree-tos", "--agree-tos", "-d", "a.example",
                  "-d", "b.example"});
  ASSERT_TRUE(o.ok()) << o.error().detail;
  EXPECT_EQ(o->config_dir, Dir() + "/b");
  EXPECT_EQ(o->rsa_key_size, 4096);
  EXPECT_EQ(o->email, "y@b.example");
  EXPECT_EQ(o->domains, (std::vector<std::string>{"a.example", "b.example"}));
  auto v = Parse({"-v", "-v", "certonly", "-vv", "--config-dir", Dir()});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->verbose, 4);
}

TEST_F(OptionsTest, NoVerbIsRunAndEveryCertbotOptionIsAcceptedOnEveryVerb) {
  auto o = Parse({"--config-dir", Dir(), "-d", "a.example"});
  ASSERT_TRUE(o.ok()) << o.error().detail;
  EXPECT_EQ(o->verb, "run");
  for (const char* verb : {"run", "certonly", "renew", "revoke", "delete", "certificates",
                           "register", "update_account", "unregister", "show_account",
                           "plugins", "update_symlinks", "install", "enhance", "rollback"}) {
    auto all = Parse({verb, "--config-dir", Dir(), "--no-eff-email", "--expand", "--keep",
                      "--must-staple", "--max-log-backups", "0", "--cert-path", "/x/cert.pem",
                      "--fullchain-path", "/x/f.pem", "--chain-path", "/x/c.pem",
                      "--preferred-chain", "X", "--duplicate", "--allow-subset-of-names",
                      "--user-agent", "ua", "--issuance-timeout", "120", "--no-directory-hooks",
                      "--disable-hook-validation", "--uir", "--hsts", "--staple-ocsp",
                      "--apache-ctl", "apachectl", "--reuse-key", "--key-type", "rsa",
                      "--test-cert", "--webroot-map", "{\"w.example\": \"/var/www\"}",
                      "--nginx", "--redirect", "--https-port", "8443", "--http-01-port", "8080",
                      "--checkpoints", "2", "--nginx-server-root", "/srv/nginx", "-i", "nginx"});
    ASSERT_TRUE(all.ok()) << verb << ": " << all.error().detail;
    EXPECT_EQ(all->server, kStagingServer) << verb;
    EXPECT_TRUE(all->must_staple && all->expand && all->keep_until_expiring && all->duplicate);
    EXPECT_FALSE(all->directory_hooks);
    EXPECT_EQ(all->issuance_timeout, 120);
    EXPECT_EQ(all->fullchain_path, "/x/f.pem");
    // nginx's flags are real ones (no notes) on every verb.
    for (const auto& note : all->notes)
      for (const char* real : {"--hsts", "--redirect", "--https-port", "--nginx", "--checkpoints"})
        EXPECT_EQ(note.rfind(real, 0), std::string::npos) << verb << ": " << note;
    EXPECT_TRUE(all->hsts && all->redirect) << verb;
    EXPECT_EQ(all->authenticator + "/" + all->installer, "nginx/nginx") << verb;
    EXPECT_EQ(all->https_port, 8443);
    EXPECT_EQ(all->http01_port, 8080);
    EXPECT_EQ(all->rollback_checkpoints, 2);
    EXPECT_EQ(all->nginx_server_root, "/srv/nginx");
  }
}

// run -i nginx with no authenticator answers the challenges with nginx too;
// another authenticator stays; certonly -i nginx keeps the default one.
TEST_F(OptionsTest, NginxInstallerOnRunAuthenticatesWithNginx) {
  auto run = Parse({"--config-dir", Dir(), "-i", "nginx", "-d", "a.example"});
  ASSERT_TRUE(run.ok()) << run.error().detail;
  EXPECT_EQ(run->verb, "run");
  EXPECT_EQ(run->authenticator, "nginx");
  auto webroot = Parse({"run", "--config-dir", Dir(), "-i", "nginx", "--webroot", "-w", "/srv"});
  ASSERT_TRUE(webroot.ok());
  EXPECT_EQ(webroot->authenticator, "webroot");
  auto certonly = Parse({"certonly", "--config-dir", Dir(), "-i", "nginx"});
  ASSERT_TRUE(certonly.ok());
  EXPECT_EQ(certonly->authenticator, "");
  auto both = Parse({"--config-dir", Dir(), "--configurator", "nginx"});
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->authenticator + "/" + both->installer, "nginx/nginx");
}

// Options that do not apply to signet say so, one line each.
TEST_F(OptionsTest, InapplicableOptionsLeaveANote) {
  auto o = Parse({"certonly", "--config-dir", Dir(), "--apache-server-root", "/etc/apache2",
                  "--uir", "--max-log-backups", "3"});
  ASSERT_TRUE(o.ok()) << o.error().detail;
  ASSERT_EQ(o->notes.size(), 3u);
  std::sort(o->notes.begin(), o->notes.end());
  EXPECT_EQ(o->notes[0], "--apache-server-root is an Apache option; signet does not do Apache");
  EXPECT_NE(o->notes[1].find("--max-log-backups: signet writes no log files"), std::string::npos);
  EXPECT_NE(o->notes[2].find("--uir is an installer enhancement"), std::string::npos);
  auto plain = Parse({"certonly", "--config-dir", Dir(), "--no-eff-email"});
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->notes.empty());
  // Debian's cli.ini: settings that do not apply are not noted on every run.
  Write("cli.ini", "max-log-backups = 0\npreconfigured-renewal = True\n");
  auto debian = Parse({"certonly", "--config-dir", Dir(), "--uir"});
  ASSERT_TRUE(debian.ok()) << debian.error().detail;
  ASSERT_EQ(debian->notes.size(), 1u);
  EXPECT_EQ(debian->notes[0].rfind("--uir", 0), 0u);
}

TEST_F(OptionsTest, StagingAndDryRunPickCertbotsServer) {
  auto conflict = Parse({"certonly", "--config-dir", Dir(), "--staging", "--server",
                         "https://ca.example/dir"});
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().detail, "--server value conflicts with --staging");
  auto dry = Parse({"certonly", "--config-dir", Dir(), "--dry-run"});
  ASSERT_TRUE(dry.ok());
  EXPECT_EQ(dry->server, kStagingServer);
  auto own = Parse({"certonly", "--config-dir", Dir(), "--dry-run", "--server",
                    "https://ca.example/dir"});
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->server, "https://ca.example/dir");
  auto revoke = Parse({"revoke", "--config-dir", Dir(), "--dry-run"});
  ASSERT_FALSE(revoke.ok());
  EXPECT_NE(revoke.error().detail.find("only works with the 'certonly' or 'renew'"),
            std::string::npos);
}

TEST_F(OptionsTest, WebrootMapImpliesDomainsAndWinsOverW) {
  auto o = Parse({"certonly", "--config-dir", Dir(), "-w", "/srv/a", "-d", "a.example",
                  "--webroot-map", "{\"a.example,b.example\": \"/srv/ab\", \"c.example\": \"/srv/c\"}"});
  ASSERT_TRUE(o.ok()) << o.error().detail;
  EXPECT_EQ(o->authenticator, "webroot");
  EXPECT_EQ(o->domains, (std::vector<std::string>{"a.example", "b.example", "c.example"}));
  EXPECT_EQ(o->webroot_map.at("a.example"), "/srv/ab");
  EXPECT_EQ(o->webroot_map.at("c.example"), "/srv/c");
  auto bad = Parse({"certonly", "--config-dir", Dir(), "--webroot-map", "[1]"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().detail.find("--webroot-map must be a JSON object"), std::string::npos);
}

// cli.ini in the config dir, then -c FILE, under the command line.
TEST_F(OptionsTest, CliIniIsReadUnderTheCommandLine) {
  Write("cli.ini", "email = file@a.example\nagree-tos\nserver = https://file.example/dir\n"
                   "rsa-key-size = 3072\nkey-type = rsa\ndomains = ini.example\n");
  Write("extra.ini", "rsa-key-size = 4096\n");
  auto o = Parse({"certonly", "--config-dir", Dir(), "-c", Dir() + "/extra.ini", "--server",
                  "https://cli.example/dir"});
  ASSERT_TRUE(o.ok()) << o.error().detail;
  EXPECT_EQ(o->email, "file@a.example");
  EXPECT_TRUE(o->agree_tos);
  EXPECT_EQ(o->server, "https://cli.example/dir");
  EXPECT_EQ(o->rsa_key_size, 4096);  // -c wins over the config dir's file
  EXPECT_EQ(o->key_type, "rsa");
  EXPECT_EQ(o->domains, std::vector<std::string>{"ini.example"});
  // -d on the command line replaces the file's domains (configargparse).
  auto d = Parse({"certonly", "--config-dir", Dir(), "-d", "cli.example"});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->domains, std::vector<std::string>{"cli.example"});
  // renew never takes domains from a file (certbot's guard).
  auto renew = Parse({"renew", "--config-dir", Dir()});
  ASSERT_TRUE(renew.ok());
  EXPECT_TRUE(renew->domains.empty());
}

TEST_F(OptionsTest, CliIniErrorsNameTheFileAndLine) {
  Write("cli.ini", "email = a@a.example\nno-such-option = 1\n");
  auto o = Parse({"certonly", "--config-dir", Dir()});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().detail, Dir() + "/cli.ini line 2: unrecognized setting 'no-such-option'");
  auto missing = Parse({"certonly", "--config-dir", Dir() + "/none", "-c", Dir() + "/nope.ini"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().detail, "cannot read the config file " + Dir() + "/nope.ini");
}

TEST_F(OptionsTest, HooksAreValidatedAsCertbotDoes) {
  auto o = Parse({"certonly", "--config-dir", Dir(), "--pre-hook", "no-such-program-xyz --now"});
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.error().detail.find("Unable to find pre-hook command no-such-program-xyz in the PATH"),
            std::string::npos);
  EXPECT_TRUE(Parse({"certonly", "--config-dir", Dir(), "--pre-hook", "no-such-program-xyz",
                     "--disable-hook-validation"}).ok());
  EXPECT_TRUE(Parse({"certonly", "--config-dir", Dir(), "--deploy-hook", "true && echo"}).ok());
}

TEST_F(OptionsTest, InteractiveOnlyOnATerminalWithoutNOrQ) {
  auto o = Parse({"certonly", "--config-dir", Dir()});
  ASSERT_TRUE(o.ok());
  DecideInteractive(*o, true);
  EXPECT_TRUE(o->interactive);
  DecideInteractive(*o, false);
  EXPECT_FALSE(o->interactive);
  auto n = Parse({"certonly", "--config-dir", Dir(), "-n"});
  DecideInteractive(*n, true);
  EXPECT_FALSE(n->interactive);
  auto forced = Parse({"certonly", "--config-dir", Dir(), "--force-interactive"});
  DecideInteractive(*forced, false);
  EXPECT_TRUE(forced->interactive);
  auto renew = Parse({"renew", "--config-dir", Dir(), "--force-interactive"});
  ASSERT_FALSE(renew.ok());
  EXPECT_EQ(renew.error().detail, "--force-interactive cannot be used with renew");
}

}  // namespace
}  // namespace signet::app
