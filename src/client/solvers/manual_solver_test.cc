// Tests ManualSolver: the exact hook environment (hooks dump `env` to files),
// CERTBOT_AUTH_OUTPUT reaching the cleanup hook, failures, and the prompt.
#include "client/solvers/manual_solver.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "client/solvers/solvers_test_util.h"

namespace signet::client {
namespace {

namespace fs = std::filesystem;
using test_util::ReadEnvFile;
using test_util::TempDir;

ChallengeSpec Challenge(std::string type, std::string domain, std::string token) {
  ChallengeSpec c;
  c.type = std::move(type);
  c.domain = std::move(domain);
  c.token = std::move(token);
  c.key_authorization = c.token + ".thumb";
  c.validation = c.type == "dns-01" ? "txt-" + c.domain : c.key_authorization;
  return c;
}

// Hooks that record their environment in DIR/{auth,cleanup}-DOMAIN.env.
std::string AuthHook(const fs::path& dir) {
  return "env > '" + dir.string() +
         "'/auth-$CERTBOT_DOMAIN.env; echo \"  out for $CERTBOT_DOMAIN\"; echo";
}
std::string CleanupHook(const fs::path& dir) {
  return "env > '" + dir.string() + "'/cleanup-$CERTBOT_DOMAIN.env";
}

TEST(ManualSolverTest, NonInteractiveWithoutAuthHookFails) {
  ManualSolver solver("", "echo cleanup");
  Status st = solver.Perform({Challenge("http-01", "a.test", "tok")});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().detail,
            "An authentication script must be provided with --manual-auth-hook when using the "
            "manual plugin non-interactively.");
}

TEST(ManualSolverTest, Http01HooksGetCertbotsEnvironment) {
  TempDir tmp;
  ManualSolver solver(AuthHook(tmp.path()), CleanupHook(tmp.path()));
  ChallengeSpec a = Challenge("http-01", "a.test", "tokA"),
                b = Challenge("http-01", "b.test", "tokB");
  Status st = solver.Perform({a, b});
  ASSERT_TRUE(st.ok()) << st.error().detail;

  auto env_a = ReadEnvFile(tmp.path() / "auth-a.test.env");
  EXPECT_EQ(env_a["CERTBOT_DOMAIN"], "a.test");
  EXPECT_EQ(env_a["CERTBOT_VALIDATION"], a.key_authorization);
  EXPECT_EQ(env_a["CERTBOT_TOKEN"], "tokA");
  EXPECT_EQ(env_a["CERTBOT_REMAINING_CHALLENGES"], "1");
  EXPECT_EQ(env_a["CERTBOT_ALL_DOMAINS"], "a.test,b.test");
  EXPECT_EQ(env_a.count("CERTBOT_AUTH_OUTPUT"), 0u);
  EXPECT_EQ(env_a.count("PATH"), 1u);  // the agent's environment is inherited
  auto env_b = ReadEnvFile(tmp.path() / "auth-b.test.env");
  EXPECT_EQ(env_b["CERTBOT_TOKEN"], "tokB");
  EXPECT_EQ(env_b["CERTBOT_REMAINING_CHALLENGES"], "0");
  EXPECT_FALSE(fs::exists(tmp.path() / "cleanup-a.test.env"));

  solver.Cleanup({a, b});
  auto clean_a = ReadEnvFile(tmp.path() / "cleanup-a.test.env");
  EXPECT_EQ(clean_a["CERTBOT_AUTH_OUTPUT"], "out for a.test");
  EXPECT_EQ(clean_a["CERTBOT_DOMAIN"], "a.test");
  EXPECT_EQ(clean_a["CERTBOT_VALIDATION"], a.key_authorization);
  EXPECT_EQ(clean_a["CERTBOT_TOKEN"], "tokA");
  EXPECT_EQ(clean_a["CERTBOT_REMAINING_CHALLENGES"], "1");
  EXPECT_EQ(clean_a["CERTBOT_ALL_DOMAINS"], "a.test,b.test");
  EXPECT_EQ(ReadEnvFile(tmp.path() / "cleanup-b.test.env")["CERTBOT_AUTH_OUTPUT"],
            "out for b.test");

  // A second Cleanup runs nothing.
  fs::remove(tmp.path() / "cleanup-a.test.env");
  solver.Cleanup({a});
  EXPECT_FALSE(fs::exists(tmp.path() / "cleanup-a.test.env"));
}

TEST(ManualSolverTest, Dns01HasTxtValueAndNoToken) {
  TempDir tmp;
  ::setenv("CERTBOT_TOKEN", "stale-from-parent", 1);
  ::setenv("CERTBOT_AUTH_OUTPUT", "stale-from-parent", 1);
  ManualSolver solver(AuthHook(tmp.path()), CleanupHook(tmp.path()));
  ChallengeSpec a = Challenge("dns-01", "a.test", "tokA");
  ChallengeSpec b = Challenge("http-01", "b.test", "tokB");
  Status st = solver.Perform({a, b});
  solver.Cleanup({a, b});
  ::unsetenv("CERTBOT_TOKEN");
  ::unsetenv("CERTBOT_AUTH_OUTPUT");
  ASSERT_TRUE(st.ok()) << st.error().detail;

  auto env_a = ReadEnvFile(tmp.path() / "auth-a.test.env");
  EXPECT_EQ(env_a["CERTBOT_VALIDATION"], "txt-a.test");
  EXPECT_EQ(env_a.count("CERTBOT_TOKEN"), 0u);
  EXPECT_EQ(env_a.count("CERTBOT_AUTH_OUTPUT"), 0u);
  EXPECT_EQ(env_a["CERTBOT_ALL_DOMAINS"], "a.test,b.test");
  auto clean_a = ReadEnvFile(tmp.path() / "cleanup-a.test.env");
  EXPECT_EQ(clean_a.count("CERTBOT_TOKEN"), 0u);
  EXPECT_EQ(clean_a["CERTBOT_AUTH_OUTPUT"], "out for a.test");
  EXPECT_EQ(ReadEnvFile(tmp.path() / "auth-b.test.env")["CERTBOT_TOKEN"], "tokB");
}

// dns-account-01 and dns-persist-01: the hooks get the record's name in
// CERTBOT_VALIDATION_NAME (and dns-01 too); http-01 never inherits it.
TEST(ManualSolverTest, DnsAccountAndPersistGetTheRecordName) {
  TempDir tmp;
  ::setenv("CERTBOT_VALIDATION_NAME", "stale-from-parent", 1);
  ManualSolver solver(AuthHook(tmp.path()), CleanupHook(tmp.path()));
  ChallengeSpec account = Challenge("dns-account-01", "a.test", "tokA");
  account.validation = "txt-a";
  account.record_name = "_ujmmovf2vn55tgye._acme-challenge.a.test";
  ChallengeSpec persist = Challenge("dns-persist-01", "b.test", "");
  persist.key_authorization = "";
  persist.validation = "ca.example; accounturi=https://ca.example/acct/1";
  persist.record_name = "_validation-persist.b.test";
  ChallengeSpec plain = Challenge("dns-01", "c.test", "tokC");
  ChallengeSpec http = Challenge("http-01", "d.test", "tokD");
  Status st = solver.Perform({account, persist, plain, http});
  solver.Cleanup({account, persist, plain, http});
  ::unsetenv("CERTBOT_VALIDATION_NAME");
  ASSERT_TRUE(st.ok()) << st.error().detail;
  auto env_a = ReadEnvFile(tmp.path() / "auth-a.test.env");
  EXPECT_EQ(env_a["CERTBOT_VALIDATION_NAME"], "_ujmmovf2vn55tgye._acme-challenge.a.test");
  EXPECT_EQ(env_a["CERTBOT_VALIDATION"], "txt-a");
  EXPECT_EQ(env_a.count("CERTBOT_TOKEN"), 0u);
  auto env_b = ReadEnvFile(tmp.path() / "auth-b.test.env");
  EXPECT_EQ(env_b["CERTBOT_VALIDATION_NAME"], "_validation-persist.b.test");
  EXPECT_EQ(env_b["CERTBOT_VALIDATION"], "ca.example; accounturi=https://ca.example/acct/1");
  EXPECT_EQ(ReadEnvFile(tmp.path() / "cleanup-b.test.env")["CERTBOT_VALIDATION_NAME"],
            "_validation-persist.b.test");
  EXPECT_EQ(ReadEnvFile(tmp.path() / "auth-c.test.env")["CERTBOT_VALIDATION_NAME"],
            "_acme-challenge.c.test");
  EXPECT_EQ(ReadEnvFile(tmp.path() / "auth-d.test.env").count("CERTBOT_VALIDATION_NAME"), 0u);
}

TEST(ManualSolverTest, PromptShowsTheRecordName) {
  std::vector<std::string> shown;
  ManualSolver solver("", "", [&](const std::string& text) {
    shown.push_back(text);
    return OkStatus();
  });
  ChallengeSpec persist = Challenge("dns-persist-01", "b.test", "");
  persist.validation = "ca.example; accounturi=https://ca.example/acct/1";
  persist.record_name = "_validation-persist.b.test";
  ASSERT_TRUE(solver.Perform({persist}).ok());
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_NE(shown[0].find("under the name:\n\n_validation-persist.b.test.\n"), std::string::npos)
      << shown[0];
  EXPECT_NE(shown[0].find("\n\nca.example; accounturi=https://ca.example/acct/1\n"),
            std::string::npos);
  EXPECT_NE(shown[0].find("#TXT/_validation-persist.b.test."), std::string::npos);
  EXPECT_NE(shown[0].find("may stay in place"), std::string::npos);
}

TEST(ManualSolverTest, FailingAuthHookIsAnErrorAndUndoesEarlierChallenges) {
  TempDir tmp;
  std::string auth =
      "if [ \"$CERTBOT_DOMAIN\" = b.test ]; then echo 'zone not found' >&2; "
      "exit 7; fi; echo ok";
  ManualSolver solver(auth, CleanupHook(tmp.path()));
  ChallengeSpec a = Challenge("http-01", "a.test", "tokA"),
                b = Challenge("dns-01", "b.test", "tokB");
  Status st = solver.Perform({a, b});
  ASSERT_FALSE(st.ok());
  const std::string& detail = st.error().detail;
  EXPECT_NE(detail.find("Hook '--manual-auth-hook' for b.test failed"), std::string::npos)
      << detail;
  EXPECT_NE(detail.find("exited with code 7"), std::string::npos) << detail;
  EXPECT_NE(detail.find("zone not found"), std::string::npos) << detail;
  // a.test was set up, so its cleanup hook ran; b.test's auth failed, so not.
  EXPECT_EQ(ReadEnvFile(tmp.path() / "cleanup-a.test.env")["CERTBOT_AUTH_OUTPUT"], "ok");
  EXPECT_FALSE(fs::exists(tmp.path() / "cleanup-b.test.env"));
}

TEST(ManualSolverTest, FailingCleanupHookIsIgnored) {
  ManualSolver solver("true", "exit 1");
  ChallengeSpec a = Challenge("http-01", "a.test", "tokA");
  ASSERT_TRUE(solver.Perform({a}).ok());
  solver.Cleanup({a});  // must not crash or throw
}

TEST(ManualSolverTest, RefusesUnsupportedChallenges) {
  ManualSolver solver("true", "");
  EXPECT_FALSE(solver.Perform({Challenge("tls-alpn-01", "a.test", "tok")}).ok());
  EXPECT_FALSE(solver.Perform({Challenge("http-01", "a.test", "a/b")}).ok());
}

TEST(ManualSolverTest, InteractivePromptShowsCertbotInstructions) {
  std::vector<std::string> shown;
  ManualSolver solver("", "", [&](const std::string& text) {
    shown.push_back(text);
    return OkStatus();
  });
  ChallengeSpec h = Challenge("http-01", "a.test", "tokA");
  ChallengeSpec d1 = Challenge("dns-01", "a.test", "t1"), d2 = Challenge("dns-01", "b.test", "t2");
  ASSERT_TRUE(solver.Perform({h, d1, d2}).ok());
  ASSERT_EQ(shown.size(), 3u);
  EXPECT_NE(shown[0].find(h.key_authorization), std::string::npos);
  EXPECT_NE(shown[0].find("http://a.test/.well-known/acme-challenge/tokA"), std::string::npos);
  EXPECT_NE(shown[1].find("_acme-challenge.a.test.\n"), std::string::npos);
  EXPECT_NE(shown[1].find("txt-a.test"), std::string::npos);
  EXPECT_NE(shown[1].find("in addition to the previous challenges"), std::string::npos);
  EXPECT_EQ(shown[1].find("Before continuing"), std::string::npos);
  EXPECT_NE(shown[2].find("multiple distinct TXT records"), std::string::npos);
  EXPECT_NE(shown[2].find("Before continuing"), std::string::npos);
}

TEST(ManualSolverTest, DeclinedPromptAborts) {
  ManualSolver solver("", "", [](const std::string&) {
    return Status(ErrorCode::kMalformed, "cancelled by the operator");
  });
  Status st = solver.Perform({Challenge("http-01", "a.test", "tokA")});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().detail, "cancelled by the operator");
}

}  // namespace
}  // namespace signet::client
