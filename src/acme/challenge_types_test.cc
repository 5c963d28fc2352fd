// Tests the challenge type registry: which types each identifier is offered,
// and what the table says of each type.
#include "acme/challenge_types.h"

#include <gtest/gtest.h>

namespace signet::acme {
namespace {

using Types = std::vector<std::string>;

TEST(ChallengeTypesTest, DnsNamesGetEveryType) {
  EXPECT_EQ(ChallengeTypesFor({"dns", "example.com"}, false),
            (Types{"http-01", "dns-01", "tls-alpn-01", "dns-account-01", "dns-persist-01"}));
}

TEST(ChallengeTypesTest, WildcardsGetOnlyDnsBasedTypes) {
  EXPECT_EQ(ChallengeTypesFor({"dns", "example.com"}, true),
            (Types{"dns-01", "dns-account-01", "dns-persist-01"}));
}

TEST(ChallengeTypesTest, IpAddressesNeverGetDnsBasedTypes) {
  EXPECT_EQ(ChallengeTypesFor({"ip", "192.0.2.1"}, false), (Types{"http-01", "tls-alpn-01"}));
}

TEST(ChallengeTypesTest, DnsPersistHasNoTokenAndIsNotReused) {
  const ChallengeType* persist = FindChallengeType("dns-persist-01");
  ASSERT_NE(persist, nullptr);
  EXPECT_FALSE(persist->uses_token);
  EXPECT_FALSE(persist->reusable);
  for (std::string_view name : {kHttp01, kDns01, kTlsAlpn01, kDnsAccount01}) {
    const ChallengeType* t = FindChallengeType(name);
    ASSERT_NE(t, nullptr) << name;
    EXPECT_TRUE(t->uses_token && t->reusable) << name;
  }
  EXPECT_EQ(FindChallengeType("dns-02"), nullptr);
  EXPECT_EQ(FindChallengeType("DNS-01"), nullptr);
}

}  // namespace
}  // namespace signet::acme
