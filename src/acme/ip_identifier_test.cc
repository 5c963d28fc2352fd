#include "acme/ip_identifier.h"

#include <gtest/gtest.h>

namespace signet::acme {
namespace {

TEST(IpIdentifier, RecognisesAddressesOnly) {
  EXPECT_TRUE(IsIpAddress("127.0.0.1"));
  EXPECT_TRUE(IsIpAddress("2001:DB8::1"));
  EXPECT_FALSE(IsIpAddress("example.com"));
  EXPECT_FALSE(IsIpAddress("[::1]"));
  EXPECT_FALSE(IsIpAddress("127.1"));
  EXPECT_FALSE(IsIpAddress(""));
}

TEST(IpIdentifier, CanonicalFormIsInetNtops) {
  EXPECT_EQ(CanonicalIpAddress("2001:DB8:0:0::1").value(), "2001:db8::1");
  EXPECT_EQ(CanonicalIpAddress("10.0.0.1").value(), "10.0.0.1");
  auto bad = CanonicalIpAddress("www.example.com");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kMalformed);
  EXPECT_NE(bad.error().detail.find("\"www.example.com\" is not an IPv4 or IPv6 address"),
            std::string::npos);
}

TEST(IpIdentifier, ReverseDnsNameAsRfc8738Section6) {
  EXPECT_EQ(ReverseDnsName("127.0.0.1").value(), "1.0.0.127.in-addr.arpa");
  EXPECT_EQ(ReverseDnsName("2001:db8::1").value(),
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
  EXPECT_FALSE(ReverseDnsName("example.com").ok());
}

}  // namespace
}  // namespace signet::acme
