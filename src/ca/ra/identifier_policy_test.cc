#include "ca/ra/identifier_policy.h"

#include <gtest/gtest.h>

namespace signet::ca {
namespace {

IdentifierPolicy Policy(bool test_names) { return IdentifierPolicy{test_names, true, {}}; }

ErrorCode CodeOf(const std::string& type, const std::string& value, bool test_names = false) {
  Status s = CheckIdentifier({type, value}, Policy(test_names));
  return s.ok() ? ErrorCode::kServerInternal : s.error().code;
}

TEST(IdentifierPolicy, AcceptsOrdinaryNames) {
  EXPECT_TRUE(CheckIdentifier({"dns", "example.com"}, Policy(false)).ok());
  EXPECT_TRUE(CheckIdentifier({"dns", "a-b.c0.example.org"}, Policy(false)).ok());
  EXPECT_TRUE(CheckIdentifier({"dns", "xn--bcher-kva.example"}, Policy(true)).ok());
}

TEST(IdentifierPolicy, RefusesEachMalformedNameWithRejectedIdentifier) {
  for (const char* bad : {"", "com", "example.com.", "exa_mple.com", "-a.example.com",
                          "a-.example.com", "a..example.com", "127.0.0.1", "::1",
                          "*.*.example.com", "a.*.example.com", "Example.com", "ab--c.example.com"}) {
    EXPECT_EQ(CodeOf("dns", bad), ErrorCode::kRejectedIdentifier) << bad;
  }
  EXPECT_EQ(CodeOf("dns", std::string(64, 'a') + ".com"), ErrorCode::kRejectedIdentifier);
}

TEST(IdentifierPolicy, ReservedTldsOnlyWhenTesting) {
  EXPECT_EQ(CodeOf("dns", "host.test"), ErrorCode::kRejectedIdentifier);
  for (const char* name : {"host.test", "a.b.example", "printer.local", "x.localhost", "y.invalid"})
    EXPECT_TRUE(CheckIdentifier({"dns", name}, Policy(true)).ok()) << name;
}

std::string DetailOf(const std::string& name, bool test_names) {
  Status s = CheckIdentifier({"dns", name}, Policy(test_names));
  return s.ok() ? "accepted" : s.error().detail;
}

TEST(IdentifierPolicy, SpecialUseNamesAreRefusedEvenWhenTesting) {
  for (const char* name : {"x.onion", "abcdefghijklmnop.onion", "host.internal", "router.home.arpa",
                           "1.0.0.127.in-addr.arpa", "x.alt", "dc.corp", "nas.home", "pc.lan",
                           "smtp.mail", "h.localdomain"}) {
    for (bool testing : {false, true}) {
      EXPECT_EQ(CodeOf("dns", name, testing), ErrorCode::kRejectedIdentifier) << name;
      EXPECT_NE(DetailOf(name, testing).find("special-use top-level domain"), std::string::npos)
          << DetailOf(name, testing);
    }
  }
  EXPECT_NE(DetailOf("*.x.onion", true).find("\".onion\""), std::string::npos);
  EXPECT_NE(DetailOf("printer.local", false).find("special-use"), std::string::npos);
}

TEST(IdentifierPolicy, NamesMustEndInAPublicTopLevelDomain) {
  for (const char* name : {"host.notatld", "example.zz", "a.b.c.qqq", "*.host.notatld"}) {
    EXPECT_EQ(CodeOf("dns", name), ErrorCode::kRejectedIdentifier) << name;
    EXPECT_NE(DetailOf(name, false).find("does not end in a public top-level domain"),
              std::string::npos)
        << DetailOf(name, false);
    EXPECT_TRUE(CheckIdentifier({"dns", name}, Policy(true)).ok()) << "testing: " << name;
  }
  // Country codes, generic and internationalized TLDs (Cyrillic .рф).
  for (const char* name : {"example.de", "example.io", "example.museum", "example.xn--p1ai",
                           "a.example.dev", "*.example.app"})
    EXPECT_TRUE(CheckIdentifier({"dns", name}, Policy(false)).ok()) << name;
}

TEST(IdentifierPolicy, ALabelsMustBePunycodeOfAnIdna2008ULabel) {
  // bücher, münchen, Greek, and the Cyrillic TLD .рф.
  for (const char* name : {"xn--bcher-kva.example.com", "xn--mnchen-3ya.de",
                           "a.xn--nxasmq6b.com", "xn--e1afmkfd.xn--p1ai"})
    EXPECT_TRUE(CheckIdentifier({"dns", name}, Policy(false)).ok()) << name;
  struct Bad {
    const char* name;
    const char* label;
  };
  for (Bad bad : {Bad{"xn--zz-zzzz.example.com", "xn--zz-zzzz"},      // not Punycode
                  Bad{"xn--99999999999.example.com", "xn--99999999999"},  // overflows
                  Bad{"xn--ls8h.example.com", "xn--ls8h"},            // an emoji: DISALLOWED
                  Bad{"xn--wca.example.com", "xn--wca"},              // upper-case U+00DC
                  Bad{"xn--a-xbb.example.com", "xn--a-xbb"},          // not NFC (a + U+0301)
                  Bad{"xn--a-ugn.example.com", "xn--a-ugn"},          // ZWJ out of context
                  Bad{"a.xn--a.example.com", "xn--a"},
                  Bad{"*.xn--ls8h.example.com", "xn--ls8h"}}) {
    for (bool testing : {false, true}) {
      Status s = CheckIdentifier({"dns", bad.name}, Policy(testing));
      ASSERT_FALSE(s.ok()) << bad.name;
      EXPECT_EQ(s.error().code, ErrorCode::kRejectedIdentifier);
      EXPECT_NE(s.error().detail.find("\"" + std::string(bad.label) + "\" is not a valid A-label"),
                std::string::npos)
          << s.error().detail;
    }
  }
}

TEST(IdentifierPolicy, OtherTypesAreUnsupported) {
  EXPECT_EQ(CodeOf("email", "a@b.c"), ErrorCode::kUnsupportedIdentifier);
}

TEST(IdentifierPolicy, WildcardsOnlyAsTheWholeLeftmostLabel) {
  EXPECT_TRUE(CheckIdentifier({"dns", "*.example.com"}, Policy(false)).ok());
  EXPECT_EQ(CodeOf("dns", "*.com"), ErrorCode::kRejectedIdentifier);
  EXPECT_EQ(CodeOf("dns", "*.co.uk"), ErrorCode::kRejectedIdentifier);
}

TEST(IdentifierPolicy, PublicSuffixesAreNotNames) {
  for (const char* suffix : {"co.uk", "github.io", "com.au"})
    EXPECT_EQ(CodeOf("dns", suffix), ErrorCode::kRejectedIdentifier) << suffix;
  EXPECT_TRUE(CheckIdentifier({"dns", "example.co.uk"}, Policy(false)).ok());
}

TEST(IdentifierPolicy, OperatorBlocklistCoversSubdomains) {
  IdentifierPolicy p{false, true, {"blocked.example.com"}};
  EXPECT_EQ(CheckIdentifier({"dns", "blocked.example.com"}, p).error().code,
            ErrorCode::kRejectedIdentifier);
  EXPECT_EQ(CheckIdentifier({"dns", "a.blocked.example.com"}, p).error().code,
            ErrorCode::kRejectedIdentifier);
  EXPECT_TRUE(CheckIdentifier({"dns", "notblocked.example.com"}, p).ok());
}

TEST(IdentifierPolicy, OperatorBlocklistRefusesAWildcardCoveringABlockedName) {
  IdentifierPolicy p{false, true, {"bad.example.com"}};
  Status s = CheckIdentifier({"dns", "*.example.com"}, p);
  ASSERT_FALSE(s.ok()) << "*.example.com covers bad.example.com";
  EXPECT_EQ(s.error().code, ErrorCode::kRejectedIdentifier);
  EXPECT_NE(s.error().detail.find("covers a name blocked"), std::string::npos) << s.error().detail;
  EXPECT_EQ(CheckIdentifier({"dns", "*.bad.example.com"}, p).error().code,
            ErrorCode::kRejectedIdentifier);
  // A wildcard covers one label only: these do not cover bad.example.com.
  EXPECT_TRUE(CheckIdentifier({"dns", "*.other.example.com"}, p).ok());
  EXPECT_TRUE(CheckIdentifier({"dns", "*.ad.example.com"}, p).ok());
}

TEST(IdentifierPolicy, OperatorBlocklistEntriesIgnoreCaseAndTrailingDots) {
  IdentifierPolicy p{false, true, {"Blocked.Example.COM.", "", "."}};
  for (const char* name : {"blocked.example.com", "a.blocked.example.com", "*.blocked.example.com",
                           "*.example.com"}) {
    Status s = CheckIdentifier({"dns", name}, p);
    ASSERT_FALSE(s.ok()) << name;
    EXPECT_NE(s.error().detail.find("Blocked.Example.COM."), std::string::npos) << s.error().detail;
  }
  EXPECT_TRUE(CheckIdentifier({"dns", "unblocked.example.com"}, p).ok()) << "empty entries block nothing";
  EXPECT_TRUE(CheckIdentifier({"dns", "xblocked.example.com"}, p).ok());
}

TEST(IdentifierPolicy, IpIdentifiers) {
  EXPECT_TRUE(CheckIdentifier({"ip", "8.8.8.8"}, Policy(false)).ok());
  EXPECT_TRUE(CheckIdentifier({"ip", "2001:4860::8888"}, Policy(false)).ok());
  EXPECT_EQ(CodeOf("ip", "127.0.0.1"), ErrorCode::kRejectedIdentifier) << "reserved";
  EXPECT_TRUE(CheckIdentifier({"ip", "127.0.0.1"}, Policy(true)).ok()) << "testing";
  EXPECT_EQ(CodeOf("ip", "example.com"), ErrorCode::kRejectedIdentifier);
  EXPECT_EQ(CanonicalIp("0:0::1"), "::1");
}

TEST(IdentifierPolicy, RefusalNamesTheIdentifier) {
  Status s = CheckIdentifier({"dns", "bad_name.com"}, Policy(false));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().identifier_value, "bad_name.com");
  EXPECT_NE(s.error().detail.find("bad_name.com"), std::string::npos);
}

}  // namespace
}  // namespace signet::ca
