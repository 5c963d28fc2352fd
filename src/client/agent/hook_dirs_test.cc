#include "client/agent/hook_dirs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "base/files.h"

namespace signet::client {
namespace {

class HookDirsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("signet-hookdirs-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // A hook appending its name to dir_/log.
  void Hook(const std::string& kind, const std::string& name, bool executable = true) {
    auto path = dir_ / "renewal-hooks" / kind / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << "#!/bin/sh\necho " << kind << "/" << name << " >> " << Log() << "\n";
    ::chmod(path.c_str(), executable ? 0755 : 0644);
  }
  std::string Log() const { return (dir_ / "log").string(); }
  std::string Ran() const {
    auto r = ReadFile(Log());
    return r.ok() ? *r : "";
  }
  std::filesystem::path dir_;
};

TEST_F(HookDirsTest, ListsExecutablesSortedSkippingBackups) {
  Hook("deploy", "20-b");
  Hook("deploy", "10-a");
  Hook("deploy", "05-not-executable", false);
  Hook("deploy", "30-c~");
  auto hooks = ListHookDir(dir_ / "renewal-hooks" / "deploy");
  ASSERT_EQ(hooks.size(), 2u);
  EXPECT_EQ(std::filesystem::path(hooks[0]).filename(), "10-a");
  EXPECT_EQ(std::filesystem::path(hooks[1]).filename(), "20-b");
  EXPECT_TRUE(ListHookDir(dir_ / "missing").empty());
}

// certbot's order: the pre directory then each distinct pre-hook before
// the first renewal needing it; posts once at the end, directory first.
TEST_F(HookDirsTest, PreOnceBeforePostOnceAfter) {
  Hook("pre", "1");
  Hook("post", "1");
  Hook("deploy", "1");
  Output out(/*quiet=*/true, 0);
  RenewHooks hooks(dir_, true, out);
  EXPECT_EQ(hooks.deploy_dir_hooks().size(), 1u);
  hooks.BeforeRenewal("echo cli-pre >> " + Log());
  hooks.AfterRenewal("echo cli-post >> " + Log());
  hooks.BeforeRenewal("echo cli-pre >> " + Log());
  hooks.AfterRenewal("echo cli-post >> " + Log());
  EXPECT_EQ(Ran(), "pre/1\ncli-pre\n");
  hooks.RunPostHooks();
  EXPECT_EQ(Ran(), "pre/1\ncli-pre\npost/1\ncli-post\n");
}

TEST_F(HookDirsTest, NoDirectoryHooksLeavesThemOut) {
  Hook("pre", "1");
  Hook("post", "1");
  Hook("deploy", "1");
  Output out(true, 0);
  RenewHooks hooks(dir_, false, out);
  EXPECT_TRUE(hooks.deploy_dir_hooks().empty());
  hooks.BeforeRenewal("");
  hooks.AfterRenewal("");
  hooks.RunPostHooks();
  EXPECT_EQ(Ran(), "");
}

}  // namespace
}  // namespace signet::client
