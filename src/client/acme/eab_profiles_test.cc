// The pure parts of EAB (the binding JWS) and of profile choice.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "base/base64url.h"
#include "client/acme/eab.h"
#include "client/acme/profiles.h"
#include "crypto/key.h"
#include "jose/jwk.h"
#include "jose/jws_hmac.h"

namespace signet::client {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

TEST(ClientEabTest, ParsesCertbotsFlags) {
  auto b = ParseExternalAccountBinding("kid-1", Base64UrlEncode("0123456789abcdef") + "==", "HS384");
  ASSERT_TRUE(b.ok()) << b.error().detail;
  EXPECT_EQ(b->kid, "kid-1");
  EXPECT_EQ(b->hmac_key, "0123456789abcdef");
  EXPECT_EQ(b->alg, jose::MacAlg::kHS384);

  auto bad_alg = ParseExternalAccountBinding("k", "AAAA", "HS1");
  ASSERT_FALSE(bad_alg.ok());
  EXPECT_EQ(bad_alg.error().detail, "--eab-hmac-alg HS1 is not one of HS256, HS384, HS512");
  auto standard = ParseExternalAccountBinding("k", "a+b/", "HS256");
  ASSERT_TRUE(standard.ok());
  EXPECT_EQ(standard->hmac_key, ParseExternalAccountBinding("k", "a-b_", "HS256")->hmac_key);
  auto bad_key = ParseExternalAccountBinding("k", "a!b", "HS256");
  ASSERT_FALSE(bad_key.ok());
  EXPECT_THAT(bad_key.error().detail, HasSubstr("--eab-hmac-key is not the base64url key"));
  EXPECT_FALSE(ParseExternalAccountBinding("k", "", "HS256").ok());
  EXPECT_FALSE(ParseExternalAccountBinding("", "AAAA", "HS256").ok());
}

TEST(ClientEabTest, TheBindingIsAMacOverTheAccountKey) {
  auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(key.ok());
  json::object jwk = jose::PublicJwk(*key);
  ExternalAccountBinding eab{"kid-7", "secret-mac-key-of-32-bytes-long!", jose::MacAlg::kHS512};
  auto binding = SignExternalAccountBinding(eab, jwk, "https://ca.test/new-acct");
  ASSERT_TRUE(binding.ok()) << binding.error().detail;
  auto parsed = jose::ParseFlattened(json::serialize(*binding));
  ASSERT_TRUE(parsed.ok()) << parsed.error().detail;
  EXPECT_EQ(parsed->alg, "HS512");
  EXPECT_EQ(parsed->kid, "kid-7");
  EXPECT_EQ(parsed->url, "https://ca.test/new-acct");
  EXPECT_FALSE(parsed->header.contains("nonce"));
  EXPECT_EQ(parsed->payload, json::serialize(jwk));
  EXPECT_TRUE(jose::VerifyMac(*parsed, eab.hmac_key).ok());
  EXPECT_FALSE(jose::VerifyMac(*parsed, "another key").ok());
}

Directory WithProfiles(std::map<std::string, std::string> profiles) {
  Directory d;
  d.url = "https://ca.test/dir";
  d.profiles = std::move(profiles);
  return d;
}

TEST(ProfileChoiceTest, PreferredFallsBackToTheDefault) {
  Directory dir = WithProfiles({{"classic", "c"}, {"tlsserver", "t"}});
  auto offered = ChooseProfile(dir, {"tlsserver", ""});
  ASSERT_TRUE(offered.ok());
  EXPECT_EQ(offered->profile, "tlsserver");
  EXPECT_EQ(offered->note, "");
  auto absent = ChooseProfile(dir, {"shortlived", ""});
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ(absent->profile, "");
  EXPECT_EQ(absent->note,
            "the preferred profile \"shortlived\" is not offered by the ACME server (it offers: "
            "classic, tlsserver); using its default profile");
  auto none = ChooseProfile(WithProfiles({}), {"tlsserver", ""});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->profile, "");
  EXPECT_THAT(none->note, HasSubstr("it offers none"));
  auto unset = ChooseProfile(dir, {});
  ASSERT_TRUE(unset.ok());
  EXPECT_EQ(unset->profile, "");
  EXPECT_EQ(unset->note, "");
}

TEST(ProfileChoiceTest, RequiredMustBeOffered) {
  Directory dir = WithProfiles({{"classic", "c"}, {"tlsserver", "t"}});
  auto offered = ChooseProfile(dir, {"", "classic"});
  ASSERT_TRUE(offered.ok());
  EXPECT_EQ(offered->profile, "classic");
  auto absent = ChooseProfile(dir, {"", "shortlived"});
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(absent.error().detail,
            "the required profile \"shortlived\" is not offered by the ACME server at "
            "https://ca.test/dir (it offers: classic, tlsserver)");
  auto both = ChooseProfile(dir, {"classic", "tlsserver"});  // required wins
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->profile, "tlsserver");
}

TEST(ProfileChoiceTest, DirectoryListsProfiles) {
  auto d = ParseDirectory(json::parse(R"({"newNonce":"n","newAccount":"a","newOrder":"o",
      "meta":{"profiles":{"classic":"The usual","tlsserver":"TLS servers"}}})").as_object(), "u");
  ASSERT_TRUE(d.ok()) << d.error().detail;
  EXPECT_EQ(d->profiles, (std::map<std::string, std::string>{{"classic", "The usual"},
                                                              {"tlsserver", "TLS servers"}}));
}

}  // namespace
}  // namespace signet::client
