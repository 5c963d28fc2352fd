#include "client/acme/resources.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace signet::client {
namespace {

boost::json::object Json(std::string_view text) { return boost::json::parse(text).as_object(); }

TEST(ResourcesTest, Directory) {
  auto d = ParseDirectory(Json(R"({"newNonce":"n","newAccount":"a","newOrder":"o",
      "revokeCert":"r","keyChange":"k","renewalInfo":"ri",
      "meta":{"termsOfService":"tos","externalAccountRequired":true,"caaIdentities":["x"]}})"),
                          "https://ca/dir");
  ASSERT_TRUE(d.ok()) << d.error().detail;
  EXPECT_EQ(d->new_nonce, "n");
  EXPECT_EQ(d->renewal_info, "ri");
  EXPECT_EQ(d->terms_of_service, "tos");
  EXPECT_TRUE(d->external_account_required);
  EXPECT_EQ(d->caa_identities, std::vector<std::string>{"x"});
  auto bare = ParseDirectory(Json(R"({"newNonce":"n","newAccount":"a","newOrder":"o"})"), "u");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->renewal_info, "");
  EXPECT_FALSE(bare->external_account_required);
  auto missing = ParseDirectory(Json(R"({"newNonce":"n","newOrder":"o"})"), "https://ca/dir");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().detail,
            "the directory at https://ca/dir has no valid \"newAccount\" (a string expected)");
}

TEST(ResourcesTest, OrderWithError) {
  auto o = ParseOrder(Json(R"({"status":"invalid","identifiers":[{"type":"dns","value":"a.test"}],
      "authorizations":["https://ca/authz/1"],"finalize":"https://ca/fin/1",
      "error":{"type":"urn:ietf:params:acme:error:unauthorized","detail":"no"}})"),
                      "https://ca/order/1");
  ASSERT_TRUE(o.ok()) << o.error().detail;
  EXPECT_EQ(o->url, "https://ca/order/1");
  EXPECT_EQ(o->identifiers, (std::vector<Identifier>{{"dns", "a.test"}}));
  EXPECT_EQ(o->authorizations, std::vector<std::string>{"https://ca/authz/1"});
  ASSERT_TRUE(o->error);
  EXPECT_EQ(ProblemToError(*o->error).code, ErrorCode::kUnauthorized);
  EXPECT_EQ(o->certificate_url, "");
  auto bad = ParseOrder(Json(R"({"status":"pending","identifiers":[],"authorizations":[1],
      "finalize":"f"})"),
                        "https://ca/order/2");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().detail.find("\"authorizations\""), std::string::npos);
}

TEST(ResourcesTest, AuthorizationAndChallenges) {
  auto a = ParseAuthorization(Json(R"({"identifier":{"type":"dns","value":"x.test"},
      "status":"pending","wildcard":true,"challenges":[
        {"type":"http-01","url":"https://ca/c/1","token":"tok","status":"pending"},
        {"type":"dns-01","url":"https://ca/c/2","token":"tok2","status":"invalid",
         "error":{"type":"urn:ietf:params:acme:error:dns","detail":"NXDOMAIN"}}]})"),
                              "https://ca/authz/1");
  ASSERT_TRUE(a.ok()) << a.error().detail;
  EXPECT_EQ(a->identifier.value, "x.test");
  EXPECT_TRUE(a->wildcard);
  ASSERT_NE(a->FindChallenge("http-01"), nullptr);
  EXPECT_EQ(a->FindChallenge("http-01")->token, "tok");
  ASSERT_TRUE(a->FindChallenge("dns-01")->error);
  EXPECT_EQ(a->FindChallenge("dns-01")->error->detail, "NXDOMAIN");
  EXPECT_EQ(a->FindChallenge("tls-alpn-01"), nullptr);
  auto bad = ParseAuthorization(Json(R"({"status":"pending","challenges":[]})"), "u");
  EXPECT_FALSE(bad.ok());
}

}  // namespace
}  // namespace signet::client
