// WriteFileAtomic and its temporary names: exact modes, no link followed at
// a predictable name, no temp file left, a fresh name every time.
#include "base/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace signet {
namespace {

namespace fs = std::filesystem;

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "files_test.XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  static unsigned Mode(const fs::path& p) {
    struct stat st {};
    ::lstat(p.c_str(), &st);
    return st.st_mode & 07777;
  }
  std::set<std::string> Names() const {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.insert(e.path().filename().string());
    return names;
  }

  fs::path dir_;
};

// Sets the umask for the scope.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }

 private:
  mode_t old_;
};

TEST_F(FilesTest, DoesNotFollowALinkAtThePredictableTempName) {
  // Earlier versions wrote PATH.tmp.PID with O_TRUNC and no O_NOFOLLOW: a
  // link planted there made them write the key into the link's target.
  fs::path victim = dir_ / "victim";
  std::ofstream(victim) << "precious";
  fs::permissions(victim, fs::perms(0644));
  fs::path key = dir_ / "privkey.pem";
  fs::path planted = key;
  planted += ".tmp." + std::to_string(::getpid());
  fs::create_symlink(victim, planted);

  Status st = WriteFileAtomic(key, "secret", 0600);
  ASSERT_TRUE(st.ok()) << st.error().detail;
  EXPECT_EQ(*ReadFile(victim), "precious");
  EXPECT_EQ(Mode(victim), 0644u);
  EXPECT_FALSE(fs::is_symlink(key));
  EXPECT_EQ(*ReadFile(key), "secret");
  EXPECT_EQ(Mode(key), 0600u);
  EXPECT_TRUE(fs::is_symlink(planted));  // not ours: left alone
}

TEST_F(FilesTest, WritesTheExactModeWhateverTheUmaskAndThePreviousFile) {
  fs::path path = dir_ / "f";
  {
    ScopedUmask narrow(077);
    ASSERT_TRUE(WriteFileAtomic(path, "public", 0644).ok());
  }
  EXPECT_EQ(Mode(path), 0644u);
  ASSERT_TRUE(WriteFileAtomic(path, "private", 0600).ok());
  EXPECT_EQ(Mode(path), 0600u);
  EXPECT_EQ(*ReadFile(path), "private");
  EXPECT_EQ(Names(), std::set<std::string>{"f"});  // no temp file left
}

TEST_F(FilesTest, TempNamesAreFreshAndRecognised) {
  fs::path path = dir_ / "cert.pem";
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    Result<fs::path> tmp = TempPathBeside(path);
    ASSERT_TRUE(tmp.ok());
    EXPECT_EQ(tmp->parent_path(), dir_);
    std::string name = tmp->filename().string();
    EXPECT_TRUE(name.starts_with("cert.pem.tmp.")) << name;
    EXPECT_EQ(name.size(), std::string("cert.pem.tmp.").size() + 32) << name;
    EXPECT_TRUE(IsTempFileName(name)) << name;
    seen.insert(name);
  }
  EXPECT_EQ(seen.size(), 50u);
  EXPECT_TRUE(IsTempFileName("privkey1.pem.tmp.4242"));  // an earlier version's
  EXPECT_FALSE(IsTempFileName("privkey1.pem"));
  EXPECT_FALSE(IsTempFileName("notes.tmp."));
  EXPECT_FALSE(IsTempFileName("notes.tmp.xyz"));
}

TEST_F(FilesTest, CreateTempFileBesideNeverOpensAnExistingName) {
  fs::path tmp;
  Result<int> fd = CreateTempFileBeside(dir_ / "x", 0600, &tmp);
  ASSERT_TRUE(fd.ok()) << fd.error().detail;
  ::close(*fd);
  EXPECT_TRUE(IsTempFileName(tmp.filename().string()));
  EXPECT_EQ(Mode(tmp), 0600u);
  EXPECT_TRUE(fs::is_regular_file(tmp));
}

}  // namespace
}  // namespace signet
