#include "client/store/configobj.h"

#include <gtest/gtest.h>

#include "client/store/store_test_util.h"

namespace signet::client {
namespace {

using store_testing::ReadOrDie;
using store_testing::TestData;

// Each testdata/configobj/X.conf was written by a person; X.expected is what
// Python configobj 5.0.8 (Debian 12) writes after reading it.
class ConfigObjGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ConfigObjGoldenTest, WritesWhatConfigObjWrites) {
  const std::string input = ReadOrDie(TestData() / "configobj" / (GetParam() + ".conf"));
  const std::string expected = ReadOrDie(TestData() / "configobj" / (GetParam() + ".expected"));
  Result<ConfigObjDocument> doc = ParseConfigObj(input);
  ASSERT_TRUE(doc.ok()) << doc.error().ToString();
  Result<std::string> out = WriteConfigObj(*doc);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(*out, expected);
  // configobj's output is a fixed point.
  Result<ConfigObjDocument> again = ParseConfigObj(*out);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(WriteConfigObj(*again).value(), expected);
}

INSTANTIATE_TEST_SUITE_P(Files, ConfigObjGoldenTest,
                         ::testing::Values("tricky", "crlf_bom", "final_comment", "only_comments",
                                           "empty"));

TEST(ConfigObjTest, ParsesValuesLikeConfigObj) {
  Result<ConfigObjDocument> doc =
      ParseConfigObj(ReadOrDie(TestData() / "configobj" / "tricky.conf"));
  ASSERT_TRUE(doc.ok());
  const ConfSection& root = doc->root;
  EXPECT_EQ(*root.Find("top"), ConfValue::Str("plain value"));
  EXPECT_EQ(*root.Find("quoted"), ConfValue::Str("has, comma"));
  EXPECT_EQ(*root.Find("single"), ConfValue::Str("has \"dq\""));
  EXPECT_EQ(*root.Find("empty"), ConfValue::Str(""));
  EXPECT_EQ(*root.Find("emptylist"), ConfValue::List({}));
  EXPECT_EQ(*root.Find("one"), ConfValue::List({"a"}));
  EXPECT_EQ(*root.Find("many"), ConfValue::List({"a", "b, c", "d", "e"}));
  EXPECT_EQ(*root.Find("hashval"), ConfValue::Str("a#b"));
  EXPECT_EQ(*root.Find("triple"), ConfValue::Str("it's \"x\" "));
  EXPECT_EQ(*root.Find("multi"), ConfValue::Str("line1\nline2"));
  EXPECT_EQ(*root.Find("spaces"), ConfValue::Str("  lead"));
  const ConfSection* sec = root.FindSection("sec");
  ASSERT_NE(sec, nullptr);
  EXPECT_EQ(*sec->Find("k"), ConfValue::Str("v"));
  ASSERT_NE(sec->FindSection("sub"), nullptr);
  EXPECT_EQ(*sec->FindSection("sub")->Find("y"), ConfValue::Str("2"));
  // Keys after a subsection belong to it: "sec2" is a sibling of "sec".
  ASSERT_NE(root.FindSection("sec2"), nullptr);
  EXPECT_EQ(doc->indent_type, "    ");
  EXPECT_EQ(doc->final_comment, (std::vector<std::string>{"# final 1", "", "# final 2"}));
}

TEST(ConfigObjTest, RejectsWhatConfigObjRejects) {
  for (const char* bad : {
           "a = 1\na = 2\n",            // duplicate keyword
           "[s]\n[s]\n",                // duplicate section
           "[[s]]\n",                   // too nested
           "[s]]\n",                    // unbalanced brackets
           "no equals sign\n",          // neither keyword nor section
           "a = 'unterminated\n",       // bad quoting
           "a = \"x\" y\n",             // text after a quoted value
           "a = x,,y\n",                // empty list member
           "a = '''never closed\nb\n",  // open multiline value
       }) {
    EXPECT_FALSE(ParseConfigObj(bad).ok()) << bad;
  }
}

TEST(ConfigObjTest, QuotesLikeConfigObj) {
  auto quote = [](ConfValue v) { return QuoteConfValue(v).value(); };
  EXPECT_EQ(quote(ConfValue::Str("plain")), "plain");
  EXPECT_EQ(quote(ConfValue::Str("")), "\"\"");
  EXPECT_EQ(quote(ConfValue::Str("a,b")), "\"a,b\"");
  EXPECT_EQ(quote(ConfValue::Str(" lead")), "\" lead\"");
  EXPECT_EQ(quote(ConfValue::Str("x#y")), "\"x#y\"");
  EXPECT_EQ(quote(ConfValue::Str("say \"hi\", ok")), "'say \"hi\", ok'");
  EXPECT_EQ(quote(ConfValue::Str("a\nb")), "'''a\nb'''");
  EXPECT_EQ(quote(ConfValue::List({})), ",");
  EXPECT_EQ(quote(ConfValue::List({"dns-01"})), "dns-01,");
  EXPECT_EQ(quote(ConfValue::List({"/var/www", "a,b"})), "/var/www, \"a,b\"");
  EXPECT_FALSE(QuoteConfValue(ConfValue::List({"a\nb"})).ok());
  EXPECT_FALSE(QuoteConfValue(ConfValue::List({"'\""})).ok());
}

TEST(ConfigObjTest, SetKeepsPlaceAndComments) {
  Result<ConfigObjDocument> doc = ParseConfigObj("# c\na = 1\n\n# about b\nb = 2\n");
  ASSERT_TRUE(doc.ok());
  doc->root.Set("b", ConfValue::Str("3"));
  doc->root.Set("c", ConfValue::Str("4"));
  EXPECT_TRUE(doc->root.Remove("a"));
  EXPECT_EQ(WriteConfigObj(*doc).value(), "# c\n\n# about b\nb = 3\nc = 4\n");
}

}  // namespace
}  // namespace signet::client
