// Configure: free-text spdlog lines and events come out structured in the
// chosen format, to a file; the level changes at run time; the file is
// reopened after a rotation; a bad level is refused by name.
#include "logging/logging.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

namespace signet::logging {
namespace {

namespace fs = std::filesystem;

class LoggingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "logging_test.XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override {
    ASSERT_TRUE(Configure({}).ok());  // back to standard error
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string Read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  fs::path dir_;
};

TEST_F(LoggingTest, JsonLinesForTextAndEvents) {
  fs::path file = dir_ / "signetd.log";
  ASSERT_TRUE(Configure({"info", LogFormat::kJson, file.string()}).ok());
  spdlog::info("started \"here\"\nsecond line");
  LogEvent(spdlog::level::info, "acme request", {Str("method", "POST"), Num("status", 400)});
  spdlog::debug("not at info");
  std::string out = Read(file);
  std::istringstream lines(out);
  std::string first, second, third;
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_FALSE(std::getline(lines, third)) << out;
  EXPECT_TRUE(first.starts_with(R"({"time":")")) << first;
  EXPECT_NE(first.find(R"(Z","level":"info","msg":"started \"here\"\nsecond line"})"),
            std::string::npos)
      << first;
  EXPECT_NE(second.find(R"("level":"info","msg":"acme request","method":"POST","status":400})"),
            std::string::npos)
      << second;
}

TEST_F(LoggingTest, LogfmtAndLevelChange) {
  fs::path file = dir_ / "signetd.log";
  ASSERT_TRUE(Configure({"warn", LogFormat::kLogfmt, file.string()}).ok());
  LogEvent(spdlog::level::info, "dropped", {});
  EXPECT_FALSE(Enabled(spdlog::level::info));
  ASSERT_TRUE(SetLogLevel("debug").ok());
  EXPECT_TRUE(Enabled(spdlog::level::debug));
  spdlog::debug("now kept");
  spdlog::warn("warned");
  LogEvent(spdlog::level::info, "validation", {Str("identifier", "a b.example")});
  std::string out = Read(file);
  EXPECT_EQ(out.find("dropped"), std::string::npos) << out;
  EXPECT_NE(out.find(R"(level=debug msg="now kept")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"(level=warn msg=warned)"), std::string::npos) << out;
  EXPECT_NE(out.find(R"(level=info msg=validation identifier="a b.example")"), std::string::npos)
      << out;
}

TEST_F(LoggingTest, UnknownLevelRefusedAndKept) {
  fs::path file = dir_ / "signetd.log";
  ASSERT_TRUE(Configure({"info", LogFormat::kJson, file.string()}).ok());
  Status s = SetLogLevel("verbose");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kMalformed);
  EXPECT_NE(s.error().detail.find("unknown log level \"verbose\""), std::string::npos);
  EXPECT_TRUE(Enabled(spdlog::level::info));
  EXPECT_FALSE(Enabled(spdlog::level::debug));
  EXPECT_FALSE(Configure({"loud", LogFormat::kJson, ""}).ok());
}

TEST_F(LoggingTest, ReopenAfterRotation) {
  fs::path file = dir_ / "signetd.log";
  ASSERT_TRUE(Configure({"info", LogFormat::kJson, file.string()}).ok());
  spdlog::info("before rotation");
  fs::rename(file, dir_ / "signetd.log.1");
  ASSERT_TRUE(ReopenLogFile().ok());
  spdlog::info("after rotation");
  EXPECT_NE(Read(dir_ / "signetd.log.1").find("before rotation"), std::string::npos);
  std::string now = Read(file);
  EXPECT_NE(now.find("after rotation"), std::string::npos);
  EXPECT_EQ(now.find("before rotation"), std::string::npos);
}

TEST_F(LoggingTest, UnwritableFileIsAnError) {
  Status s = Configure({"info", LogFormat::kJson, (dir_ / "no/such/dir/log").string()});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().detail.find("cannot open log file"), std::string::npos);
}

TEST(Rfc3339Test, MillisecondsUtc) {
  std::chrono::system_clock::time_point t{std::chrono::milliseconds(1767322045678)};
  EXPECT_EQ(Rfc3339Millis(t), "2026-01-02T02:47:25.678Z");
}

}  // namespace
}  // namespace signet::logging
