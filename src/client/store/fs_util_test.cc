// The store's own file steps: private keys are written at an unpredictable
// temporary name and never through a link; temp names of every kind are
// recognised for cleanup.
#include "client/store/fs_util.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "base/files.h"
#include "client/store/store_test_util.h"

namespace signet::client::store_internal {
namespace {

namespace fs = std::filesystem;
using store_testing::ReadOrDie;
using store_testing::TempDir;

unsigned Mode(const fs::path& p) {
  struct stat st {};
  ::lstat(p.c_str(), &st);
  return st.st_mode & 07777;
}

TEST(FsUtilTest, PrivateKeyIgnoresALinkAtThePredictableTempName) {
  // Earlier versions used PATH.tmp.PID: a link planted there made every
  // write of the key fail (ELOOP), for as long as the link stayed.
  TempDir tmp;
  fs::path victim = tmp.path() / "victim";
  std::ofstream(victim) << "precious";
  fs::path key = tmp.path() / "privkey1.pem";
  fs::path planted = key;
  planted += ".tmp." + std::to_string(::getpid());
  fs::create_symlink(victim, planted);

  Status st = WritePrivateKeyFile(key, "KEY", fs::path());
  ASSERT_TRUE(st.ok()) << st.error().detail;
  EXPECT_EQ(ReadOrDie(key), "KEY");
  EXPECT_FALSE(fs::is_symlink(key));
  EXPECT_EQ(Mode(key), 0600u);
  EXPECT_EQ(ReadOrDie(victim), "precious");
}

TEST(FsUtilTest, RandomAndOldTempNamesAreTempNames) {
  Result<fs::path> fresh = TempPathBeside("/x/privkey1.pem");
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(IsTempName(fresh->filename().string())) << *fresh;
  EXPECT_TRUE(IsTempName("privkey1.pem.tmp.0123456789abcdef0123456789abcdef"));
  EXPECT_TRUE(IsTempName("cert1.pem.tmp.4242"));
  EXPECT_FALSE(IsTempName("cert1.pem"));
  EXPECT_FALSE(IsTempName("README"));
}

}  // namespace
}  // namespace signet::client::store_internal
