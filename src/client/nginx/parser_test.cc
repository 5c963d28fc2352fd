#include "client/nginx/parser.h"

#include <gtest/gtest.h>

namespace signet::client::nginx {
namespace {

std::vector<Directive> MustParse(std::string_view text) {
  auto parsed = ParseConfig(text);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().detail);
  return parsed.ok() ? *parsed : std::vector<Directive>{};
}

std::string ParseError(std::string_view text) {
  auto parsed = ParseConfig(text);
  EXPECT_FALSE(parsed.ok()) << text;
  return parsed.ok() ? "" : parsed.error().detail;
}

TEST(NginxParser, DirectivesBlocksAndOffsets) {
  std::string text = "user www;\nhttp {\n  server {\n    listen 80;\n  }\n}\n";
  auto top = MustParse(text);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].words, (std::vector<std::string>{"user", "www"}));
  EXPECT_EQ(text.substr(top[0].begin, top[0].end - top[0].begin), "user www;");
  ASSERT_TRUE(top[1].is_block);
  EXPECT_EQ(top[1].line, 2);
  const Directive& server = top[1].children.at(0);
  EXPECT_EQ(server.name(), "server");
  EXPECT_EQ(text[server.block_open], '{');
  EXPECT_EQ(text[server.block_close], '}');
  EXPECT_EQ(server.children.at(0).line, 4);
  EXPECT_EQ(text.substr(server.children[0].begin, server.children[0].end - server.children[0].begin),
            "listen 80;");
}

TEST(NginxParser, QuotesAndEscapes) {
  auto top = MustParse(R"(a "x y" 'it s' "q\"q" 'b\'b' "t\tn" "\d" w\ x c\;d;)");
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].words, (std::vector<std::string>{"a", "x y", "it s", "q\"q", "b'b", "t\tn",
                                                    "\\d", "w\\ x", "c\\;d"}));
  EXPECT_EQ(ParseError("a 'x''y';"), "unexpected \"'\" after a quoted string in line 1");
}

TEST(NginxParser, CommentsOnlyAtTheStartOfAWord) {
  auto top = MustParse("# a comment; {\nroot /a#b; # trailing\nlisten 80 # mid\n ;\n");
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].words, (std::vector<std::string>{"root", "/a#b"}));
  EXPECT_EQ(top[1].words, (std::vector<std::string>{"listen", "80"}));
}

TEST(NginxParser, VariablesWithBracesStayInTheWord) {
  auto top = MustParse("set $x ${host}abc;\nif ($host = a) { return 301 https://$host$request_uri; }\n");
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].words[2], "${host}abc");
  EXPECT_EQ(top[1].words, (std::vector<std::string>{"if", "($host", "=", "a)"}));
  EXPECT_EQ(top[1].children.at(0).words.back(), "https://$host$request_uri");
}

TEST(NginxParser, QuotedConditionBeforeBrace) {
  auto top = MustParse("location ~ \"^/a{2}$\" { }\nif ($a = \"b\") {}");
  EXPECT_EQ(top[0].words[2], "^/a{2}$");
  // nginx ends the quoted word at `)` and reads `)` as the next word.
  EXPECT_EQ(top[1].words, (std::vector<std::string>{"if", "($a", "=", "b", ")"}));
}

TEST(NginxParser, ErrorsNameTheLine) {
  EXPECT_EQ(ParseError("a;\n}\n"), "unexpected \"}\" in line 2");
  EXPECT_EQ(ParseError("http {\n a;\n"), "unexpected end of file, expecting \"}\" in line 3");
  EXPECT_EQ(ParseError("a b"), "unexpected end of file, expecting \";\" or \"}\" in line 1");
  EXPECT_EQ(ParseError("a \"b\nc"), "unexpected end of file inside a quoted string in line 2");
  EXPECT_EQ(ParseError("a \"b\"c;"), "unexpected \"c\" after a quoted string in line 1");
  EXPECT_EQ(ParseError(";"), "unexpected \";\" in line 1");
  EXPECT_EQ(ParseError("{ }"), "unexpected \"{\" in line 1");
  EXPECT_EQ(ParseError("a { b }"), "unexpected \"}\" in line 1");
}

TEST(NginxParser, DeepNestingIsAnErrorNotACrash) {
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "a {";
  EXPECT_EQ(ParseError(deep), "blocks nested too deeply in line 1");
  std::string ok;
  for (int i = 0; i < kMaxDepth; ++i) ok += "a {";
  for (int i = 0; i < kMaxDepth; ++i) ok += "}";
  EXPECT_EQ(MustParse(ok).size(), 1u);
}

TEST(NginxParser, EmptyAndBlankFiles) {
  EXPECT_TRUE(MustParse("").empty());
  EXPECT_TRUE(MustParse("  \n# only\n\t").empty());
  EXPECT_EQ(MustParse("a \"\";")[0].words, (std::vector<std::string>{"a", ""}));
}

TEST(NginxParser, BackslashAtEndOfTextIsKept) {
  auto parsed = ParseConfig("a b\\");
  EXPECT_FALSE(parsed.ok());
}

TEST(NginxParser, QuoteWordRoundTrips) {
  for (std::string w : {"plain", "two words", "semi;colon", "q\"uote", "back\\slash", "", "{b}", "#c"}) {
    auto top = MustParse("x " + QuoteWord(w) + ";");
    ASSERT_EQ(top.size(), 1u) << w;
    EXPECT_EQ(top[0].words.at(1), w);
  }
  EXPECT_EQ(QuoteWord("/etc/letsencrypt/live/a/fullchain.pem"), "/etc/letsencrypt/live/a/fullchain.pem");
}

}  // namespace
}  // namespace signet::client::nginx
