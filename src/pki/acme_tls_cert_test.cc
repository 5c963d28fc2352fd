#include "pki/acme_tls_cert.h"

#include <gtest/gtest.h>

#include "crypto/digest.h"
#include "pki/certificate.h"
#include "pki/csr.h"
#include "pki/csr_builder.h"

namespace signet::pki {
namespace {

// The extnValue of the critical acmeIdentifier extension, or "" if absent
// or not critical.
std::string AcmeIdentifierValue(X509* cert) {
  crypto::Asn1ObjectPtr oid(OBJ_txt2obj("1.3.6.1.5.5.7.1.31", 1));
  int at = X509_get_ext_by_OBJ(cert, oid.get(), -1);
  if (at < 0) return "";
  X509_EXTENSION* ext = X509_get_ext(cert, at);
  if (!X509_EXTENSION_get_critical(ext)) return "";
  const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(ext);
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                     size_t(ASN1_STRING_length(data)));
}

TEST(AcmeTlsCert, DnsIdentifierHasItsSanAndTheCriticalDigest) {
  auto built = BuildAcmeTlsCert("dns", "a.example.com", "token.thumb");
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  X509* cert = built->cert.get();
  EXPECT_EQ(DnsSans(cert), std::vector<std::string>{"a.example.com"});
  EXPECT_TRUE(IpSans(cert).empty());
  // RFC 8737 3: DER OCTET STRING (04 20) of SHA-256(key authorization).
  EXPECT_EQ(AcmeIdentifierValue(cert), std::string("\x04\x20", 2) + crypto::Sha256("token.thumb"));
  EXPECT_EQ(X509_check_private_key(cert, built->key.get()), 1);
}

TEST(AcmeTlsCert, IpIdentifierIsAnIpAddressSan) {
  for (std::string ip : {"127.0.0.1", "2001:db8::1"}) {
    auto built = BuildAcmeTlsCert("ip", ip, "k");
    ASSERT_TRUE(built.ok()) << built.error().ToString();
    EXPECT_EQ(IpSans(built->cert.get()), std::vector<std::string>{ip});
    EXPECT_TRUE(DnsSans(built->cert.get()).empty());
  }
}

TEST(AcmeTlsCert, RefusesAnIpIdentifierThatIsNoAddress) {
  auto built = BuildAcmeTlsCert("ip", "example.com", "k");
  ASSERT_FALSE(built.ok());
  EXPECT_EQ(built.error().code, ErrorCode::kMalformed);
  EXPECT_NE(built.error().detail.find("not an IP address"), std::string::npos);
}

TEST(CsrBuilder, IpLiteralsBecomeIpAddressSansAndNeverTheCn) {
  auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(key.ok());
  auto der = BuildCsr(*key, {"127.0.0.1", "a.example.com", "::1"});
  ASSERT_TRUE(der.ok());
  auto csr = ParseCsr(*der);
  ASSERT_TRUE(csr.ok()) << csr.error().ToString();
  EXPECT_EQ(csr->common_name, "a.example.com");
  EXPECT_EQ(csr->dns_names, std::vector<std::string>{"a.example.com"});
  EXPECT_EQ(csr->ip_addresses, (std::vector<std::string>{"127.0.0.1", "::1"}));

  auto only_ip = BuildCsr(*key, {"127.0.0.1"});
  ASSERT_TRUE(only_ip.ok());
  auto parsed = ParseCsr(*only_ip);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->common_name, "");
  EXPECT_EQ(parsed->ip_addresses, std::vector<std::string>{"127.0.0.1"});
}

}  // namespace
}  // namespace signet::pki
