#include "dns/static_resolver.h"

#include <gtest/gtest.h>

namespace signet::dns {
namespace {

using Addrs = std::vector<std::string>;

TEST(StaticResolverTest, AnswersFromTableIpv4First) {
  StaticResolver r({{"Example.TEST", {"::1", "127.0.0.1", "2001:db8::1", "192.0.2.1"}}});
  auto got = r.LookupHost("example.test.");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, (Addrs{"127.0.0.1", "192.0.2.1", "::1", "2001:db8::1"}));
}

TEST(StaticResolverTest, UnknownNameIsNxdomainWithoutDefault) {
  StaticResolver r;
  auto got = r.LookupHost("missing.test");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kDns);
  EXPECT_EQ(got.error().detail, "DNS problem: NXDOMAIN looking up A for missing.test");
}

TEST(StaticResolverTest, DefaultAddressForOtherNames) {
  StaticResolver r({{"a.test", {"192.0.2.5"}}}, "127.0.0.1");
  EXPECT_EQ(*r.LookupHost("a.test"), Addrs{"192.0.2.5"});
  EXPECT_EQ(*r.LookupHost("anything.else"), Addrs{"127.0.0.1"});
  r.SetDefault(std::nullopt);
  EXPECT_FALSE(r.LookupHost("anything.else").ok());
}

TEST(StaticResolverTest, EmptyListAndInjectedErrors) {
  StaticResolver r;
  r.Add("empty.test", {});
  r.AddError("broken.test", Error(ErrorCode::kDns, "DNS problem: SERVFAIL looking up A for broken.test"));
  auto empty = r.LookupHost("empty.test");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().detail, "No valid IP addresses found for empty.test");
  auto broken = r.LookupHost("BROKEN.test");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().detail.find("SERVFAIL"), std::string::npos);
}

}  // namespace
}  // namespace signet::dns
