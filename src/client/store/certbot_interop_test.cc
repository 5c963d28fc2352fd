// certbot 2.1 (Debian's /usr/bin/certbot) reads what the store writes and
// respects its lock. These tests fail, not skip, without certbot: the
// store's purpose is to be a drop-in for it.
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <ctime>

#include "client/store/lineage.h"
#include "client/store/lock.h"
#include "client/store/store_test_util.h"
#include "pki/certificate.h"

namespace signet::client {
namespace {

using namespace store_testing;  // NOLINT: test helpers

constexpr char kCertbot[] = "/usr/bin/certbot";

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

RunResult RunCertbot(const fs::path& base, const std::string& args) {
  const std::string cmd = "timeout 120 " + std::string(kCertbot) + " " + args + " --config-dir '" +
                          (base / "cfg").string() + "' --work-dir '" + (base / "work").string() +
                          "' --logs-dir '" + (base / "logs").string() + "' 2>&1";
  RunResult result;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) result.output.append(buf, n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string ExpiryText(const CertificateFiles& files) {
  crypto::X509Ptr cert = pki::CertFromPem(files.cert).value();
  std::time_t t = std::chrono::system_clock::to_time_t(pki::NotAfter(cert.get()));
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S+00:00", &tm);
  return buf;
}

std::string Serial(const CertificateFiles& files) {
  crypto::X509Ptr cert = pki::CertFromPem(files.cert).value();
  return pki::SerialHex(cert.get());
}

class CertbotInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::access(kCertbot, X_OK), 0) << kCertbot << " is required (apt-get install certbot)";
  }

  TempDir tmp_;
  TestIssuer issuer_;
};

TEST_F(CertbotInteropTest, CertbotListsLineagesWeWrote) {
  StoreLayout layout(tmp_.path() / "cfg");
  CertificateFiles a = issuer_.Issue({"a.example.test", "b.example.test"});
  CertificateFiles w = issuer_.Issue({"*.wild.example.test"});
  ASSERT_TRUE(
      Lineage::Create(layout, "a.example.test", a, StandaloneParams(layout.config_dir())).ok());
  ASSERT_TRUE(Lineage::Create(layout, ChooseLineageName({"*.wild.example.test"}), w,
                              StandaloneParams(layout.config_dir()))
                  .ok());
  Lineage renewed = Lineage::Open(layout, "a.example.test").value();
  CertificateFiles a2 = issuer_.Issue({"a.example.test", "b.example.test"});
  ASSERT_EQ(renewed.AddVersion(a2, renewed.conf().Params()).value(), 2);
  const std::string conf_before = ReadOrDie(layout.RenewalConfPath("a.example.test"));

  RunResult r = RunCertbot(tmp_.path(), "certificates");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string live = layout.live_dir().string();
  for (const std::string& expected : {
           "Certificate Name: a.example.test\n    Serial Number: " + Serial(a2) +
               "\n    Key Type: ECDSA\n    Domains: a.example.test b.example.test\n"
               "    Expiry Date: " +
               ExpiryText(a2) + " (VALID: ",
           "Certificate Path: " + live +
               "/a.example.test/fullchain.pem\n"
               "    Private Key Path: " +
               live + "/a.example.test/privkey.pem",
           "Certificate Name: wild.example.test\n    Serial Number: " + Serial(w) +
               "\n    Key Type: ECDSA\n    Domains: *.wild.example.test\n"
               "    Expiry Date: " +
               ExpiryText(w) + " (VALID: ",
       }) {
    EXPECT_NE(r.output.find(expected), std::string::npos) << "missing:\n"
                                                          << expected << "\nin:\n"
                                                          << r.output;
  }
  EXPECT_EQ(r.output.find("broken"), std::string::npos) << r.output;
  // certbot left our files as they were.
  EXPECT_EQ(ReadOrDie(layout.RenewalConfPath("a.example.test")), conf_before);
  EXPECT_EQ(LinkText(layout.LiveDir("a.example.test") / "cert.pem"),
            "../../archive/a.example.test/cert2.pem");

  // After a delete, certbot no longer lists it.
  ASSERT_TRUE(Lineage::Delete(layout, "wild.example.test").ok());
  r = RunCertbot(tmp_.path(), "certificates");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("wild.example.test"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Certificate Name: a.example.test"), std::string::npos) << r.output;
}

// A run killed in the middle of switching links leaves certbot's recovery
// links; certbot itself rolls the switch back, and we read its result.
TEST_F(CertbotInteropTest, CertbotRecoversOurInterruptedSwitch) {
  StoreLayout layout(tmp_.path() / "cfg");
  CertificateFiles v1 = issuer_.Issue({"a.example.test"});
  CertificateFiles v2 = issuer_.Issue({"a.example.test"});
  ASSERT_TRUE(
      Lineage::Create(layout, "a.example.test", v1, StandaloneParams(layout.config_dir())).ok());
  pid_t pid = ::fork();
  if (pid == 0) {
    Lineage l = Lineage::Open(layout, "a.example.test").value();
    (void)l.AddVersion(v2, l.conf().Params(), [](std::string_view step) {
      if (step == "link-switched:privkey") ::_exit(42);
    });
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_EQ(WEXITSTATUS(status), 42);
  ASSERT_TRUE(IsLink(layout.LiveDir("a.example.test") / "previous_cert.pem"));

  RunResult r = RunCertbot(tmp_.path(), "certificates");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Serial Number: " + Serial(v1) + "\n"), std::string::npos) << r.output;
  EXPECT_FALSE(IsLink(layout.LiveDir("a.example.test") / "previous_cert.pem"));
  Lineage l = Lineage::Open(layout, "a.example.test").value();
  for (LineageItem item : kLineageItems) EXPECT_EQ(l.CurrentVersion(item).value(), 1);
  EXPECT_EQ(l.ReadCurrent().value().privkey, v1.privkey);
  // The next version continues after the abandoned one.
  EXPECT_EQ(l.AddVersion(v2, l.conf().Params()).value(), 3);
}

TEST_F(CertbotInteropTest, CertbotRespectsOurLock) {
  StoreLayout layout(tmp_.path() / "cfg");
  ASSERT_TRUE(
      Lineage::Create(layout, "a.example.test", issuer_.Issue({"a.example.test"}), {}).ok());
  {
    StoreLock lock = StoreLock::LockDir(layout.config_dir()).value();
    RunResult r = RunCertbot(tmp_.path(), "certificates");
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("Another instance of Certbot is already running"), std::string::npos)
        << r.output;
  }
  RunResult r = RunCertbot(tmp_.path(), "certificates");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
}  // namespace signet::client
