#include "client/agent/lineage_choice.h"

#include <gtest/gtest.h>

#include <sstream>

#include "client/store/store_test_util.h"

namespace signet::client {
namespace {

// Lineages "ab" (a.example, b.example) and "c" (c.example) in a temp config dir.
class LineageChoiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    o_.config_dir = dir_.path().string();
    o_.verb = "certonly";
    for (auto [name, names] : {std::pair{"ab", std::vector<std::string>{"a.example", "b.example"}},
                               std::pair{"c", std::vector<std::string>{"c.example"}}}) {
      auto created = Lineage::Create(layout(), name, issuer_.Issue(names),
                                     store_testing::StandaloneParams(dir_.path()));
      ASSERT_TRUE(created.ok()) << created.error().ToString();
    }
  }
  StoreLayout layout() const { return StoreLayout(dir_.path()); }
  Result<LineageChoice> Choose(bool due, const std::string& answers = "", bool interactive = false) {
    in_.str(answers);
    in_.clear();
    Prompter prompter(interactive, in_, out_);
    return ChooseLineage(o_, layout(), prompter, [due](const Lineage&) -> Result<RenewalCheck> {
      RenewalCheck c;
      c.due = due;
      c.reason = due ? "due" : "not due until later";
      return c;
    });
  }
  store_testing::TempDir dir_;
  store_testing::TestIssuer issuer_;
  AgentOptions o_;
  std::istringstream in_;
  std::ostringstream out_;
};

TEST_F(LineageChoiceTest, SameNamesKeepWhenNotDueRenewWhenDue) {
  o_.domains = {"b.example", "a.example"};
  auto keep = Choose(false);
  ASSERT_TRUE(keep.ok());
  EXPECT_EQ(keep->action, LineageChoice::kKeep);
  EXPECT_EQ(keep->name, "ab");
  auto renew = Choose(true);
  ASSERT_TRUE(renew.ok());
  EXPECT_EQ(renew->action, LineageChoice::kRenew);
  // On a terminal, certbot's menu: 2 renews now.
  auto asked = Choose(false, "2\n", true);
  ASSERT_TRUE(asked.ok());
  EXPECT_EQ(asked->action, LineageChoice::kRenew);
  EXPECT_NE(out_.str().find("1: Keep the existing certificate for now"), std::string::npos);
  o_.keep_until_expiring = true;  // --keep: no question
  out_.str("");
  EXPECT_EQ(Choose(false, "2\n", true)->action, LineageChoice::kKeep);
  EXPECT_EQ(out_.str(), "");
}

// A lineage with some of the names: --expand replaces it; without a
// terminal and without --expand, certbot's refusal; --duplicate is new.
TEST_F(LineageChoiceTest, SubsetNeedsExpandOrDuplicate) {
  o_.domains = {"a.example", "b.example", "d.example"};
  auto refused = Choose(false);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().detail.find("contains a portion of the domains you requested"),
            std::string::npos);
  EXPECT_NE(refused.error().detail.find("--expand"), std::string::npos);
  auto asked = Choose(false, "e\n", true);
  ASSERT_TRUE(asked.ok());
  EXPECT_EQ(asked->action, LineageChoice::kRenew);
  EXPECT_EQ(asked->name, "ab");
  EXPECT_EQ(asked->names, o_.domains);
  EXPECT_FALSE(Choose(false, "c\n", true).ok());
  o_.expand = true;
  EXPECT_EQ(Choose(false)->name, "ab");
  o_.expand = false;
  o_.duplicate = true;
  EXPECT_EQ(Choose(false)->action, LineageChoice::kNew);
}

TEST_F(LineageChoiceTest, CertNameWithNewNamesRenewsIt) {
  o_.cert_name = "c";
  o_.domains = {"c.example", "e.example"};
  auto c = Choose(false);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->action, LineageChoice::kRenew);
  EXPECT_EQ(c->names, o_.domains);
  auto cancelled = Choose(false, "c\n", true);
  ASSERT_FALSE(cancelled.ok());
  EXPECT_EQ(cancelled.error().detail, "Specified mismatched certificate name and domains.");
  o_.cert_name = "nothing";
  o_.domains.clear();
  auto missing = Choose(false);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().detail.find("No certificate with name nothing found"),
            std::string::npos);
}

}  // namespace
}  // namespace signet::client
