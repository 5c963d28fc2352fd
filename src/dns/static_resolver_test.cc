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

namespace signet::dns {
namespace {

TEST(StaticResolverTest, TxtAndCaaFromTables) {
  StaticResolver r;
  r.AddTxt("_acme-challenge.Example.test", {"one", "two"});
  r.AddCaa("example.test.", {CaaRecord{0, "issue", "ca.test"}, CaaRecord{128, "tbs", "x"}});
  auto txt = r.LookupTxt("_acme-challenge.example.test");
  ASSERT_TRUE(txt.ok());
  EXPECT_EQ(txt->records, (std::vector<std::string>{"one", "two"}));
  EXPECT_FALSE(txt->secure);
  auto caa = r.LookupCaa("EXAMPLE.test");
  ASSERT_TRUE(caa.ok());
  ASSERT_EQ(caa->records.size(), 2u);
  EXPECT_EQ(caa->records[1], (CaaRecord{128, "tbs", "x"}));
}

TEST(StaticResolverTest, UnknownTxtAndCaaAreEmptyNotErrors) {
  StaticResolver r({}, "127.0.0.1");  // The default address is for A/AAAA only.
  auto txt = r.LookupTxt("nothing.test");
  ASSERT_TRUE(txt.ok());
  EXPECT_TRUE(txt->records.empty());
  auto caa = r.LookupCaa("nothing.test");
  ASSERT_TRUE(caa.ok());
  EXPECT_TRUE(caa->records.empty());
}

TEST(StaticResolverTest, ErrorsApplyToEveryType) {
  StaticResolver r;
  r.AddTxt("broken.test", {"x"});
  r.AddError("broken.test", Error(ErrorCode::kDns, "DNS problem: SERVFAIL looking up CAA for broken.test"));
  EXPECT_FALSE(r.LookupTxt("broken.test").ok());
  auto caa = r.LookupCaa("broken.test");
  ASSERT_FALSE(caa.ok());
  EXPECT_EQ(caa.error().code, ErrorCode::kDns);
}

TEST(StaticResolverTest, OversizedTxtIsRefused) {
  StaticResolver r;
  r.AddTxt("big.test", std::vector<std::string>(kMaxTxtRecords + 1, "x"));
  auto got = r.LookupTxt("big.test");
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().detail.find("too many TXT records"), std::string::npos);
}

// Resolver's own check: a deadline already past is a timeout, whatever the
// table says (so a chain of lookups stops at its deadline).
TEST(StaticResolverTest, PassedDeadlineIsATimeout) {
  StaticResolver r;
  r.Add("a.test", {"192.0.2.5"});
  const Deadline past = std::chrono::steady_clock::now() - std::chrono::milliseconds(1);
  auto got = r.LookupHost("a.test", past);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kDns);
  EXPECT_EQ(got.error().detail, "DNS problem: query timed out looking up A for a.test");
  EXPECT_FALSE(r.LookupCaa("a.test", past).ok());
  const Deadline later = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  EXPECT_TRUE(r.LookupHost("a.test", later).ok());
}

}  // namespace
}  // namespace signet::dns
