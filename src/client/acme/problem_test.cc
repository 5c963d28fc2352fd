#include "client/acme/problem.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace signet::client {
namespace {

boost::json::object Json(std::string_view text) { return boost::json::parse(text).as_object(); }

TEST(ProblemTest, MapsAcmeTypesToErrorCodes) {
  EXPECT_EQ(ErrorCodeForProblemType("urn:ietf:params:acme:error:badNonce"), ErrorCode::kBadNonce);
  EXPECT_EQ(ErrorCodeForProblemType("urn:ietf:params:acme:error:malformed"), ErrorCode::kMalformed);
  EXPECT_EQ(ErrorCodeForProblemType("urn:ietf:params:acme:error:badCSR"), ErrorCode::kBadCsr);
  EXPECT_EQ(ErrorCodeForProblemType("urn:ietf:params:acme:error:rejectedIdentifier"),
            ErrorCode::kRejectedIdentifier);
  EXPECT_EQ(ErrorCodeForProblemType("urn:ietf:params:acme:error:rateLimited"),
            ErrorCode::kRateLimited);
  EXPECT_EQ(ErrorCodeForProblemType("about:blank"), ErrorCode::kServerInternal);
  EXPECT_EQ(ErrorCodeForProblemType("badNonce"), ErrorCode::kServerInternal);
}

TEST(ProblemTest, ReadableDetailNamesEachIdentifier) {
  auto p = ParseProblem(Json(R"({
    "type": "urn:ietf:params:acme:error:rejectedIdentifier",
    "detail": "Cannot issue for 2 identifiers", "status": 400,
    "subproblems": [
      {"type": "urn:ietf:params:acme:error:rejectedIdentifier", "detail": "bad character",
       "identifier": {"type": "dns", "value": "a_b.example"}},
      {"type": "urn:ietf:params:acme:error:caa", "detail": "CAA forbids",
       "identifier": {"type": "dns", "value": "c.example"}}]})"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 400);
  ASSERT_EQ(p->subproblems.size(), 2u);
  EXPECT_EQ(p->subproblems[1].identifier_value, "c.example");
  Error e = ProblemToError(*p);
  EXPECT_EQ(e.code, ErrorCode::kRejectedIdentifier);
  EXPECT_EQ(e.detail,
            "rejectedIdentifier: Cannot issue for 2 identifiers; "
            "a_b.example: rejectedIdentifier: bad character; c.example: caa: CAA forbids");
}

TEST(ProblemTest, UnknownTypesKeepTheirName) {
  auto p = ParseProblem(Json(R"({"type": "urn:ietf:params:acme:error:userActionRequired",
                                 "detail": "accept the new terms"})"));
  ASSERT_TRUE(p);
  Error e = ProblemToError(*p);
  EXPECT_EQ(e.code, ErrorCode::kServerInternal);
  EXPECT_EQ(e.detail, "userActionRequired: accept the new terms");
  auto other = ParseProblem(Json(R"({"type": "https://example.com/oops"})"));
  ASSERT_TRUE(other);
  EXPECT_EQ(ProblemToError(*other).detail, "https://example.com/oops");
}

TEST(ProblemTest, WhatIsNotAProblem) {
  EXPECT_FALSE(ParseProblem(Json(R"({"status": "valid"})")));
  EXPECT_FALSE(ParseProblem(Json(R"({"type": 5})")));
  auto only_detail = ParseProblem(Json(R"({"detail": "no type", "subproblems": 7})"));
  ASSERT_TRUE(only_detail);
  EXPECT_EQ(only_detail->type, "about:blank");
  EXPECT_TRUE(only_detail->subproblems.empty());
}

}  // namespace
}  // namespace signet::client
