#include "bench/mock_dns.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace signet::bench {
namespace {

namespace json = boost::json;

TEST(MockDns, Dns01RecordIsTheDigestOfTheKeyAuthorization) {
  // RFC 8555 8.4: base64url, no padding, of SHA-256 over the key
  // authorization (RFC 8555 8.3 example token and thumbprint; the value
  // computed independently with Python hashlib).
  EXPECT_EQ(Dns01TxtValue("evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA."
                          "9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI"),
            "lCM7cZyQXcVHK2nnW3jjAhNT3Fvm18UN-kWZZknKoYM");
  EXPECT_EQ(Dns01RecordName("o1-ab.bench.test"), "_acme-challenge.o1-ab.bench.test.");
  EXPECT_EQ(Dns01RecordName("o1-ab.bench.test."), "_acme-challenge.o1-ab.bench.test.");
}

TEST(MockDns, ManagementBodies) {
  json::value set = json::parse(SetTxtBody("_acme-challenge.a.test.", "v"));
  EXPECT_EQ(set.at("host").as_string(), "_acme-challenge.a.test.");
  EXPECT_EQ(set.at("value").as_string(), "v");
  EXPECT_EQ(json::parse(HostBody("a.test.")).at("host").as_string(), "a.test.");
  json::value caa = json::parse(AddCaaBody("bench.test", "signet.invalid"));
  EXPECT_EQ(caa.at("host").as_string(), "bench.test.");
  const json::array& policies = caa.at("policies").as_array();
  ASSERT_EQ(policies.size(), 1u);
  EXPECT_EQ(policies[0].at("tag").as_string(), "issue");
  EXPECT_EQ(policies[0].at("value").as_string(), "signet.invalid");
}

}  // namespace
}  // namespace signet::bench
