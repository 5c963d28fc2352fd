#include "pki/ari_cert_id.h"

#include <gtest/gtest.h>

namespace signet::pki {
namespace {

// RFC 9773 4.1's example: keyIdentifier 69:88:5B:..:C8:D4, serial 0x0087654321.
const std::string kKeyId(
    "\x69\x88\x5b\x6b\x87\x46\x40\x41\xe1\xb3\x7b\x84\x7b\xa0\xae\x2c\xde\x01\xc8\xd4", 20);

TEST(AriCertId, Rfc9773Example) {
  EXPECT_EQ(FormatAriCertId(kKeyId, "87654321"), "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE");
  auto id = ParseAriCertId("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->key_id, kKeyId);
  EXPECT_EQ(id->serial_hex, "87654321");
}

TEST(AriCertId, SerialsWithoutTheHighBitHaveNoPadding) {
  auto id = ParseAriCertId(FormatAriCertId(kKeyId, "0123"));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->serial_hex, "123");
  EXPECT_EQ(FormatAriCertId(kKeyId, "7f").substr(28), "fw");
}

TEST(AriCertId, RejectsMalformed) {
  for (const char* bad :
       {"", "abc", "a.b.c", ".AQ", "aYhb.", "a*b.AQ", "aYhb.gA"})  // gA = 0x80: negative
    EXPECT_EQ(ParseAriCertId(bad).error().code, ErrorCode::kMalformed) << bad;
}

}  // namespace
}  // namespace signet::pki
