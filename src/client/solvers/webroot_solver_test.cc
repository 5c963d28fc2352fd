// Tests WebrootSolver in a scratch directory: file content and modes,
// cleanup of what it created (and only that), configuration errors.
#include "client/solvers/webroot_solver.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

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

}  // namespace
}  // namespace signet::client
