#include "bench/acme_messages.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "base/base64url.h"
#include "jose/jwk.h"
#include "jose/jws.h"

namespace signet::bench {
namespace {

namespace json = boost::json;

TEST(AcmeMessages, Payloads) {
  EXPECT_EQ(NewOrderPayload({"a.test", "b.test"}),
            R"({"identifiers":[{"type":"dns","value":"a.test"},{"type":"dns","value":"b.test"}]})");
  EXPECT_EQ(FinalizePayload(std::string("\xfb\xff", 2)), R"({"csr":"-_8"})");
  EXPECT_EQ(json::parse(NewAccountPayload()).at("termsOfServiceAgreed").as_bool(), true);
  EXPECT_EQ(KeyAuthorization("tok", "thumb"), "tok.thumb");
}

TEST(AcmeMessages, NamesAreUniqueAndValid) {
  EXPECT_EQ(OrderName(123, 0, "ab12cd"), "o123-ab12cd.bench.test");
  EXPECT_EQ(OrderName(123, 2, "ab12cd"), "o123n2-ab12cd.bench.test");
  std::string tag = RandomTag(6);
  EXPECT_EQ(tag.size(), 6u);
  EXPECT_EQ(tag.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(RandomTag(8), RandomTag(8));
}

TEST(AcmeMessages, SignsWithJwkThenKid) {
  auto account = NewBenchAccount();
  ASSERT_TRUE(account.ok());
  EXPECT_EQ(account->thumbprint, jose::Thumbprint(account->key));
  auto first = SignRequest(*account, "n1", "https://ca/new-acct", NewAccountPayload());
  ASSERT_TRUE(first.ok());
  auto parsed = jose::ParseFlattened(*first);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->nonce, "n1");
  EXPECT_EQ(parsed->url, "https://ca/new-acct");
  EXPECT_EQ(parsed->alg, "ES256");
  ASSERT_TRUE(parsed->jwk.has_value());
  EXPECT_TRUE(parsed->kid.empty());
  EXPECT_TRUE(jose::Verify(*parsed, account->key).ok());

  account->kid = "https://ca/acct/1";
  auto second = SignRequest(*account, "n2", "https://ca/order/1", "");
  ASSERT_TRUE(second.ok());
  parsed = jose::ParseFlattened(*second);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->kid, "https://ca/acct/1");
  EXPECT_FALSE(parsed->jwk.has_value());
  EXPECT_EQ(parsed->payload, "");
}

}  // namespace
}  // namespace signet::bench
