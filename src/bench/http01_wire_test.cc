#include "bench/http01_wire.h"

#include <gtest/gtest.h>

namespace signet::bench {
namespace {

TEST(Http01Wire, ParsesTheValidatorsRequest) {
  auto r = ParseChallengeRequest(
      "GET /.well-known/acme-challenge/tok-EN_1 HTTP/1.1\r\nHost: o1-x.bench.test:5002\r\n"
      "User-Agent: Go-http-client/1.1\r\n\r\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->token, "tok-EN_1");
}

TEST(Http01Wire, OtherPathsHaveNoToken) {
  auto r = ParseChallengeRequest("HEAD /index.html HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->method, "HEAD");
  EXPECT_EQ(r->token, "");
  EXPECT_EQ(ParseChallengeRequest("GET /.well-known/acme-challenge/a/b HTTP/1.1\r\n\r\n")->token, "");
  EXPECT_EQ(
      ParseChallengeRequest("GET http://h/.well-known/acme-challenge/t?q HTTP/1.1\r\n\r\n")->token,
      "t");
}

TEST(Http01Wire, RejectsNonsense) {
  EXPECT_FALSE(ParseChallengeRequest("POST /.well-known/acme-challenge/t HTTP/1.1\r\n\r\n"));
  EXPECT_FALSE(ParseChallengeRequest("GET /x\r\n\r\n"));
  EXPECT_FALSE(ParseChallengeRequest("GET /x SPDY/3\r\n\r\n"));
  EXPECT_FALSE(ParseChallengeRequest(""));
}

TEST(Http01Wire, Response) {
  EXPECT_EQ(ChallengeResponse(200, "tok.thumb", false),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n"
            "Connection: close\r\n\r\ntok.thumb");
  EXPECT_EQ(ChallengeResponse(404, "", true),
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n"
            "Connection: close\r\n\r\n");
}

}  // namespace
}  // namespace signet::bench
