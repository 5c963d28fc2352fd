#include "client/agent/prompt.h"

#include <gtest/gtest.h>

#include <sstream>

namespace signet::client {
namespace {

TEST(Prompter, NonInteractiveAsksNothing) {
  std::istringstream in("yes\n");
  std::ostringstream out;
  Prompter p(false, in, out);
  EXPECT_EQ(p.Input("Name?"), std::nullopt);
  EXPECT_EQ(p.YesNo("Sure?"), std::nullopt);
  EXPECT_EQ(p.Menu("Which?", {"a", "b"}), std::nullopt);
  EXPECT_EQ(out.str(), "");
}

// certbot's wording: "(Enter 'c' to cancel)", "(Y)es/(N)o", numbered menus
// asked again on a bad answer.
TEST(Prompter, AsksAsCertbotDoes) {
  std::istringstream in("a.example\nmaybe\ne\n7\n2\nc\n");
  std::ostringstream out;
  Prompter p(true, in, out);
  EXPECT_EQ(p.Input("Name?"), "a.example");
  EXPECT_EQ(p.YesNo("Sure?", "Expand", "Cancel"), true);
  EXPECT_EQ(p.Menu("Which?", {"Keep", "Renew"}), 1u);
  EXPECT_EQ(p.Input("Again?"), std::nullopt);  // 'c' cancels
  EXPECT_EQ(p.Input("End?"), std::nullopt);    // end of input
  std::string text = out.str();
  EXPECT_NE(text.find("Name? (Enter 'c' to cancel): "), std::string::npos);
  EXPECT_NE(text.find("(E)xpand/(C)ancel: "), std::string::npos);
  EXPECT_NE(text.find("1: Keep\n2: Renew\n"), std::string::npos);
  EXPECT_NE(text.find("Select the appropriate number [1-2] then [enter] (press 'c' to cancel): "),
            std::string::npos);
  EXPECT_NE(text.find("** Invalid input **"), std::string::npos);
}

TEST(Prompter, EmailsAndNameLists) {
  EXPECT_TRUE(PlausibleEmail("ops@example.com"));
  EXPECT_TRUE(PlausibleEmail("a.b+c@sub.example.org"));
  EXPECT_FALSE(PlausibleEmail(""));
  EXPECT_FALSE(PlausibleEmail("ops"));
  EXPECT_FALSE(PlausibleEmail("ops@localhost"));
  EXPECT_FALSE(PlausibleEmail("a b@example.com"));
  EXPECT_EQ(SplitNameList(" a.example, b.example c.example,,"),
            (std::vector<std::string>{"a.example", "b.example", "c.example"}));
}

}  // namespace
}  // namespace signet::client
