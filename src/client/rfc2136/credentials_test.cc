// Tests the RFC 2136 credentials file as certbot-dns-rfc2136 reads it:
// defaults, required keys, algorithm names in any case, sign_query, the
// IP-address-only server, and the world-readable warning.
#include "client/rfc2136/credentials.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

namespace signet::client::rfc2136 {
namespace {

constexpr const char* kGood =
    "dns_rfc2136_server = 192.0.2.1\n"
    "dns_rfc2136_name = certbot.\n"
    "dns_rfc2136_secret = c2VjcmV0\n";

TEST(Rfc2136Credentials, DefaultsAsCertbot) {
  auto c = ParseCredentials(kGood, "f.ini");
  ASSERT_TRUE(c.ok()) << c.error().detail;
  EXPECT_EQ(c->server, "192.0.2.1");
  EXPECT_EQ(c->port, 53);
  EXPECT_EQ(c->key_name, "certbot.");
  EXPECT_EQ(c->secret, "c2VjcmV0");
  EXPECT_EQ(c->algorithm, "HMAC-MD5");
  EXPECT_FALSE(c->sign_query);
}

TEST(Rfc2136Credentials, EveryKey) {
  auto c = ParseCredentials(std::string(kGood) +
                                "dns_rfc2136_port = 5353\ndns_rfc2136_algorithm = hmac-sha512\n"
                                "dns_rfc2136_sign_query = True\n",
                            "f.ini");
  ASSERT_TRUE(c.ok()) << c.error().detail;
  EXPECT_EQ(c->port, 5353);
  EXPECT_EQ(c->algorithm, "HMAC-SHA512");
  EXPECT_TRUE(c->sign_query);
}

TEST(Rfc2136Credentials, AlgorithmNames) {
  EXPECT_EQ(TsigAlgorithmName("HMAC-MD5"), "hmac-md5.sig-alg.reg.int.");
  EXPECT_EQ(TsigAlgorithmName("HMAC-SHA1"), "hmac-sha1.");
  EXPECT_EQ(TsigAlgorithmName("hmac-sha224"), "hmac-sha224.");
  EXPECT_EQ(TsigAlgorithmName("HMAC-SHA256"), "hmac-sha256.");
  EXPECT_EQ(TsigAlgorithmName("HMAC-SHA384"), "hmac-sha384.");
  EXPECT_EQ(TsigAlgorithmName("HMAC-SHA512"), "hmac-sha512.");
  EXPECT_EQ(TsigAlgorithmName("HMAC-SHA3"), "");
  auto c = ParseCredentials(std::string(kGood) + "dns_rfc2136_algorithm = HMAC-SHA3\n", "f.ini");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().detail, "Unknown algorithm: HMAC-SHA3.");
}

TEST(Rfc2136Credentials, MissingKeysNamedAsCertbotDoes) {
  auto c = ParseCredentials("dns_rfc2136_server = 192.0.2.1\ndns_rfc2136_secret =\n", "f.ini");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(c.error().detail,
            "Missing properties in credentials configuration file f.ini: * Property "
            "\"dns_rfc2136_name\" not found (should be TSIG key name). * Property "
            "\"dns_rfc2136_secret\" not set (should be TSIG key secret).");
}

TEST(Rfc2136Credentials, ServerMustBeAnAddress) {
  auto c = ParseCredentials(
      "dns_rfc2136_server = ns.example.com\ndns_rfc2136_name = k\ndns_rfc2136_secret = s\n", "f");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().detail,
            "The configured target DNS server (ns.example.com) is not a valid IPv4 or IPv6 "
            "address. A hostname is not allowed.");
  EXPECT_TRUE(ParseCredentials(
                  "dns_rfc2136_server = ::1\ndns_rfc2136_name = k\ndns_rfc2136_secret = s\n", "f")
                  .ok());
}

TEST(Rfc2136Credentials, BadPort) {
  auto c = ParseCredentials(std::string(kGood) + "dns_rfc2136_port = 53x\n", "f.ini");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().detail.find("dns_rfc2136_port"), std::string::npos);
}

TEST(Rfc2136Credentials, WarnsWhenWorldReadable) {
  std::string path = ::testing::TempDir() + "/rfc2136_creds.ini";
  std::ofstream(path) << kGood;
  std::vector<std::string> warnings;
  auto warn = [&](const std::string& w) { warnings.push_back(w); };
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  ASSERT_TRUE(LoadCredentials(path, warn).ok());
  EXPECT_TRUE(warnings.empty());
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  ASSERT_TRUE(LoadCredentials(path, warn).ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "Unsafe permissions on credentials configuration file: " + path);
  auto missing = LoadCredentials(path + ".none", warn);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().detail, "File not found: " + path + ".none");
}

}  // namespace
}  // namespace signet::client::rfc2136
