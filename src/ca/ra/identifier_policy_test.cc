#include "ca/ra/identifier_policy.h"

#include <gtest/gtest.h>

namespace signet::ca {
namespace {

ErrorCode CodeOf(const std::string& type, const std::string& value, bool test_names = false) {
  Status s = CheckIdentifier({type, value}, test_names);
  return s.ok() ? ErrorCode::kServerInternal : s.error().code;
}

TEST(IdentifierPolicy, AcceptsOrdinaryNames) {
  EXPECT_TRUE(CheckIdentifier({"dns", "example.com"}, false).ok());
  EXPECT_TRUE(CheckIdentifier({"dns", "a-b.c0.example.org"}, false).ok());
  EXPECT_TRUE(CheckIdentifier({"dns", "xn--bcher-kva.example"}, true).ok());
}

TEST(IdentifierPolicy, RefusesEachMalformedNameWithRejectedIdentifier) {
  for (const char* bad : {"", "com", "example.com.", "exa_mple.com", "-a.example.com",
                          "a-.example.com", "a..example.com", "127.0.0.1", "::1",
                          "*.example.com", "Example.com"}) {
    EXPECT_EQ(CodeOf("dns", bad), ErrorCode::kRejectedIdentifier) << bad;
  }
  EXPECT_EQ(CodeOf("dns", std::string(64, 'a') + ".com"), ErrorCode::kRejectedIdentifier);
}

TEST(IdentifierPolicy, ReservedTldsOnlyWhenTesting) {
  EXPECT_EQ(CodeOf("dns", "host.test"), ErrorCode::kRejectedIdentifier);
  EXPECT_TRUE(CheckIdentifier({"dns", "host.test"}, true).ok());
}

TEST(IdentifierPolicy, OtherTypesAreUnsupported) {
  EXPECT_EQ(CodeOf("ip", "127.0.0.1"), ErrorCode::kUnsupportedIdentifier);
  EXPECT_EQ(CodeOf("email", "a@b.c"), ErrorCode::kUnsupportedIdentifier);
}

TEST(IdentifierPolicy, RefusalNamesTheIdentifier) {
  Status s = CheckIdentifier({"dns", "bad_name.com"}, false);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().identifier_value, "bad_name.com");
  EXPECT_NE(s.error().detail.find("bad_name.com"), std::string::npos);
}

}  // namespace
}  // namespace signet::ca
