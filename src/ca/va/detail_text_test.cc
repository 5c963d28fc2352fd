#include "ca/va/detail_text.h"

#include <gtest/gtest.h>

namespace signet::va {
namespace {

TEST(DetailText, QuotesAndEscapesWhatARemoteSent) {
  EXPECT_EQ(QuoteForDetail("plain"), "\"plain\"");
  EXPECT_EQ(QuoteForDetail("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(QuoteForDetail("x\ny"), "\"x\\ny\"");
  EXPECT_EQ(QuoteForDetail(std::string_view("\x01\xff", 2)), "\"\\x01\\xff\"");
}

TEST(DetailText, QuotesAtMostTheCap) {
  const std::string long_text = std::string(kMaxQuotedBytes, 'a') + std::string(172, 'b');
  EXPECT_EQ(QuoteForDetail(long_text),
            "\"" + std::string(kMaxQuotedBytes, 'a') + "\"... (300 bytes in all)");
  EXPECT_EQ(QuoteForDetail(std::string(kMaxQuotedBytes, 'a')),
            "\"" + std::string(kMaxQuotedBytes, 'a') + "\"");
  EXPECT_EQ(QuoteForDetail("abcdef", 3), "\"abc\"... (6 bytes in all)");
}

// A body from a reserved or private address is never relayed unless
// validating against such addresses is allowed (testing).
TEST(DetailText, BodyFromAReservedAddressIsNotShown) {
  for (const char* address : {"127.0.0.1", "10.1.2.3", "192.168.0.7", "::1", "fd00::5"}) {
    const std::string withheld = BodyForDetail("internal secret", address, false);
    EXPECT_EQ(withheld.find("internal secret"), std::string::npos) << address << ": " << withheld;
    EXPECT_EQ(withheld, "the response body from a reserved address is not shown");
    EXPECT_EQ(BodyForDetail("internal secret", address, true), "got \"internal secret\"")
        << address;
  }
  EXPECT_EQ(BodyForDetail("public page", "93.184.216.34", false), "got \"public page\"");
  EXPECT_EQ(BodyForDetail(std::string(1000, 'x'), "93.184.216.34", false),
            "got \"" + std::string(kMaxQuotedBytes, 'x') + "\"... (1000 bytes in all)");
}

}  // namespace
}  // namespace signet::va
