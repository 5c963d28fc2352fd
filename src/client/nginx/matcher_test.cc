#include "client/nginx/matcher.h"

#include <gtest/gtest.h>

namespace signet::client::nginx {
namespace {

TEST(NginxMatcher, NameMatchKinds) {
  EXPECT_EQ(MatchServerName("a.example.test", "a.example.test"), NameMatch::kExact);
  EXPECT_EQ(MatchServerName("A.Example.TEST", "a.example.test"), NameMatch::kExact);
  EXPECT_EQ(MatchServerName("example.test", ".example.test"), NameMatch::kExact);
  EXPECT_EQ(MatchServerName("b.example.test", ".example.test"), NameMatch::kWildcardStart);
  EXPECT_EQ(MatchServerName("x.y.example.test", "*.example.test"), NameMatch::kWildcardStart);
  EXPECT_EQ(MatchServerName("example.test", "*.example.test"), NameMatch::kNone);
  EXPECT_EQ(MatchServerName("www.example.org", "www.*"), NameMatch::kWildcardEnd);
  EXPECT_EQ(MatchServerName("wwwx.example.org", "www.*"), NameMatch::kNone);
  EXPECT_EQ(MatchServerName("r7.example.test", "~^r[0-9]+\\.example\\.test$"), NameMatch::kRegex);
  EXPECT_EQ(MatchServerName("rx.example.test", "~^r[0-9]+\\.example\\.test$"), NameMatch::kNone);
  EXPECT_EQ(MatchServerName("u.example.test", "~^(?<user>.+)\\.example\\.test$"), NameMatch::kRegex);
  EXPECT_EQ(MatchServerName("u.example.test", "~(unclosed"), NameMatch::kNone);
  EXPECT_EQ(MatchServerName("u.example.test", "_"), NameMatch::kNone);
  EXPECT_EQ(MatchServerName("u.example.test", ""), NameMatch::kNone);
}

ServerBlock Block(std::vector<std::string> names, std::vector<Listen> listens) {
  ServerBlock s;
  s.names = std::move(names);
  s.listens = std::move(listens);
  return s;
}

Listen L(int port, bool ssl = false, bool def = false) {
  Listen l;
  l.port = port;
  l.ssl = ssl;
  l.default_server = def;
  return l;
}

TEST(NginxMatcher, ChoosesAsNginxRanks) {
  std::vector<ServerBlock> s = {
      Block({"~^.*\\.example\\.test$"}, {L(80)}),   // 0 regex
      Block({"www.*"}, {L(80)}),                    // 1 trailing wildcard
      Block({"*.example.test"}, {L(80)}),           // 2 leading wildcard
      Block({"*.b.example.test"}, {L(80)}),         // 3 longer leading wildcard
      Block({"a.example.test", "x"}, {L(80)}),      // 4 exact
      Block({"_"}, {L(80, false, true)}),           // 5 default
      Block({"a.example.test"}, {L(443, true)}),    // 6 exact, TLS
  };
  EXPECT_EQ(ChooseServer(s, "a.example.test"), 6u);  // TLS wins among equals
  EXPECT_EQ(ChooseServer(s, "a.example.test", 80), 4u);
  EXPECT_EQ(ChooseServer(s, "c.b.example.test"), 3u);
  EXPECT_EQ(ChooseServer(s, "c.example.test"), 2u);
  EXPECT_EQ(ChooseServer(s, "www.example.org"), 1u);
  EXPECT_EQ(ChooseServer(s, "www.example.test"), 2u);  // leading beats trailing
  EXPECT_EQ(ChooseServer(s, "zz.example.test.sub"), std::nullopt);
  EXPECT_EQ(DefaultServer(s, 80), 5u);
  EXPECT_EQ(DefaultServer(s, 8080), std::nullopt);
}

TEST(NginxMatcher, ListenParsing) {
  Listen a = ParseListen({"[::]:8443", "ssl", "ipv6only=on"});
  EXPECT_TRUE(a.ipv6);
  EXPECT_TRUE(a.ssl);
  EXPECT_EQ(a.port, 8443);
  Listen b = ParseListen({"127.0.0.1:23080", "default_server"});
  EXPECT_EQ(b.address, "127.0.0.1");
  EXPECT_EQ(b.port, 23080);
  EXPECT_TRUE(b.default_server);
  EXPECT_EQ(ParseListen({"8080"}).port, 8080);
  EXPECT_EQ(ParseListen({"localhost"}).port, 80);
  EXPECT_EQ(ParseListen({"[::1]"}).port, 80);
  EXPECT_EQ(ParseListen({"*:99999999"}).port, 80);
}

}  // namespace
}  // namespace signet::client::nginx
