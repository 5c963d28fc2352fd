#include "bench/url.h"

#include <gtest/gtest.h>

namespace signet::bench {
namespace {

TEST(Url, SplitsHttpsWithPort) {
  auto u = ParseUrl("https://127.0.0.1:14000/dir?x=1#frag");
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(u->https);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 14000);
  EXPECT_EQ(u->target, "/dir?x=1");
  EXPECT_EQ(u->Origin(), "https://127.0.0.1:14000");
  EXPECT_EQ(u->HostHeader(), "127.0.0.1:14000");
}

TEST(Url, DefaultsAndIpv6) {
  auto u = ParseUrl("HTTP://Example.TEST");
  ASSERT_TRUE(u.ok());
  EXPECT_FALSE(u->https);
  EXPECT_EQ(u->host, "example.test");
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->target, "/");
  EXPECT_EQ(u->HostHeader(), "example.test");
  auto v6 = ParseUrl("https://[::1]:8443/acme");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->Origin(), "https://[::1]:8443");
}

TEST(Url, RejectsWhatWeCannotUse) {
  for (const char* bad : {"ftp://x/", "/relative", "https://", "https://h:0/", "https://h:99999/",
                          "https://h:/", "https://[::1/", "https://h:8a/"})
    EXPECT_FALSE(ParseUrl(bad).ok()) << bad;
}

TEST(Url, ResolvesAbsolutePathsAgainstTheBase) {
  EXPECT_EQ(ResolveReference("https://ca:14000/acme/new-order", "/acme/order/7"),
            "https://ca:14000/acme/order/7");
  EXPECT_EQ(ResolveReference("https://ca/x", "https://other/y"), "https://other/y");
}

}  // namespace
}  // namespace signet::bench
