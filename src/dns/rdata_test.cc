#include "dns/rdata.h"

#include <gtest/gtest.h>

namespace signet::dns {
namespace {

using namespace std::string_literals;

TEST(RdataTest, TxtConcatenatesCharacterStrings) {
  EXPECT_EQ(*ParseTxtRdata("\x05hello\x05world"s), "helloworld");
  EXPECT_EQ(*ParseTxtRdata("\x00"s), "");
  EXPECT_EQ(*ParseTxtRdata(""), "");
  std::string long_string(1, '\xff');
  long_string += std::string(255, 'a');
  EXPECT_EQ(ParseTxtRdata(long_string + "\x01z")->size(), 256u);
}

TEST(RdataTest, TxtRejectsStringPastTheEnd) {
  auto got = ParseTxtRdata("\x05hell"s);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kDns);
  EXPECT_NE(got.error().detail.find("malformed TXT record"), std::string::npos);
}

TEST(RdataTest, CaaFields) {
  auto got = ParseCaaRdata("\x80\x05issueletsencrypt.org; accounturi=x"s);
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(got->flags, 128);
  EXPECT_EQ(got->tag, "issue");
  EXPECT_EQ(got->value, "letsencrypt.org; accounturi=x");
  auto empty_value = ParseCaaRdata("\x00\x09issuewild"s);
  ASSERT_TRUE(empty_value.ok());
  EXPECT_EQ(empty_value->tag, "issuewild");
  EXPECT_EQ(empty_value->value, "");
}

TEST(RdataTest, CaaRejectsMalformed) {
  for (const std::string& bad : {""s, "\x00"s, "\x00\x00"s, "\x00\x06issue"s,
                                 "\x00\x10" + std::string(16, 'a'), "\x00\x03is-x"s}) {
    auto got = ParseCaaRdata(bad);
    ASSERT_FALSE(got.ok()) << bad;
    EXPECT_EQ(got.error().detail, "DNS problem: malformed CAA record");
  }
}

TEST(RdataTest, TxtLimits) {
  std::vector<std::string> records(kMaxTxtRecords, "x");
  EXPECT_TRUE(CheckTxtLimits(records, "a.test").ok());
  records.push_back("x");
  auto many = CheckTxtLimits(records, "a.test");
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.error().detail, "DNS problem: too many TXT records (101, limit 100) for a.test");
  std::vector<std::string> big(2, std::string(kMaxTxtBytes / 2, 'y'));
  EXPECT_TRUE(CheckTxtLimits(big, "a.test").ok());
  big[1] += "z";
  auto large = CheckTxtLimits(big, "a.test");
  ASSERT_FALSE(large.ok());
  EXPECT_EQ(large.error().detail,
            "DNS problem: TXT records too large (65537 bytes, limit 65536) for a.test");
}

}  // namespace
}  // namespace signet::dns
