#include "dns/trust_anchors.h"

#include <gtest/gtest.h>

namespace signet::dns {
namespace {

using Files = std::vector<std::string>;

Result<Files> Choose(Files given, bool dnssec, bool testing,
                     std::string default_file = kDebianRootTrustAnchor) {
  return ChooseTrustAnchorFiles(TrustAnchorPolicy{given, dnssec, testing, default_file});
}

void ExpectError(const Result<Files>& got, const std::string& detail) {
  ASSERT_FALSE(got.ok()) << "expected: " << detail;
  EXPECT_EQ(got.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(got.error().detail, detail);
}

// BR 4.2.2.1.1: in production DNSSEC is validated to the root by default.
TEST(TrustAnchors, ProductionDefaultsToTheRootAnchor) {
  Result<Files> got = Choose({}, true, false);
  ASSERT_TRUE(got.ok()) << got.error().ToString() << " (is dns-root-data installed?)";
  EXPECT_EQ(*got, Files{"/usr/share/dns/root.key"});
}

TEST(TrustAnchors, ProductionWithoutTheRootAnchorRefusesToStart) {
  ExpectError(Choose({}, true, false, "/nonexistent/root.key"),
              "the DNSSEC root trust anchor /nonexistent/root.key cannot be read (No such file or "
              "directory): install dns-root-data, or give --dns-trust-anchor FILE, or --no-dnssec");
}

TEST(TrustAnchors, GivenAnchorsReplaceTheRootInEveryMode) {
  const Files given = {"/usr/share/dns/root.key", "/usr/share/dns/root.ds"};
  EXPECT_EQ(*Choose(given, true, false, "/nonexistent"), given);
  EXPECT_EQ(*Choose(given, true, true), given) << "testing validates under given anchors";
  ExpectError(Choose({"/nonexistent/k.key"}, true, true),
              "DNSSEC trust anchor file /nonexistent/k.key cannot be read (No such file or "
              "directory)");
}

// The test contract's beds serve made-up zones: no root anchor there.
TEST(TrustAnchors, TestingWithoutAnchorsValidatesNothing) {
  Result<Files> got = Choose({}, true, true, "/nonexistent");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->empty());
}

TEST(TrustAnchors, NoDnssecIsExplicitAndExclusive) {
  Result<Files> got = Choose({}, false, false, "/nonexistent");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->empty());
  ExpectError(Choose({"/usr/share/dns/root.key"}, false, false),
              "--no-dnssec contradicts --dns-trust-anchor");
}

}  // namespace
}  // namespace signet::dns
