#include "client/store/lock.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "client/store/store_test_util.h"

namespace signet::client {
namespace {

using namespace store_testing;  // NOLINT: test helpers

// Exit code of a child process that tries to lock `dir`: 0 locked, 1 busy.
int TryInChild(const fs::path& dir) {
  pid_t pid = ::fork();
  if (pid == 0) {
    Result<StoreLock> lock = StoreLock::LockDir(dir);
    ::_exit(lock.ok() ? 0 : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(StoreLockTest, NeverFollowsALinkPlantedAtTheLockFile) {
  TempDir tmp;
  fs::path outside = tmp.path() / "outside";
  fs::create_directory(tmp.path() / "config");
  fs::create_symlink(outside, tmp.path() / "config" / kCertbotLockName);
  Result<StoreLock> lock = StoreLock::LockDir(tmp.path() / "config");
  ASSERT_FALSE(lock.ok());
  EXPECT_NE(lock.error().detail.find("is a symbolic link"), std::string::npos)
      << lock.error().detail;
  EXPECT_FALSE(fs::exists(outside));  // root did not create the link's target
}

TEST(StoreLockTest, ExcludesOtherHoldersUntilReleased) {
  TempDir tmp;
  Result<StoreLock> lock = StoreLock::LockDir(tmp.path());
  ASSERT_TRUE(lock.ok()) << lock.error().ToString();
  EXPECT_TRUE(fs::exists(tmp.path() / ".certbot.lock"));
  EXPECT_EQ(ModeOf(tmp.path() / ".certbot.lock"), 0600u);

  EXPECT_EQ(TryInChild(tmp.path()), 1);                       // another process
  Result<StoreLock> second = StoreLock::LockDir(tmp.path());  // another fd, same process
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().detail.find("Another instance"), std::string::npos);

  lock->Release();
  EXPECT_FALSE(fs::exists(tmp.path() / ".certbot.lock"));  // certbot deletes it too
  EXPECT_EQ(TryInChild(tmp.path()), 0);
  EXPECT_TRUE(StoreLock::LockDir(tmp.path()).ok());
}

TEST(StoreLockTest, ReleasesOnDestructionAndMove) {
  TempDir tmp;
  {
    StoreLock moved;
    {
      StoreLock lock = StoreLock::LockDir(tmp.path()).value();
      moved = std::move(lock);
    }
    EXPECT_TRUE(moved.locked());
    EXPECT_EQ(TryInChild(tmp.path()), 1);
  }
  EXPECT_EQ(TryInChild(tmp.path()), 0);
}

TEST(StoreLockTest, WaitsForARelease) {
  TempDir tmp;
  pid_t pid = ::fork();
  if (pid == 0) {
    Result<StoreLock> lock = StoreLock::LockDir(tmp.path());
    ::usleep(300 * 1000);
    ::_exit(lock.ok() ? 0 : 1);  // the lock dies with the process
  }
  // Let the child take it first.
  for (int i = 0; i < 100 && !fs::exists(tmp.path() / ".certbot.lock"); ++i) ::usleep(10 * 1000);
  EXPECT_FALSE(StoreLock::LockDir(tmp.path()).ok());
  EXPECT_TRUE(StoreLock::LockDir(tmp.path(), std::chrono::seconds(5)).ok());
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// certbot takes its lock with Python's fcntl.lockf; the two must exclude
// each other both ways.
TEST(StoreLockTest, ExcludesCertbotsLockf) {
  TempDir tmp;
  const fs::path lock_file = tmp.path() / ".certbot.lock";
  const fs::path ready = tmp.path() / "ready";
  const std::string script =
      "import fcntl, os, sys, time\n"
      "fd = os.open(sys.argv[1], os.O_CREAT | os.O_WRONLY, 0o600)\n"
      "fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
      "open(sys.argv[2], 'w').close()\n"
      "time.sleep(1.5)\n";
  pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/usr/bin/python3", "python3", "-c", script.c_str(), lock_file.c_str(), ready.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 500 && !fs::exists(ready); ++i) ::usleep(10 * 1000);
  ASSERT_TRUE(fs::exists(ready)) << "python3 did not take the lock";
  EXPECT_FALSE(StoreLock::LockDir(tmp.path()).ok());
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 0);

  // And the other way round: while we hold it, lockf fails.
  StoreLock held = StoreLock::LockDir(tmp.path()).value();
  const std::string probe =
      "/usr/bin/python3 -c \"import fcntl, os, sys\n"
      "fd = os.open('" +
      lock_file.string() +
      "', os.O_WRONLY)\n"
      "try:\n"
      "    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
      "except OSError:\n"
      "    sys.exit(3)\n\"";
  int rc = std::system(probe.c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 3);
}

}  // namespace
}  // namespace signet::client
