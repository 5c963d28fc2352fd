// Tests the dns-account-01 account label (the value ca/va's dns01_test pins
// too) and base32 against RFC 4648 10's test vectors (lower case, no
// padding).
#include "acme/dns_account_label.h"

#include <gtest/gtest.h>

namespace signet::acme {
namespace {

TEST(DnsAccountLabel, KnownAccount) {
  EXPECT_EQ(AccountScopedLabel("https://example.com/acme/acct/ExampleAccount"),
            "_ujmmovf2vn55tgye");
}

TEST(DnsAccountLabel, Base32Rfc4648Vectors) {
  EXPECT_EQ(Base32Lower(""), "");
  EXPECT_EQ(Base32Lower("f"), "my");
  EXPECT_EQ(Base32Lower("fo"), "mzxq");
  EXPECT_EQ(Base32Lower("foo"), "mzxw6");
  EXPECT_EQ(Base32Lower("foob"), "mzxw6yq");
  EXPECT_EQ(Base32Lower("fooba"), "mzxw6ytb");
  EXPECT_EQ(Base32Lower("foobar"), "mzxw6ytboi");
}

}  // namespace
}  // namespace signet::acme
