// ParseFetchResponse: the VA's reading of a whole response held in memory,
// which the fuzz target http01_response_fuzz drives.
#include "ca/va/http_fetch.h"

#include <gtest/gtest.h>

namespace signet::va {
namespace {

TEST(ParseFetchResponseTest, ReadsStatusLocationAndBody) {
  auto ok = ParseFetchResponse("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd", 512);
  ASSERT_TRUE(ok.ok()) << ok.error().detail;
  EXPECT_EQ(ok->status, 200u);
  EXPECT_EQ(ok->body, "abcd");
  auto moved =
      ParseFetchResponse("HTTP/1.1 302 Found\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n", 512);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->status, 302u);
  EXPECT_EQ(moved->location, "/x");
  // No length: the body runs to the end of the stream.
  auto eof = ParseFetchResponse("HTTP/1.0 200 OK\r\n\r\ntok.thumb\n", 512);
  ASSERT_TRUE(eof.ok()) << eof.error().detail;
  EXPECT_EQ(eof->body, "tok.thumb\n");
}

TEST(ParseFetchResponseTest, BodyPastTheLimitIsTruncatedNotKept) {
  auto big = ParseFetchResponse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", 4);
  ASSERT_TRUE(big.ok());
  EXPECT_TRUE(big->body_truncated);
  EXPECT_TRUE(big->body.empty());
}

TEST(ParseFetchResponseTest, IncompleteResponsesAreConnectionProblems) {
  for (const char* raw :
       {"HTTP/1.1 200 OK\r\nContent-Le", "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab", ""}) {
    auto r = ParseFetchResponse(raw, 512);
    ASSERT_FALSE(r.ok()) << raw;
    EXPECT_EQ(r.error().code, ErrorCode::kConnection);
    EXPECT_EQ(r.error().detail,
              "The server closed the connection before sending a complete response")
        << raw;
  }
  auto garbage = ParseFetchResponse("SSH-2.0-OpenSSH\r\n\r\n", 512);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().code, ErrorCode::kConnection);
  EXPECT_NE(garbage.error().detail.find("Error reading response"), std::string::npos)
      << garbage.error().detail;
}

}  // namespace
}  // namespace signet::va
