// RenderLine: JSON and logfmt escaping keeps every value on one line and
// parseable, whatever bytes a client sent (quotes, newlines, control
// characters, invalid UTF-8).
#include "logging/log_line.h"

#include <gtest/gtest.h>

namespace signet::logging {
namespace {

TEST(LogLineTest, JsonFieldsInOrderNumbersUnquoted) {
  EXPECT_EQ(RenderLine(LogFormat::kJson, {Str("method", "POST"), Num("status", 201),
                                          Decimal("latency_ms", 1.23456)}),
            R"({"method":"POST","status":201,"latency_ms":1.235})");
  EXPECT_EQ(RenderLine(LogFormat::kJson, {}), "{}");
}

TEST(LogLineTest, JsonEscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(JsonQuoted("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(JsonQuoted("line1\nline2\r\t"), R"("line1\nline2\r\t")");
  EXPECT_EQ(JsonQuoted(std::string("\x01\x1f\x7f", 3)), R"("\u0001\u001f\u007f")");
  EXPECT_EQ(JsonQuoted(std::string("nul\0x", 5)), R"("nul\u0000x")");
}

TEST(LogLineTest, ValidUtf8KeptInvalidReplaced) {
  EXPECT_EQ(JsonQuoted("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92"),
            "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92\"");
  EXPECT_EQ(JsonQuoted("\xff"), R"("\ufffd")");
  EXPECT_EQ(JsonQuoted("\xc0\xaf"), R"("\ufffd\ufffd")");       // overlong '/'
  EXPECT_EQ(JsonQuoted("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");  // a surrogate
  EXPECT_EQ(JsonQuoted("ab\xe2\x82"), R"("ab\ufffd\ufffd")");   // truncated
}

TEST(LogLineTest, LogfmtBareOrQuoted) {
  EXPECT_EQ(RenderLine(LogFormat::kLogfmt, {Str("method", "GET"), Str("path", "/directory"),
                                            Num("status", 200)}),
            "method=GET path=/directory status=200");
  EXPECT_EQ(LogfmtValue(""), R"("")");
  EXPECT_EQ(LogfmtValue("two words"), R"("two words")");
  EXPECT_EQ(LogfmtValue("a=b"), R"("a=b")");
  EXPECT_EQ(LogfmtValue("say \"hi\""), R"("say \"hi\"")");
  EXPECT_EQ(LogfmtValue("evil\nstatus=200"), R"("evil\nstatus=200")");
  EXPECT_EQ(LogfmtValue("back\\slash"), R"("back\\slash")");
  EXPECT_EQ(LogfmtValue("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
  EXPECT_EQ(LogfmtValue("urn:ietf:params:acme:error:malformed"),
            "urn:ietf:params:acme:error:malformed");
}

TEST(LogLineTest, TailContinuesALine) {
  EXPECT_EQ(RenderTail(LogFormat::kJson, {Str("a", "1"), Num("b", 2)}), R"(,"a":"1","b":2)");
  EXPECT_EQ(RenderTail(LogFormat::kLogfmt, {Str("a", "1"), Num("b", 2)}), " a=1 b=2");
  EXPECT_EQ(RenderTail(LogFormat::kLogfmt, {}), "");
}

TEST(LogLineTest, ParseLogFormat) {
  LogFormat f = LogFormat::kJson;
  EXPECT_TRUE(ParseLogFormat("logfmt", &f));
  EXPECT_EQ(f, LogFormat::kLogfmt);
  EXPECT_TRUE(ParseLogFormat("json", &f));
  EXPECT_EQ(f, LogFormat::kJson);
  EXPECT_FALSE(ParseLogFormat("text", &f));
}

TEST(LogLineTest, KeyAuthorizationsMasked) {
  std::string token = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";
  std::string thumbprint = "9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";
  std::string detail = "The key authorization file from the server did not match this "
                       "challenge. Expected \"" + token + "." + thumbprint + "\" (got \"wrong\")";
  std::string masked = MaskKeyAuthorizations(detail);
  EXPECT_EQ(masked.find(thumbprint), std::string::npos) << masked;
  EXPECT_EQ(masked.find(token), std::string::npos) << masked;
  EXPECT_NE(masked.find("Expected \"[key authorization]\" (got \"wrong\")"), std::string::npos)
      << masked;
  EXPECT_EQ(MaskKeyAuthorizations("No TXT record found at _acme-challenge.example.com"),
            "No TXT record found at _acme-challenge.example.com");
}

}  // namespace
}  // namespace signet::logging
