// Tests WebrootSolver in a scratch directory: file content, modes and
// ownership, cleanup of what it created (and only that), configuration
// errors, and links planted under the webroot (never followed).
#include "client/solvers/webroot_solver.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "client/solvers/solvers_test_util.h"

namespace signet::client {
namespace {

namespace fs = std::filesystem;
using test_util::Slurp;
using test_util::TempDir;

ChallengeSpec Http01(std::string domain, std::string token) {
  ChallengeSpec c;
  c.domain = std::move(domain);
  c.type = "http-01";
  c.token = std::move(token);
  c.key_authorization = c.token + ".thumbprint";
  c.validation = c.key_authorization;
  return c;
}

unsigned Mode(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 07777;
}

struct stat Stat(const fs::path& p) {
  struct stat st {};
  ::lstat(p.c_str(), &st);
  return st;
}

// Sets the umask for the scope.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }

 private:
  mode_t old_;
};

TEST(WebrootSolverTest, WritesTokenFilesWithCertbotModes) {
  TempDir tmp;
  WebrootSolver solver({{"a.test", tmp.path()}});
  ChallengeSpec a = Http01("a.test", "tokA");
  {
    ScopedUmask narrow(077);
    Status st = solver.Perform({a});
    ASSERT_TRUE(st.ok()) << st.error().detail;
  }
  fs::path dir = tmp.path() / ".well-known" / "acme-challenge";
  EXPECT_EQ(Slurp(dir / "tokA"), a.key_authorization);
  EXPECT_EQ(Mode(dir / "tokA"), 0644u);
  EXPECT_EQ(Mode(dir), 0755u);
  EXPECT_EQ(Mode(tmp.path() / ".well-known"), 0755u);

  solver.Cleanup({a});
  EXPECT_FALSE(fs::exists(tmp.path() / ".well-known"));
  EXPECT_TRUE(fs::is_directory(tmp.path()));
}

TEST(WebrootSolverTest, CleanupKeepsPreexistingDirectoriesAndFiles) {
  TempDir tmp;
  fs::create_directory(tmp.path() / ".well-known");
  std::ofstream(tmp.path() / ".well-known" / "security.txt") << "contact";
  WebrootSolver solver({{"a.test", tmp.path()}});
  ChallengeSpec a = Http01("a.test", "tokA");
  ASSERT_TRUE(solver.Perform({a}).ok());
  solver.Cleanup({a});
  EXPECT_FALSE(fs::exists(tmp.path() / ".well-known" / "acme-challenge"));
  EXPECT_TRUE(fs::exists(tmp.path() / ".well-known" / "security.txt"));
}

TEST(WebrootSolverTest, CreatedDirectoryWithForeignFileStays) {
  TempDir tmp;
  WebrootSolver solver({{"a.test", tmp.path()}});
  ChallengeSpec a = Http01("a.test", "tokA");
  ASSERT_TRUE(solver.Perform({a}).ok());
  fs::path dir = tmp.path() / ".well-known" / "acme-challenge";
  std::ofstream(dir / "someone-else") << "x";
  solver.Cleanup({a});
  EXPECT_FALSE(fs::exists(dir / "tokA"));
  EXPECT_TRUE(fs::exists(dir / "someone-else"));
}

TEST(WebrootSolverTest, SharedWebrootEmptiedByTheLastCleanup) {
  TempDir tmp;
  fs::path other = tmp.path() / "other";
  fs::create_directory(other);
  WebrootSolver solver({{"a.test", tmp.path()}, {"b.test", tmp.path()}, {"c.test", other}});
  ChallengeSpec a = Http01("a.test", "tokA"), b = Http01("b.test", "tokB"),
                c = Http01("c.test", "tokC");
  ASSERT_TRUE(solver.Perform({a, b, c}).ok());
  fs::path dir = tmp.path() / ".well-known" / "acme-challenge";
  EXPECT_EQ(Slurp(dir / "tokB"), b.key_authorization);
  EXPECT_EQ(Slurp(other / ".well-known" / "acme-challenge" / "tokC"), c.key_authorization);

  solver.Cleanup({a, c});
  EXPECT_FALSE(fs::exists(dir / "tokA"));
  EXPECT_TRUE(fs::exists(dir / "tokB"));
  EXPECT_FALSE(fs::exists(other / ".well-known"));
  solver.Cleanup({b});
  EXPECT_FALSE(fs::exists(tmp.path() / ".well-known"));
}

TEST(WebrootSolverTest, MissingWebrootIsAnError) {
  TempDir tmp;
  fs::path missing = tmp.path() / "missing";
  WebrootSolver solver({{"a.test", missing}});
  Status st = solver.Perform({Http01("a.test", "tokA")});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().detail, missing.string() + " does not exist or is not a directory");
  EXPECT_FALSE(fs::exists(missing));
}

TEST(WebrootSolverTest, DomainWithoutWebrootIsAnErrorBeforeAnyWrite) {
  TempDir tmp;
  WebrootSolver solver({{"a.test", tmp.path()}});
  Status st = solver.Perform({Http01("a.test", "tokA"), Http01("b.test", "tokB")});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().detail.find("Missing command line flag or config entry for this setting: "
                                   "Input the webroot for b.test:"),
            std::string::npos)
      << st.error().detail;
  EXPECT_EQ(st.error().detail.find('\n'), std::string::npos);
  EXPECT_FALSE(fs::exists(tmp.path() / ".well-known"));
}

TEST(WebrootSolverTest, RefusesTokensThatAreNotBase64Url) {
  TempDir tmp;
  fs::create_directory(tmp.path() / "www");
  WebrootSolver solver({{"a.test", tmp.path() / "www"}});
  EXPECT_FALSE(solver.Perform({Http01("a.test", "../../escape")}).ok());
  EXPECT_FALSE(fs::exists(tmp.path() / "escape"));
  EXPECT_FALSE(fs::exists(tmp.path() / "www" / ".well-known"));
}

TEST(WebrootSolverTest, FailedPerformUndoesItsWork) {
  TempDir tmp;
  fs::path blocked = tmp.path() / "blocked";
  fs::create_directory(blocked);
  std::ofstream(blocked / ".well-known") << "a file where a directory should be";
  WebrootSolver solver({{"a.test", tmp.path()}, {"b.test", blocked}});
  Status st = solver.Perform({Http01("a.test", "tokA"), Http01("b.test", "tokB")});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().detail.find("Couldn't create root for b.test"), std::string::npos)
      << st.error().detail;
  EXPECT_FALSE(fs::exists(tmp.path() / ".well-known"));
  EXPECT_TRUE(fs::is_regular_file(blocked / ".well-known"));
}

// A webroot whose owner is not root, beside a directory of root's that the
// owner of the webroot must not be able to reach through the agent.
class WebrootLinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directory(webroot_);
    fs::create_directory(outside_);
    fs::permissions(outside_, fs::perms::owner_all);
    std::ofstream(outside_ / "precious") << "precious";
    fs::permissions(outside_ / "precious", fs::perms::owner_read | fs::perms::owner_write);
    if (::geteuid() == 0) {
      ASSERT_EQ(::chown(webroot_.c_str(), kOwner, kGroup), 0);
    }
  }

  // `outside_` is as SetUp left it: nothing created in it, nothing changed.
  void ExpectOutsideUntouched() {
    EXPECT_EQ(test_util::ListNames(outside_), std::vector<std::string>{"precious"});
    EXPECT_EQ(Slurp(outside_ / "precious"), "precious");
    struct stat dir = Stat(outside_), file = Stat(outside_ / "precious");
    EXPECT_EQ(dir.st_mode & 07777, 0700u);
    EXPECT_EQ(file.st_mode & 07777, 0600u);
    EXPECT_EQ(dir.st_uid, ::geteuid());
    EXPECT_EQ(file.st_uid, ::geteuid());
  }

  static constexpr uid_t kOwner = 4242;
  static constexpr gid_t kGroup = 4343;
  TempDir tmp_;
  fs::path webroot_ = tmp_.path() / "www";
  fs::path outside_ = tmp_.path() / "etc";
};

TEST_F(WebrootLinkTest, CreatedDirectoriesAreOwnedLikeTheWebroot) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
  WebrootSolver solver({{"a.test", webroot_}});
  ChallengeSpec a = Http01("a.test", "tokA");
  ASSERT_TRUE(solver.Perform({a}).ok());
  for (const fs::path& dir : {webroot_ / ".well-known", webroot_ / ".well-known/acme-challenge"}) {
    struct stat st = Stat(dir);
    EXPECT_EQ(st.st_uid, kOwner) << dir;
    EXPECT_EQ(st.st_gid, kGroup) << dir;
    EXPECT_EQ(st.st_mode & 07777, 0755u) << dir;
  }
  EXPECT_EQ(Stat(webroot_ / ".well-known/acme-challenge/tokA").st_mode & 07777, 0644u);
  solver.Cleanup({a});
  EXPECT_FALSE(fs::exists(webroot_ / ".well-known"));
}

TEST_F(WebrootLinkTest, WebrootItselfMayBeALink) {
  fs::path link = tmp_.path() / "html";
  fs::create_directory_symlink(webroot_, link);
  WebrootSolver solver({{"a.test", link}});
  ChallengeSpec a = Http01("a.test", "tokA");
  Status st = solver.Perform({a});
  ASSERT_TRUE(st.ok()) << st.error().detail;
  EXPECT_EQ(Slurp(webroot_ / ".well-known/acme-challenge/tokA"), a.key_authorization);
  solver.Cleanup({a});
  EXPECT_FALSE(fs::exists(webroot_ / ".well-known"));
}

TEST_F(WebrootLinkTest, LinkAtWellKnownIsRefused) {
  fs::create_directory_symlink(outside_, webroot_ / ".well-known");
  WebrootSolver solver({{"a.test", webroot_}});
  Status st = solver.Perform({Http01("a.test", "tokA")});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kServerInternal);
  EXPECT_EQ(st.error().detail, "Couldn't create root for a.test http-01 challenge responses: " +
                                   (webroot_ / ".well-known").string() +
                                   " is a symbolic link; links under the webroot are never followed");
  ExpectOutsideUntouched();
  EXPECT_TRUE(fs::is_symlink(webroot_ / ".well-known"));
}

TEST_F(WebrootLinkTest, LinkAtAcmeChallengeIsRefused) {
  fs::create_directory(webroot_ / ".well-known");
  fs::create_directory_symlink(outside_, webroot_ / ".well-known/acme-challenge");
  WebrootSolver solver({{"a.test", webroot_}});
  Status st = solver.Perform({Http01("a.test", "tokA")});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().detail, "Couldn't create root for a.test http-01 challenge responses: " +
                                   (webroot_ / ".well-known/acme-challenge").string() +
                                   " is a symbolic link; links under the webroot are never followed");
  ExpectOutsideUntouched();
  EXPECT_TRUE(fs::is_directory(webroot_ / ".well-known"));  // not ours: left alone
}

TEST_F(WebrootLinkTest, LinkAtTheTokenIsRefused) {
  fs::path challenge_dir = webroot_ / ".well-known/acme-challenge";
  fs::create_directories(challenge_dir);
  fs::create_symlink(outside_ / "precious", challenge_dir / "tokA");
  WebrootSolver solver({{"a.test", webroot_}});
  Status st = solver.Perform({Http01("a.test", "tokA")});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().detail, "refusing to write the http-01 response for a.test: " +
                                   (challenge_dir / "tokA").string() +
                                   " is a symbolic link; links under the webroot are never followed");
  ExpectOutsideUntouched();
}

TEST_F(WebrootLinkTest, StaleTokenFileIsReplaced) {
  fs::path challenge_dir = webroot_ / ".well-known/acme-challenge";
  fs::create_directories(challenge_dir);
  std::ofstream(challenge_dir / "tokA") << "left by a crashed run";
  WebrootSolver solver({{"a.test", webroot_}});
  ChallengeSpec a = Http01("a.test", "tokA");
  ASSERT_TRUE(solver.Perform({a}).ok());
  EXPECT_EQ(Slurp(challenge_dir / "tokA"), a.key_authorization);
  solver.Cleanup({a});
  EXPECT_FALSE(fs::exists(challenge_dir / "tokA"));
  EXPECT_TRUE(fs::is_directory(challenge_dir));
}

TEST_F(WebrootLinkTest, CleanupRemovesOnlyWhatItCreatedEvenIfTheDirectoryMoved) {
  WebrootSolver solver({{"a.test", webroot_}});
  ChallengeSpec a = Http01("a.test", "tokA");
  ASSERT_TRUE(solver.Perform({a}).ok());
  // The webroot's owner swaps acme-challenge for a link to root's directory,
  // where a file of the token's name exists.
  std::ofstream(outside_ / "tokA") << "root's";
  fs::rename(webroot_ / ".well-known/acme-challenge", webroot_ / "moved");
  fs::create_directory_symlink(outside_, webroot_ / ".well-known/acme-challenge");
  solver.Cleanup({a});
  EXPECT_EQ(Slurp(outside_ / "tokA"), "root's");
  EXPECT_FALSE(fs::exists(webroot_ / "moved/tokA"));  // removed where it was written
  EXPECT_TRUE(fs::is_symlink(webroot_ / ".well-known/acme-challenge"));
}

}  // namespace
}  // namespace signet::client
