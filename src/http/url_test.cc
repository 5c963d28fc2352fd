#include "http/url.h"

#include <gtest/gtest.h>

namespace signet::http {
namespace {

Url Base() { return *ParseUrl("http://example.com/.well-known/acme-challenge/tok"); }

std::string Resolve(const std::string& ref) {
  auto url = ResolveReference(Base(), ref);
  return url.ok() ? url->ToString() : "error: " + url.error().detail;
}

TEST(UrlTest, SplitsAbsoluteUrls) {
  auto u = ParseUrl("HTTPS://Example.COM.:443/a/./b?x=1#frag");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->scheme, "https");
  EXPECT_TRUE(u->https());
  EXPECT_EQ(u->host, "example.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->target, "/a/./b?x=1");  // as written: only resolution normalizes
  EXPECT_EQ(u->ToString(), "https://example.com:443/a/./b?x=1");
  EXPECT_EQ(u->Authority(), "example.com");
  EXPECT_EQ(u->Origin(), "https://example.com:443");

  auto ip = ParseUrl("https://127.0.0.1:14000/dir?x=1#frag");
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(ip->host, "127.0.0.1");
  EXPECT_TRUE(ip->HostIsIpLiteral());
  EXPECT_EQ(ip->EffectivePort(), 14000);
  EXPECT_EQ(ip->target, "/dir?x=1");
  EXPECT_EQ(ip->Authority(), "127.0.0.1:14000");
  EXPECT_EQ(ip->Origin(), "https://127.0.0.1:14000");
}

TEST(UrlTest, DefaultsAndIpv6) {
  auto u = ParseUrl("HTTP://Example.TEST");
  ASSERT_TRUE(u.ok());
  EXPECT_FALSE(u->https());
  EXPECT_EQ(u->host, "example.test");
  EXPECT_FALSE(u->HostIsIpLiteral());
  EXPECT_FALSE(u->port.has_value());
  EXPECT_EQ(u->EffectivePort(), 80);
  EXPECT_EQ(u->target, "/");
  EXPECT_EQ(u->Authority(), "example.test");

  auto query_only = ParseUrl("http://h?q=1");
  ASSERT_TRUE(query_only.ok());
  EXPECT_EQ(query_only->target, "/?q=1");

  auto v6 = ParseUrl("http://[::1]:8080");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_TRUE(v6->HostIsIpLiteral());
  EXPECT_EQ(v6->port, 8080);
  EXPECT_EQ(v6->ToString(), "http://[::1]:8080/");
  EXPECT_EQ(v6->Authority(), "[::1]:8080");
  EXPECT_EQ(v6->Origin(), "http://[::1]:8080");

  auto v6_default = ParseUrl("https://[2001:DB8::1]/x");
  ASSERT_TRUE(v6_default.ok());
  EXPECT_EQ(v6_default->host, "2001:db8::1");
  EXPECT_EQ(v6_default->Authority(), "[2001:db8::1]");

  // RFC 3986 3.2.3: an empty port is the scheme's default.
  auto empty_port = ParseUrl("http://example.com:/x");
  ASSERT_TRUE(empty_port.ok());
  EXPECT_FALSE(empty_port->port.has_value());
  EXPECT_EQ(empty_port->Authority(), "example.com");

  // Other schemes parse, so that a caller can name the one it refuses.
  auto ftp = ParseUrl("ftp://example.com/file");
  ASSERT_TRUE(ftp.ok());
  EXPECT_EQ(ftp->scheme, "ftp");
  EXPECT_EQ(ftp->EffectivePort(), 80);
  auto mailto = ParseUrl("mailto:someone");
  ASSERT_TRUE(mailto.ok());
  EXPECT_EQ(mailto->host, "");
}

TEST(UrlTest, RejectsBadUrlsSayingWhy) {
  const std::pair<const char*, const char*> cases[] = {
      {"http://user:pw@example.com/", "user information is not allowed"},
      {"http://example.com:99999/", "invalid port"},
      {"http://example.com:0/", "invalid port"},
      {"http://example.com:8o/", "invalid port"},
      {"http://[::1/", "unterminated IPv6 literal"},
      {"http://[zz]/", "invalid IPv6 literal"},
      {"http://[::1]x/", "invalid authority"},
      {"http://exa mple.com/", "contains spaces"},
      {"http://example.com/\x01", "contains spaces"},
      {"http://ex\xc3\xa4mple.com/", "non-ASCII"},
      {"http://a<b/", "invalid character in the host"},
      {"http://a%zz/", "invalid character in the host"},
      {"/relative", "not an absolute URL"},
      {"127.0.0.1/x", "not an absolute URL"},
      {"http:///x", "no host"},
      {"https://", "no host"},
      {"http:x", "no host"},
  };
  for (const auto& [bad, why] : cases) {
    auto url = ParseUrl(bad);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.error().code, ErrorCode::kMalformed) << bad;
    EXPECT_NE(url.error().detail.find(why), std::string::npos) << bad << ": " << url.error().detail;
    EXPECT_EQ(url.error().detail.rfind("invalid URL \"", 0), 0u) << url.error().detail;
  }
}

TEST(UrlTest, CallersWordTheirOwnErrors) {
  auto url = ParseUrl("http://u@h/", {ErrorCode::kConnection, "Invalid redirect target"});
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.error().code, ErrorCode::kConnection);
  EXPECT_EQ(url.error().detail,
            "Invalid redirect target \"http://u@h/\": user information is not allowed");
  // Untrusted text is quoted printable and cut short.
  auto quoted = ParseUrl("http://a\"b\x7f/" + std::string(300, 'x'));
  ASSERT_FALSE(quoted.ok());
  EXPECT_NE(quoted.error().detail.find("\"http://a?b?/xx"), std::string::npos);
  EXPECT_LT(quoted.error().detail.size(), 300u);
}

// RFC 3986 5.4.1 and 5.4.2's examples that apply to origin-form targets.
TEST(UrlTest, ResolvesReferencesAsRfc3986Section5) {
  auto base = ParseUrl("http://a/b/c/d;p?q");
  ASSERT_TRUE(base.ok());
  auto resolve = [&](const char* ref) {
    auto r = ResolveReference(*base, ref);
    return r.ok() ? r->ToString() : "error";
  };
  EXPECT_EQ(resolve("g"), "http://a/b/c/g");
  EXPECT_EQ(resolve("./g"), "http://a/b/c/g");
  EXPECT_EQ(resolve("g/"), "http://a/b/c/g/");
  EXPECT_EQ(resolve("/g"), "http://a/g");
  EXPECT_EQ(resolve("//g"), "http://g/");
  EXPECT_EQ(resolve("?y"), "http://a/b/c/d;p?y");
  EXPECT_EQ(resolve("g?y"), "http://a/b/c/g?y");
  EXPECT_EQ(resolve("#s"), "http://a/b/c/d;p?q");
  EXPECT_EQ(resolve(""), "http://a/b/c/d;p?q");
  EXPECT_EQ(resolve("."), "http://a/b/c/");
  EXPECT_EQ(resolve(".."), "http://a/b/");
  EXPECT_EQ(resolve("../g"), "http://a/b/g");
  EXPECT_EQ(resolve("../.."), "http://a/");
  EXPECT_EQ(resolve("../../../g"), "http://a/g");
  EXPECT_EQ(resolve("/./g"), "http://a/g");
  EXPECT_EQ(resolve("/../g"), "http://a/g");
  EXPECT_EQ(resolve("g."), "http://a/b/c/g.");
  EXPECT_EQ(resolve("..g"), "http://a/b/c/..g");
  EXPECT_EQ(resolve("./g/."), "http://a/b/c/g/");
  EXPECT_EQ(resolve("g/../h"), "http://a/b/c/h");
  EXPECT_EQ(resolve("g;x=1/../y"), "http://a/b/c/y");
  EXPECT_EQ(resolve("g?y/./x"), "http://a/b/c/g?y/./x");  // the query is left alone
}

TEST(UrlTest, ResolvesRedirectTargets) {
  EXPECT_EQ(Resolve("https://other.example/x"), "https://other.example/x");
  EXPECT_EQ(Resolve("HTTPS://Other.Example.:443/a/./b/../c?x=1#frag"),
            "https://other.example:443/a/c?x=1");
  EXPECT_EQ(Resolve("//other.example/y"), "http://other.example/y");
  EXPECT_EQ(Resolve("/abs/path?q"), "http://example.com/abs/path?q");
  EXPECT_EQ(Resolve("sibling"), "http://example.com/.well-known/acme-challenge/sibling");
  EXPECT_EQ(Resolve("../up"), "http://example.com/.well-known/up");
  EXPECT_EQ(Resolve("../../../../too-far"), "http://example.com/too-far");
  EXPECT_EQ(Resolve("?q=1"), "http://example.com/.well-known/acme-challenge/tok?q=1");
  EXPECT_EQ(Resolve("#frag"), "http://example.com/.well-known/acme-challenge/tok");
  EXPECT_EQ(Resolve("./"), "http://example.com/.well-known/acme-challenge/");
  EXPECT_EQ(Resolve("/a/b/.."), "http://example.com/a/");
  EXPECT_EQ(Resolve("ftp://example.com/f"), "ftp://example.com/f");
  EXPECT_NE(Resolve("bad path").find("error: invalid URL"), std::string::npos);
  EXPECT_NE(Resolve("//u@h/").find("user information"), std::string::npos);
}

TEST(UrlTest, ResolvesTextForLocationHeaders) {
  EXPECT_EQ(ResolveReferenceText("https://ca:14000/acme/new-order", "/acme/order/7"),
            "https://ca:14000/acme/order/7");
  EXPECT_EQ(ResolveReferenceText("https://ca:14000/acme/order/7", "cert/1"),
            "https://ca:14000/acme/order/cert/1");
  // Absolute references stay exactly as written (ACME signs the URL).
  EXPECT_EQ(ResolveReferenceText("https://ca/x", "https://Other/./y"), "https://Other/./y");
  // What cannot be resolved is left as it is, for the request to refuse.
  EXPECT_EQ(ResolveReferenceText("not a url", "/y"), "/y");
  EXPECT_EQ(ResolveReferenceText("https://ca/x", "/a b"), "/a b");
}

}  // namespace
}  // namespace signet::http
