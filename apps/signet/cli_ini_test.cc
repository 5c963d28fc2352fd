#include "cli_ini.h"

#include <gtest/gtest.h>

namespace signet::app {
namespace {

std::vector<IniSetting> Parse(const std::string& text) {
  auto r = ParseCliIni(text, "cli.ini");
  EXPECT_TRUE(r.ok()) << r.error().detail;
  return r.ok() ? *r : std::vector<IniSetting>{};
}

// configargparse's syntax: "key = value", "key: value", "key value", a bare
// key for a flag, comments and sections ignored.
TEST(CliIni, ParsesCertbotsSyntax) {
  auto s = Parse(
      "# Because we are using logrotate\n"
      "; an ini comment\n"
      "[certbot]\n"
      "---\n"
      "max-log-backups = 0\n"
      "email: ops@example.com\n"
      "authenticator webroot\n"
      "agree-tos\n"
      "  rsa-key-size = 4096   # inline comment\n"
      "server = \"https://ca.example/dir\"\n"
      "--quiet\n"
      "pre-hook =\n");
  ASSERT_EQ(s.size(), 8u);
  EXPECT_EQ(s[0].key, "max-log-backups");
  EXPECT_EQ(s[0].values, std::vector<std::string>{"0"});
  EXPECT_EQ(s[1].key, "email");
  EXPECT_EQ(s[1].values, std::vector<std::string>{"ops@example.com"});
  EXPECT_EQ(s[2].key, "authenticator");
  EXPECT_EQ(s[2].values, std::vector<std::string>{"webroot"});
  EXPECT_EQ(s[3].key, "agree-tos");
  EXPECT_EQ(s[3].values, std::vector<std::string>{"true"});
  EXPECT_EQ(s[4].values, std::vector<std::string>{"4096"});
  EXPECT_EQ(s[4].line, 9);
  EXPECT_EQ(s[5].values, std::vector<std::string>{"https://ca.example/dir"});
  EXPECT_EQ(s[6].key, "quiet");
  EXPECT_EQ(s[7].key, "pre-hook");
  EXPECT_EQ(s[7].values, std::vector<std::string>{""});
}

TEST(CliIni, ListsAndTheLastLineForAKeyWin) {
  auto s = Parse("domains = [a.example, \"b.example\"]\nemail = one@x.example\nemail = two@x.example\n"
                 "webroot-map = {\"a.example\": \"/var/www/a\"}\n");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_TRUE(s[0].is_list);
  EXPECT_EQ(s[0].values, (std::vector<std::string>{"a.example", "b.example"}));
  EXPECT_EQ(s[1].key, "email");
  EXPECT_EQ(s[1].values, std::vector<std::string>{"two@x.example"});
  EXPECT_EQ(s[2].values, std::vector<std::string>{"{\"a.example\": \"/var/www/a\"}"});
}

TEST(CliIni, SettingsBecomeCommandLineWords) {
  IniSetting flag{"agree-tos", {"True"}};
  EXPECT_EQ(*SettingToArgs(flag, false, "f"), std::vector<std::string>{"--agree-tos"});
  IniSetting off{"agree-tos", {"no"}};
  EXPECT_TRUE(SettingToArgs(off, false, "f")->empty());
  IniSetting bad{"agree-tos", {"maybe"}};
  auto err = SettingToArgs(bad, false, "f");
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.error().detail.find("unexpected value for agree-tos: 'maybe'"), std::string::npos);
  IniSetting list{"domains", {"a.example", "b.example"}, true};
  EXPECT_EQ(*SettingToArgs(list, true, "f"),
            (std::vector<std::string>{"--domains", "a.example", "--domains", "b.example"}));
}

}  // namespace
}  // namespace signet::app
