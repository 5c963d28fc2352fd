// The response interpretation of the request layer; the signed requests
// themselves run against the CA in acme_client_test.cc.
#include "client/acme/transport.h"

#include <gtest/gtest.h>

namespace signet::client {
namespace {

const std::string kUrl = "https://ca.test:14000/acme/new-order";

http::Response Answer(int status, std::string content_type, std::string body) {
  http::Response r;
  r.status = status;
  if (!content_type.empty()) r.Set("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

TEST(InterpretResponseTest, ProblemDocumentBecomesError) {
  auto r = InterpretResponse(
      kUrl,
      Answer(403, "application/problem+json",
             R"({"type":"urn:ietf:params:acme:error:unauthorized","detail":"not yours"})"),
      Expect::kJson);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(r.error().detail, "unauthorized: not yours");
}

TEST(InterpretResponseTest, GarbageIsAClearError) {
  for (auto [status, body] : {std::pair{502, "<html>Bad Gateway</html>"},
                              {500, ""},
                              {404, "[1,2]"},
                              {200, "not json"},
                              {201, "[]"}}) {
    auto r = InterpretResponse(kUrl, Answer(status, "text/html", body), Expect::kJson);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, ErrorCode::kServerInternal);
    EXPECT_EQ(r.error().detail, "the server at " + kUrl + " did not answer with ACME JSON (HTTP " +
                                    std::to_string(status) + ")");
  }
  auto pem = InterpretResponse(kUrl, Answer(200, "application/pem-certificate-chain", "PEM"),
                               Expect::kAny);
  ASSERT_TRUE(pem.ok());
  EXPECT_EQ(pem->body, "PEM");
}

TEST(InterpretResponseTest, KeepsLocationAndLinks) {
  http::Response res = Answer(201, "application/json", R"({"status":"pending"})");
  res.Add("Location", "/acme/order/7");
  res.Add("Link", "<https://ca.test:14000/directory>;rel=\"index\"");
  res.Add(
      "Link",
      "</acme/cert/1/1>; rel=\"alternate\", <https://ca.test:14000/acme/cert/1/2>;rel=alternate");
  res.Add("Link", "<https://ca.test:14000/acme/issuer>;rel=\"up\"");
  res.Add("Retry-After", "3");
  auto r = InterpretResponse(kUrl, res, Expect::kJson);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->json.at("status").as_string(), "pending");
  EXPECT_EQ(r->Location(), "https://ca.test:14000/acme/order/7");
  EXPECT_EQ(r->Links("alternate"),
            (std::vector<std::string>{"https://ca.test:14000/acme/cert/1/1",
                                      "https://ca.test:14000/acme/cert/1/2"}));
  EXPECT_EQ(r->Links("up"), std::vector<std::string>{"https://ca.test:14000/acme/issuer"});
  EXPECT_TRUE(r->Links("next").empty());
  EXPECT_EQ(r->RetryAfter(), std::chrono::milliseconds(3000));
}

// RFC 9110 10.2.2: Location and Link targets are URI references, resolved
// against the request's URL (RFC 3986 5.2), not only absolute paths.
TEST(InterpretResponseTest, ResolvesRelativeReferences) {
  http::Response res = Answer(201, "application/json", "{}");
  res.Add("Location", "7");
  res.Add("Link", "<../issuer>;rel=\"up\"");
  res.Add("Link", "<//other.test/dir>;rel=\"index\"");
  auto r = InterpretResponse(kUrl, res, Expect::kJson);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Location(), "https://ca.test:14000/acme/7");
  EXPECT_EQ(r->Links("index"), std::vector<std::string>{"https://other.test/dir"});
  EXPECT_EQ(r->Links("up"), std::vector<std::string>{"https://ca.test:14000/issuer"});
}

}  // namespace
}  // namespace signet::client
