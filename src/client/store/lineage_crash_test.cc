// Crash safety: a child process writes a version and is killed (_exit) at a
// chosen step; the parent then checks what a server, signet or certbot
// would find.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/files.h"
#include "client/store/lineage.h"
#include "client/store/store_test_util.h"
#include "crypto/key.h"
#include "pki/certificate.h"

namespace signet::client {
namespace {

using namespace store_testing;  // NOLINT: test helpers

// Runs `body` in a child process that dies at `step` (exit code 42).
// Returns the child's exit code.
int RunAndDieAt(std::string_view step, const std::function<void(const WriteStepHook&)>& body) {
  const std::string target(step);
  pid_t pid = ::fork();
  if (pid == 0) {
    WriteStepHook hook = [&](std::string_view at) {
      if (at == target) ::_exit(42);
    };
    body(hook);
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The live files form a working pair: the certificate parses, the key is
// its key, fullchain = cert + chain.
void ExpectUsable(const Lineage& lineage, const CertificateFiles& expected) {
  CertificateFiles live = lineage.ReadCurrent().value();
  EXPECT_EQ(live.cert, expected.cert);
  EXPECT_EQ(live.privkey, expected.privkey);
  EXPECT_EQ(ReadOrDie(lineage.LivePath(LineageItem::kFullchain)), expected.fullchain());
  crypto::X509Ptr cert = pki::CertFromPem(live.cert).value();
  crypto::Key key = crypto::Key::FromPem(live.privkey).value();
  EXPECT_TRUE(key.SamePublicKey(crypto::Key(crypto::PkeyPtr(X509_get_pubkey(cert.get())))));
}

class LineageCrashTest : public ::testing::Test {
 protected:
  LineageCrashTest() : layout_(tmp_.path() / "cfg") {
    v1_ = issuer_.Issue({"example.test"});
    v2_ = issuer_.Issue({"example.test"});
    EXPECT_TRUE(Lineage::Create(layout_, "example.test", v1_, {}).ok());
  }

  TempDir tmp_;
  StoreLayout layout_;
  TestIssuer issuer_;
  CertificateFiles v1_, v2_;
};

TEST_F(LineageCrashTest, KilledAfterArchiveBeforeLinksKeepsOldVersion) {
  ASSERT_EQ(RunAndDieAt("archive-written",
                        [&](const WriteStepHook& hook) {
                          Lineage l = Lineage::Open(layout_, "example.test").value();
                          (void)l.AddVersion(v2_, {}, hook);
                        }),
            42);
  // The new files were written, but nothing points at them.
  EXPECT_EQ(ReadOrDie(layout_.ArchiveDir("example.test") / "cert2.pem"), v2_.cert);
  Lineage l = Lineage::Open(layout_, "example.test").value();
  for (LineageItem item : kLineageItems) EXPECT_EQ(l.CurrentVersion(item).value(), 1);
  ExpectUsable(l, v1_);
  // The next run writes version 3 and leaves no temp files behind.
  ASSERT_EQ(l.AddVersion(v2_, {}).value(), 3);
  ExpectUsable(l, v2_);
}

TEST_F(LineageCrashTest, KilledMidSwitchRollsBackOnOpen) {
  // cert and privkey switched, chain and fullchain not yet.
  ASSERT_EQ(RunAndDieAt("link-switched:privkey",
                        [&](const WriteStepHook& hook) {
                          Lineage l = Lineage::Open(layout_, "example.test").value();
                          (void)l.AddVersion(v2_, {}, hook);
                        }),
            42);
  const fs::path live = layout_.LiveDir("example.test");
  EXPECT_TRUE(IsLink(live / "previous_cert.pem"));  // certbot's recovery links
  Lineage l = Lineage::Open(layout_, "example.test").value();
  for (LineageItem item : kLineageItems) EXPECT_EQ(l.CurrentVersion(item).value(), 1);
  EXPECT_FALSE(fs::exists(live / "previous_cert.pem"));
  EXPECT_EQ(LinkText(live / "cert.pem"), "../../archive/example.test/cert1.pem");
  ExpectUsable(l, v1_);
}

TEST_F(LineageCrashTest, KilledWhileWritingRecoveryLinksLeavesOldVersion) {
  ASSERT_EQ(RunAndDieAt("previous-links-written",
                        [&](const WriteStepHook& hook) {
                          Lineage l = Lineage::Open(layout_, "example.test").value();
                          (void)l.AddVersion(v2_, {}, hook);
                        }),
            42);
  Lineage l = Lineage::Open(layout_, "example.test").value();
  ExpectUsable(l, v1_);
  // certbot's ensure_deployed would now deploy the complete version 2.
  EXPECT_EQ(l.EnsureDeployed().value(), false);
  ExpectUsable(l, v2_);
}

TEST_F(LineageCrashTest, NewLinksArePreparedBeforeTheFirstSwitch) {
  // The switch itself is four renames back to back: every new link exists
  // (under a temp name) before the first live link changes, so no write or
  // directory sync runs while the live links mix two versions.
  ASSERT_EQ(RunAndDieAt("links-prepared",
                        [&](const WriteStepHook& hook) {
                          Lineage l = Lineage::Open(layout_, "example.test").value();
                          (void)l.AddVersion(v2_, {}, hook);
                        }),
            42);
  const fs::path live = layout_.LiveDir("example.test");
  int temp_links = 0;
  for (const auto& entry : fs::directory_iterator(live))
    if (entry.is_symlink() && IsTempFileName(entry.path().filename().string())) ++temp_links;
  EXPECT_EQ(temp_links, 4);
  // Nothing switched: the old version is whole, for a server and on open.
  Lineage l = Lineage::Open(layout_, "example.test").value();
  ExpectUsable(l, v1_);
  // The next version goes in and the temp links are gone.
  ASSERT_EQ(l.AddVersion(v2_, {}).value(), 3);
  ExpectUsable(l, v2_);
  for (const auto& entry : fs::directory_iterator(live))
    EXPECT_FALSE(IsTempFileName(entry.path().filename().string())) << entry.path();
}

TEST_F(LineageCrashTest, KilledBeforeConfKeepsNewVersionLinked) {
  ASSERT_EQ(RunAndDieAt("links-switched",
                        [&](const WriteStepHook& hook) {
                          Lineage l = Lineage::Open(layout_, "example.test").value();
                          RenewalParams p;
                          p.SetBool("reuse_key", true);
                          (void)l.AddVersion(v2_, p, hook);
                        }),
            42);
  Lineage l = Lineage::Open(layout_, "example.test").value();
  ExpectUsable(l, v2_);
  EXPECT_EQ(l.conf().ParamBool("reuse_key"), std::nullopt);  // the old conf, intact
}

TEST_F(LineageCrashTest, KilledCreateIsInvisibleAndRetried) {
  CertificateFiles other = issuer_.Issue({"new.test"});
  ASSERT_EQ(RunAndDieAt("link-switched:chain",
                        [&](const WriteStepHook& hook) {
                          (void)Lineage::Create(layout_, "new.test", other, {}, hook);
                        }),
            42);
  // No conf: certbot and signet do not list it.
  EXPECT_EQ(Lineage::ListNames(layout_), std::vector<std::string>{"example.test"});
  // A second attempt finishes under the same name.
  Result<Lineage> l = Lineage::Create(layout_, "new.test", other, {});
  ASSERT_TRUE(l.ok()) << l.error().ToString();
  EXPECT_EQ(l->name(), "new.test");
  ExpectUsable(*l, other);
}

TEST_F(LineageCrashTest, KilledCreateKeepsItsNameForTheNextRun) {
  CertificateFiles other = issuer_.Issue({"new.test"});
  ASSERT_EQ(RunAndDieAt("links-switched",
                        [&](const WriteStepHook& hook) {
                          (void)Lineage::Create(layout_, "new.test", other, {}, hook);
                        }),
            42);
  // All four links and README, no conf: certonly picks this name again
  // (it used to pick new.test-0001 because live/new.test existed).
  EXPECT_EQ(Lineage::FreeName(layout_, "new.test"), "new.test");
  // A lineage with a conf, or a directory holding anything else, is taken.
  EXPECT_EQ(Lineage::FreeName(layout_, "example.test"), "example.test-0001");
  ASSERT_TRUE(WriteFileAtomic(layout_.ArchiveDir("new.test") / "notes.txt", "mine", 0644).ok());
  EXPECT_EQ(Lineage::FreeName(layout_, "new.test"), "new.test-0001");
}

}  // namespace
}  // namespace signet::client
