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

}  // namespace
}  // namespace signet::va
