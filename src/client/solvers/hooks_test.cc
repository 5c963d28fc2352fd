// Tests RunHook/RunShellCommand: output capture, environment, exit codes,
// and large outputs on both pipes at once (the classic pipe deadlock).
#include "client/solvers/hooks.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

namespace signet::client {
namespace {

TEST(RunHookTest, CapturesStdoutAndStderrSeparately) {
  std::string out, err;
  Status st = RunHook("echo to-out; echo to-err >&2", {}, &out, &err);
  ASSERT_TRUE(st.ok()) << st.error().detail;
  EXPECT_EQ(out, "to-out\n");
  EXPECT_EQ(err, "to-err\n");
}

TEST(RunHookTest, PassesExtraEnvironmentOverridingInherited) {
  ::setenv("SIGNET_HOOK_TEST_VAR", "inherited", 1);
  ::setenv("SIGNET_HOOK_TEST_KEEP", "kept", 1);
  std::string out;
  Status st = RunHook(
      "printf '%s|%s|%s' \"$SIGNET_HOOK_TEST_VAR\" \"$SIGNET_HOOK_TEST_KEEP\" "
      "\"$RENEWED_LINEAGE\"",
      {{"SIGNET_HOOK_TEST_VAR", "extra"}, {"RENEWED_LINEAGE", "/etc/x y"}}, &out);
  ::unsetenv("SIGNET_HOOK_TEST_VAR");
  ::unsetenv("SIGNET_HOOK_TEST_KEEP");
  ASSERT_TRUE(st.ok()) << st.error().detail;
  EXPECT_EQ(out, "extra|kept|/etc/x y");
}

TEST(RunHookTest, UnsetRemovesInheritedVariables) {
  ::setenv("SIGNET_HOOK_TEST_GONE", "x", 1);
  Result<CommandOutput> out =
      RunShellCommand("echo \"${SIGNET_HOOK_TEST_GONE-unset}\"", {}, {"SIGNET_HOOK_TEST_GONE"});
  ::unsetenv("SIGNET_HOOK_TEST_GONE");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->stdout_text, "unset\n");
}

TEST(RunHookTest, NonZeroExitIsAnErrorWithCodeAndLastStderrLine) {
  std::string out, err;
  Status st =
      RunHook("echo partial; printf 'first\\nlast words\\n\\n' >&2; exit 3", {}, &out, &err);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().detail.find("exited with code 3"), std::string::npos) << st.error().detail;
  EXPECT_NE(st.error().detail.find(": last words"), std::string::npos) << st.error().detail;
  EXPECT_EQ(st.error().detail.find('\n'), std::string::npos);
  EXPECT_EQ(out, "partial\n");  // outputs are kept on failure
  EXPECT_EQ(err, "first\nlast words\n\n");
}

TEST(RunHookTest, DeathBySignalIsReported) {
  Result<CommandOutput> out = RunShellCommand("kill -TERM $$", {});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->term_signal, 15);
  Status st = RunHook("kill -TERM $$", {});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().detail.find("killed by signal 15"), std::string::npos);
}

TEST(RunHookTest, CommandNotFoundIsExitCode127) {
  Result<CommandOutput> out = RunShellCommand("/nonexistent/signet-hook", {});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->exit_code, 127);
}

TEST(RunHookTest, LargeOutputsOnBothPipesDoNotDeadlock) {
  constexpr size_t kSize = 1 << 20;
  // Interleaved writers on both pipes, then a second burst on stderr only
  // while stdout stays open: a reader draining one pipe at a time hangs.
  std::string command =
      "head -c 1048576 /dev/zero | tr '\\0' a & "
      "head -c 524288 /dev/zero | tr '\\0' b >&2; wait; "
      "head -c 524288 /dev/zero | tr '\\0' b >&2";
  std::string out, err;
  Status st = RunHook(command, {}, &out, &err);
  ASSERT_TRUE(st.ok()) << st.error().detail;
  ASSERT_EQ(out.size(), kSize);
  ASSERT_EQ(err.size(), kSize);
  EXPECT_EQ(out, std::string(kSize, 'a'));
  EXPECT_EQ(err, std::string(kSize, 'b'));
}

}  // namespace
}  // namespace signet::client
