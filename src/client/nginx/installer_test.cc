// The installer, the authenticator and the checkpoints on real files, with
// `true`/`false` (or a small script) standing in for the nginx binary.
#include "client/nginx/installer.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "base/files.h"
#include "client/nginx/authenticator.h"
#include "client/nginx/reverter.h"
#include "crypto/digest.h"

namespace signet::client::nginx {
namespace {
namespace fs = std::filesystem;

std::string Read(const fs::path& p) {
  auto r = ReadFile(p);
  return r.ok() ? *r : "<missing>";
}

void Write(const fs::path& p, const std::string& s) {
  fs::create_directories(p.parent_path());
  ASSERT_TRUE(WriteFileAtomic(p, s, 0640).ok());
}

ChallengeSpec Http01(const std::string& domain, const std::string& token,
                     const std::string& type = "http-01") {
  ChallengeSpec c;
  c.domain = domain;
  c.type = type;
  c.token = token;
  c.key_authorization = c.validation = token + ".thumb";
  return c;
}

class NginxFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/signet-nginx-test.XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    root_ = dir_ / "nginx";
    Write(root_ / "nginx.conf",
          "events {}\nhttp {\n    include sites-enabled/*;\n    server {\n        listen 80 "
          "default_server;\n        server_name _;\n    }\n}\n");
    Write(root_ / "sites-available/a", "server {\n    listen 80;\n    server_name a.test;\n}\n");
    Write(root_ / "sites-available/w",
          "server {\n    listen 80;\n    server_name *.w.test;\n}\n");
    fs::create_directories(root_ / "sites-enabled");
    fs::create_symlink("../sites-available/a", root_ / "sites-enabled/a");
    fs::create_symlink("../sites-available/w", root_ / "sites-enabled/w");
    fs::create_directories(root_ / "sites-enabled/subdir");  // globbed, skipped
    settings_.server_root = root_;
    settings_.ctl = "true";
    settings_.sleep_seconds = 0;
    settings_.config_dir = dir_ / "le";
    settings_.work_dir = dir_ / "work";
    settings_.tls_sources = {dir_ / "none1", dir_ / "none2"};  // signet's own files
    fs::create_directories(settings_.config_dir);
    fs::create_directories(settings_.work_dir);
    snapshot_ = Snapshot();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::map<std::string, std::string> Snapshot() {
    std::map<std::string, std::string> m;
    for (const char* f : {"nginx.conf", "sites-available/a", "sites-available/w"})
      m[f] = Read(root_ / f);
    return m;
  }
  void ExpectUnchanged() {
    EXPECT_EQ(Snapshot(), snapshot_);
    EXPECT_TRUE(fs::is_symlink(root_ / "sites-enabled/a"));
    EXPECT_EQ(fs::status(root_ / "sites-available/a").permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  }
  NginxInstaller Installer() {
    return NginxInstaller(settings_, [this](const std::string& l) { log_ += l + "\n"; });
  }

  fs::path dir_, root_;
  NginxSettings settings_;
  std::map<std::string, std::string> snapshot_;
  std::string log_;
};

TEST_F(NginxFilesTest, LoadFollowsGlobbedIncludesRelativeToTheRoot) {
  auto cfg = NginxConfig::Load(root_);
  ASSERT_TRUE(cfg.ok()) << cfg.error().detail;
  ASSERT_EQ(cfg->servers().size(), 3u);
  EXPECT_EQ(cfg->servers()[0].file, root_ / "sites-enabled/a");
  EXPECT_EQ(cfg->servers()[1].names, (std::vector<std::string>{"*.w.test"}));
  EXPECT_TRUE(cfg->servers()[2].listens.at(0).default_server);
}

TEST_F(NginxFilesTest, LoadErrorsNameTheFile) {
  Write(root_ / "sites-available/a", "server {\n  listen 80\n");
  auto bad = NginxConfig::Load(root_);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().detail, (root_ / "sites-enabled/a").string() +
                                    ": unexpected end of file, expecting \";\" or \"}\" in line 3");
  Write(root_ / "nginx.conf", "http { include missing.conf; }\n");
  auto missing = NginxConfig::Load(root_);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().detail.find("missing.conf"), std::string::npos);
  Write(root_ / "nginx.conf", "http { include nginx.conf; }\n");
  auto loop = NginxConfig::Load(root_);
  ASSERT_FALSE(loop.ok());
  EXPECT_NE(loop.error().detail.find("nested too deeply"), std::string::npos);
}

TEST_F(NginxFilesTest, InstallEditsThroughSymlinksAndCheckpointsInCertbotsFormat) {
  ASSERT_TRUE(Installer().Install({"a.test", "x.w.test"}, "/le/fc.pem", "/le/k.pem", {}).ok())
      << log_;
  EXPECT_TRUE(fs::is_symlink(root_ / "sites-enabled/a"));
  EXPECT_FALSE(fs::exists(settings_.work_dir / "temp_checkpoint"));
  std::string a = Read(root_ / "sites-available/a");
  EXPECT_NE(a.find("    ssl_certificate /le/fc.pem; # managed by Certbot\n"), std::string::npos);
  EXPECT_NE(Read(root_ / "sites-available/w").find("listen 443 ssl; # managed by Certbot"),
            std::string::npos);
  EXPECT_EQ(Read(root_ / "nginx.conf"), snapshot_["nginx.conf"]);
  // The shared files, with certbot's digest files.
  EXPECT_EQ(Read(settings_.config_dir / kOptionsConfName), BuiltinOptionsConf());
  EXPECT_EQ(Read(settings_.config_dir / kOptionsDigestName),
            crypto::HexEncode(crypto::Sha256(BuiltinOptionsConf())));
  EXPECT_EQ(Read(settings_.config_dir / kDhparamsName), BuiltinDhparams());
  // One checkpoint: FILEPATHS as parsed (the symlinks), copies BASENAME_INDEX.
  auto cps = Reverter(settings_.work_dir).Checkpoints();
  ASSERT_EQ(cps.size(), 1u);
  EXPECT_EQ(Read(cps[0] / "FILEPATHS"), (root_ / "sites-enabled/a").string() + "\n" +
                                            (root_ / "sites-enabled/w").string() + "\n");
  EXPECT_EQ(Read(cps[0] / "a_0"), snapshot_["sites-available/a"]);
  EXPECT_EQ(Read(cps[0] / "w_1"), snapshot_["sites-available/w"]);
  EXPECT_EQ(Read(cps[0] / "CHANGES_SINCE").rfind("-- Deployed certificate for a.test, x.w.test --\n", 0),
            0u);
  // Rollback: the original bytes, the links kept, the checkpoint gone.
  ASSERT_TRUE(Installer().Rollback(1).ok());
  ExpectUnchanged();
  EXPECT_TRUE(Reverter(settings_.work_dir).Checkpoints().empty());
  // The shared files stay, as certbot leaves them.
  EXPECT_TRUE(fs::exists(settings_.config_dir / kOptionsConfName));
}

TEST_F(NginxFilesTest, FailingConfigTestRestoresEveryFile) {
  settings_.ctl = "false";
  Status s = Installer().Install({"a.test", "new.test"}, "/le/fc.pem", "/le/k.pem", {true, false});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().detail, "nginx -t failed: exit code 1; every nginx configuration file was restored");
  ExpectUnchanged();
  EXPECT_TRUE(Reverter(settings_.work_dir).Checkpoints().empty());
  EXPECT_FALSE(fs::exists(settings_.work_dir / "temp_checkpoint"));
  EXPECT_FALSE(fs::exists(settings_.config_dir / kOptionsConfName));
  EXPECT_FALSE(fs::exists(settings_.config_dir / kOptionsDigestName));
}

TEST_F(NginxFilesTest, FailingReloadRestoresAndReloadsTheOldConfiguration) {
  fs::path ctl = dir_ / "ctl";
  fs::path calls = dir_ / "calls";
  Write(ctl, "#!/bin/sh\necho \"$*\" >>" + calls.string() +
                 "\ncase \"$*\" in *-t) exit 0;; *reload) exit 1;; *) echo 'nginx: [emerg] "
                 "bind() failed' >&2; exit 1;; esac\n");
  fs::permissions(ctl, fs::perms::owner_all);
  settings_.ctl = ctl.string();
  Status s = Installer().Install({"a.test"}, "/le/fc.pem", "/le/k.pem", {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().detail,
            "nginx reload failed: nginx: [emerg] bind() failed; every nginx configuration file "
            "was restored");
  ExpectUnchanged();
  std::string conf = (root_ / "nginx.conf").string();
  EXPECT_EQ(Read(calls), "-c " + conf + " -t\n-c " + conf + " -s reload\n-c " + conf + "\n-c " +
                             conf + " -s reload\n");
}

TEST_F(NginxFilesTest, NoMatchAndNoDefaultIsOneLine) {
  Write(root_ / "nginx.conf", "events {}\nhttp {\n    include sites-enabled/*;\n}\n");
  settings_.http_port = 8080;
  Status s = Installer().Install({"zzz.test"}, "/f", "/k", {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().detail,
            "no nginx server block has a server_name matching zzz.test and none listens on port "
            "8080; add `server_name zzz.test;` to the block that should serve it");
}

TEST_F(NginxFilesTest, RollsBackACheckpointCertbotWrote) {
  fs::path cp = settings_.work_dir / "backups" / "1733364000.5";
  fs::path made = root_ / "made-by-certbot.conf";
  Write(made, "x;\n");
  Write(cp / "FILEPATHS", (root_ / "sites-enabled/a").string() + "\n");
  Write(cp / "a_0", "server { listen 81; }\n");
  Write(cp / "NEW_FILES", made.string() + "\n");
  Write(cp / "CHANGES_SINCE", "-- certbot --\n");
  ASSERT_TRUE(Installer().Rollback(1).ok());
  EXPECT_EQ(Read(root_ / "sites-available/a"), "server { listen 81; }\n");
  EXPECT_TRUE(fs::is_symlink(root_ / "sites-enabled/a"));
  EXPECT_FALSE(fs::exists(made));
  EXPECT_FALSE(fs::exists(cp));
  ASSERT_TRUE(Installer().Rollback(1).ok());  // nothing left: a note, not an error
  EXPECT_NE(log_.find("nothing to roll back"), std::string::npos);
}

TEST_F(NginxFilesTest, AuthenticatorAddsLocationsAndRestoresByteForByte) {
  NginxAuthenticator auth(settings_, [](const std::string&) {});
  ChallengeSpec a = Http01("a.test", "tok-A_1");
  ChallengeSpec n = Http01("other.test", "tokB");
  ASSERT_TRUE(auth.Perform({a, n}).ok());
  EXPECT_NE(Read(root_ / "sites-available/a")
                .find("server {\n    rewrite ^(/.well-known/acme-challenge/.*) $1 break;\n"
                      "    location = /.well-known/acme-challenge/tok-A_1 { default_type text/plain; "
                      "return 200 \"tok-A_1.thumb\"; }\n"),
            std::string::npos)
      << Read(root_ / "sites-available/a");
  fs::path conf = settings_.work_dir / kChallengeConfName;
  EXPECT_EQ(Read(conf),
            "server {\n    listen 80;\n    server_name other.test;\n    root " +
                (settings_.work_dir / "http_01_nonexistent").string() + ";\n    location = "
            "/.well-known/acme-challenge/tokB { default_type text/plain; return 200 "
            "\"tokB.thumb\"; }\n}\n");
  EXPECT_NE(Read(root_ / "nginx.conf")
                .find("http {\n    include " + conf.string() +
                      ";\n    server_names_hash_bucket_size 128;\n"),
            std::string::npos)
      << Read(root_ / "nginx.conf");
  EXPECT_TRUE(fs::exists(settings_.work_dir / "temp_checkpoint"));
  auth.Cleanup({a, n});
  ExpectUnchanged();
  EXPECT_FALSE(fs::exists(conf));
  EXPECT_FALSE(fs::exists(settings_.work_dir / "temp_checkpoint"));
}

TEST_F(NginxFilesTest, AuthenticatorRefusesTokensThatAreNotBase64url) {
  NginxAuthenticator auth(settings_, [](const std::string&) {});
  ChallengeSpec evil = Http01("a.test", "x; } server { listen 1");
  Status s = auth.Perform({evil});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().detail, "the CA sent a challenge token that is not base64url");
  ChallengeSpec dns = Http01("a.test", "t", "dns-01");
  EXPECT_EQ(auth.Perform({dns}).error().detail,
            "the nginx authenticator answers http-01 only, not dns-01");
  ExpectUnchanged();
}

TEST_F(NginxFilesTest, WriteConfigFileCreatesANewFile) {
  // A path that does not exist yet is created (not "cannot resolve").
  ASSERT_TRUE(WriteConfigFile(dir_ / "new.conf", "a;\n").ok());
  EXPECT_EQ(Read(dir_ / "new.conf"), "a;\n");
}

TEST_F(NginxFilesTest, InstallingAgainIsNoCheckpoint) {
  ASSERT_TRUE(Installer().Install({"a.test"}, "/le/fc.pem", "/le/k.pem", {}).ok());
  auto after = Snapshot();
  // A renewal's re-deploy: same paths, nothing to change, nginx reloaded.
  ASSERT_TRUE(Installer().Install({"a.test"}, "/le/fc.pem", "/le/k.pem", {}).ok());
  EXPECT_EQ(Snapshot(), after);
  EXPECT_EQ(Reverter(settings_.work_dir).Checkpoints().size(), 1u);
}

TEST_F(NginxFilesTest, AKilledRunIsUndoneByTheNext) {
  {
    NginxAuthenticator auth(settings_, [](const std::string&) {});
    ChallengeSpec n = Http01("other.test", "tokB");
    ChallengeSpec a = Http01("a.test", "tokA");
    ASSERT_TRUE(auth.Perform({a, n}).ok());
    // Killed here: no Cleanup.
  }
  EXPECT_NE(Snapshot(), snapshot_);
  EXPECT_TRUE(fs::exists(settings_.work_dir / "temp_checkpoint" / "FILEPATHS"));
  ASSERT_TRUE(Installer().Rollback(0).ok());
  ExpectUnchanged();
  EXPECT_FALSE(fs::exists(settings_.work_dir / kChallengeConfName));
  EXPECT_FALSE(fs::exists(settings_.work_dir / "temp_checkpoint"));
  EXPECT_NE(log_.find("Restored the nginx configuration an interrupted run had changed"),
            std::string::npos);
}

TEST_F(NginxFilesTest, ListenInASnippetCountsForTheBlock) {
  Write(root_ / "snippets/tls.conf", "listen 443 ssl;\n");
  Write(root_ / "sites-available/a",
        "server {\n    include snippets/tls.conf;\n    server_name a.test;\n}\n");
  auto cfg = NginxConfig::Load(root_);
  ASSERT_TRUE(cfg.ok());
  EXPECT_TRUE(cfg->servers()[0].ListensOn(443, true));
  ASSERT_TRUE(Installer().Install({"a.test"}, "/f", "/k", {}).ok());
  // No second `listen 443 ssl` (nginx would refuse the duplicate).
  EXPECT_EQ(Read(root_ / "sites-available/a").find("listen"), std::string::npos);
}

TEST(NginxDebianConfig, LoadsTheInstalledConfiguration) {
  if (!fs::exists("/etc/nginx/nginx.conf")) GTEST_SKIP() << "no /etc/nginx";
  auto cfg = NginxConfig::Load("/etc/nginx");
  ASSERT_TRUE(cfg.ok()) << cfg.error().detail;
  EXPECT_GE(cfg->files().size(), 2u);  // nginx.conf and at least mime.types
}

TEST_F(NginxFilesTest, AuthenticatorRaisesASmallServerNameBucket) {
  Write(root_ / "conf.d/hash.conf", "server_names_hash_bucket_size 32;\n");
  Write(root_ / "nginx.conf", "events {}\nhttp {\n    include conf.d/*.conf;\n}\n");
  snapshot_ = Snapshot();
  NginxAuthenticator auth(settings_, [](const std::string&) {});
  ChallengeSpec n = Http01("a-rather-long-name.example.test", "t");
  ASSERT_TRUE(auth.Perform({n}).ok());
  EXPECT_EQ(Read(root_ / "conf.d/hash.conf"), "server_names_hash_bucket_size 128;\n");
  EXPECT_EQ(Read(root_ / "nginx.conf").find("server_names_hash_bucket_size"), std::string::npos);
  auth.Cleanup({n});
  EXPECT_EQ(Read(root_ / "conf.d/hash.conf"), "server_names_hash_bucket_size 32;\n");
  ExpectUnchanged();
}

TEST_F(NginxFilesTest, AWildcardGoesToEveryBlockItCovers) {
  Write(root_ / "sites-available/b", "server {\n    listen 80;\n    server_name b.w.test;\n}\n");
  fs::create_symlink("../sites-available/b", root_ / "sites-enabled/b");
  Write(root_ / "sites-available/deep",
        "server {\n    listen 80;\n    server_name x.y.w.test;\n}\n");
  fs::create_symlink("../sites-available/deep", root_ / "sites-enabled/deep");
  ASSERT_TRUE(Installer().Install({"*.w.test"}, "/le/fc.pem", "/le/k.pem", {}).ok()) << log_;
  for (const char* f : {"sites-available/w", "sites-available/b"})
    EXPECT_NE(Read(root_ / f).find("ssl_certificate /le/fc.pem;"), std::string::npos) << f;
  EXPECT_EQ(Read(root_ / "sites-available/deep").find("ssl_certificate"), std::string::npos);
  EXPECT_EQ(Read(root_ / "sites-available/a"), snapshot_["sites-available/a"]);
  // The redirect goes into each covered block, split off as certbot does.
  ASSERT_TRUE(Installer().Enhance({"*.w.test"}, {true, false}).ok()) << log_;
  for (const char* f : {"sites-available/w", "sites-available/b"}) {
    std::string text = Read(root_ / f);
    EXPECT_NE(text.find("if ($host ~ ^[^.]+\\.w\\.test$) {"), std::string::npos) << text;
    EXPECT_EQ(text.find("if ($host ~"), text.rfind("if ($host ~")) << "one redirect in " << f;
  }
  EXPECT_EQ(Read(root_ / "sites-available/deep").find("if ("), std::string::npos);
}

}  // namespace
}  // namespace signet::client::nginx
