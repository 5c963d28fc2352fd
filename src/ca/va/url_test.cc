#include "ca/va/url.h"

#include <gtest/gtest.h>

namespace signet::va {
namespace {

Url Base() { return *ParseAbsoluteUrl("http://example.com/.well-known/acme-challenge/tok"); }

std::string Resolve(const std::string& ref) {
  auto url = ResolveReference(Base(), ref);
  return url.ok() ? url->ToString() : "error: " + url.error().detail;
}

TEST(UrlTest, ParsesAbsoluteUrls) {
  auto url = ParseAbsoluteUrl("HTTPS://Example.COM.:443/a/./b/../c?x=1#frag");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "example.com");
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->target, "/a/c?x=1");
  EXPECT_EQ(url->ToString(), "https://example.com:443/a/c?x=1");

  auto v6 = ParseAbsoluteUrl("http://[::1]:8080");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 8080);
  EXPECT_EQ(v6->ToString(), "http://[::1]:8080/");

  auto empty_port = ParseAbsoluteUrl("http://example.com:/x");
  ASSERT_TRUE(empty_port.ok());
  EXPECT_FALSE(empty_port->port.has_value());

  auto ftp = ParseAbsoluteUrl("ftp://example.com/file");
  ASSERT_TRUE(ftp.ok());
  EXPECT_EQ(ftp->scheme, "ftp");
}

TEST(UrlTest, RejectsBadUrls) {
  for (const char* bad : {"http://user:pw@example.com/", "http://example.com:99999/",
                          "http://example.com:8o/", "http://[::1/", "http://exa mple.com/",
                          "http://example.com/\x01", "http://ex\xc3\xa4mple.com/", "/relative",
                          "http://example.com:0/"}) {
    auto url = ParseAbsoluteUrl(bad);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.error().code, ErrorCode::kConnection);
  }
}

TEST(UrlTest, ResolvesReferences) {
  EXPECT_EQ(Resolve("https://other.example/x"), "https://other.example/x");
  EXPECT_EQ(Resolve("//other.example/y"), "http://other.example/y");
  EXPECT_EQ(Resolve("/abs/path?q"), "http://example.com/abs/path?q");
  EXPECT_EQ(Resolve("sibling"), "http://example.com/.well-known/acme-challenge/sibling");
  EXPECT_EQ(Resolve("../up"), "http://example.com/.well-known/up");
  EXPECT_EQ(Resolve("../../../../too-far"), "http://example.com/too-far");
  EXPECT_EQ(Resolve("?q=1"), "http://example.com/.well-known/acme-challenge/tok?q=1");
  EXPECT_EQ(Resolve("#frag"), "http://example.com/.well-known/acme-challenge/tok");
  EXPECT_EQ(Resolve("./"), "http://example.com/.well-known/acme-challenge/");
  EXPECT_EQ(Resolve("/a/b/.."), "http://example.com/a/");
  EXPECT_NE(Resolve("bad path").find("error: Invalid redirect target"), std::string::npos);
}

}  // namespace
}  // namespace signet::va
