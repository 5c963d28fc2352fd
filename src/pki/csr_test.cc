#include "pki/csr.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace signet::pki {
namespace {

using crypto::Key;
using crypto::KeyType;

// A DER CSR signed by `key` with subject CN `cn` ("" for none) and a SAN
// extension in OpenSSL config syntax ("DNS:a,IP:1.2.3.4"; "" for none).
std::string MakeCsr(const Key& key, const std::string& cn, const std::string& sans) {
  crypto::X509ReqPtr req(X509_REQ_new());
  EXPECT_EQ(X509_REQ_set_version(req.get(), X509_REQ_VERSION_1), 1);
  crypto::X509NamePtr name(X509_NAME_new());
  if (!cn.empty())
    X509_NAME_add_entry_by_NID(name.get(), NID_commonName, MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_REQ_set_subject_name(req.get(), name.get());
  X509_REQ_set_pubkey(req.get(), key.get());
  if (!sans.empty()) {
    crypto::ExtStackPtr exts(sk_X509_EXTENSION_new_null());
    crypto::X509ExtPtr ext(
        X509V3_EXT_nconf_nid(nullptr, nullptr, NID_subject_alt_name, sans.c_str()));
    EXPECT_NE(ext, nullptr);
    sk_X509_EXTENSION_push(exts.get(), ext.release());
    EXPECT_EQ(X509_REQ_add_extensions(req.get(), exts.get()), 1);
  }
  EXPECT_GT(X509_REQ_sign(req.get(), key.get(), EVP_sha256()), 0);
  unsigned char* buf = nullptr;
  int len = i2d_X509_REQ(req.get(), &buf);
  std::string der(reinterpret_cast<char*>(buf), size_t(len));
  OPENSSL_free(buf);
  return der;
}

Key NewKey(KeyType type) {
  auto key = Key::Generate(type);
  EXPECT_TRUE(key.ok());
  return *key;
}

void ExpectBadCsr(const Result<Csr>& csr, const std::string& detail_part) {
  ASSERT_FALSE(csr.ok());
  EXPECT_EQ(csr.error().code, ErrorCode::kBadCsr);
  EXPECT_NE(csr.error().detail.find(detail_part), std::string::npos) << csr.error().detail;
}

TEST(ParseCsr, ExtractsNamesAndKey) {
  Key key = NewKey(KeyType::kEcP256);
  std::string der = MakeCsr(key, "Example.COM",
                            "DNS:WWW.Example.com,DNS:example.com,IP:192.0.2.1,IP:2001:db8::1");
  auto csr = ParseCsr(der);
  ASSERT_TRUE(csr.ok()) << csr.error().ToString();
  EXPECT_EQ(csr->common_name, "Example.COM");
  EXPECT_EQ(csr->dns_names, (std::vector<std::string>{"www.example.com", "example.com"}));
  EXPECT_EQ(csr->ip_addresses, (std::vector<std::string>{"192.0.2.1", "2001:db8::1"}));
  EXPECT_FALSE(csr->has_other_san_types);
  EXPECT_TRUE(csr->public_key.SamePublicKey(key));
  EXPECT_NE(csr->spki(), nullptr);
  EXPECT_EQ(CsrDnsNames(*csr), (std::vector<std::string>{"example.com", "www.example.com"}));
}

TEST(ParseCsr, AcceptsRsaCsrWithoutSans) {
  Key key = *Key::Generate(KeyType::kRsa, 2048);
  auto csr = ParseCsr(MakeCsr(key, "only-cn.example", ""));
  ASSERT_TRUE(csr.ok()) << csr.error().ToString();
  EXPECT_TRUE(csr->dns_names.empty());
  EXPECT_TRUE(csr->ip_addresses.empty());
  EXPECT_EQ(csr->public_key.Family(), "RSA");
  EXPECT_EQ(CsrDnsNames(*csr), (std::vector<std::string>{"only-cn.example"}));
}

TEST(ParseCsr, EmptySubjectHasNoCommonName) {
  auto csr = ParseCsr(MakeCsr(NewKey(KeyType::kEcP256), "", "DNS:a.example"));
  ASSERT_TRUE(csr.ok()) << csr.error().ToString();
  EXPECT_EQ(csr->common_name, "");
  EXPECT_EQ(CsrDnsNames(*csr), (std::vector<std::string>{"a.example"}));
}

TEST(ParseCsr, FlagsOtherSanTypes) {
  auto csr = ParseCsr(MakeCsr(NewKey(KeyType::kEcP256), "",
                              "DNS:a.example,email:me@a.example,URI:https://a.example/"));
  ASSERT_TRUE(csr.ok()) << csr.error().ToString();
  EXPECT_TRUE(csr->has_other_san_types);
  EXPECT_EQ(csr->dns_names, (std::vector<std::string>{"a.example"}));
}

TEST(ParseCsr, RejectsCorruptedSignature) {
  std::string der = MakeCsr(NewKey(KeyType::kEcP256), "a.example", "DNS:a.example");
  der.back() ^= 0x01;  // The last byte belongs to the signature.
  auto csr = ParseCsr(der);
  ASSERT_FALSE(csr.ok());
  EXPECT_EQ(csr.error().code, ErrorCode::kBadCsr);
  EXPECT_EQ(csr.error().detail, "CSR signature is invalid");
}

TEST(ParseCsr, RejectsTamperedContent) {
  std::string der = MakeCsr(NewKey(KeyType::kEcP256), "a.example", "DNS:a.example,DNS:b.example");
  size_t pos = der.find("b.example");
  ASSERT_NE(pos, std::string::npos);
  der[pos] = 'c';  // Still well-formed DER, but no longer what was signed.
  ExpectBadCsr(ParseCsr(der), "CSR signature is invalid");
}

// The error paths of the decoder (pki/csr_asn1.cc) before the signature.
TEST(ParseCsr, RejectsTrailingDataVersionAndUnreadableKey) {
  Key key = NewKey(KeyType::kEcP256);
  std::string der = MakeCsr(key, "a.example", "DNS:a.example");
  ExpectBadCsr(ParseCsr(der + std::string(1, '\0')), "trailing data after the CSR");

  // id-ecPublicKey (1.2.840.10045.2.1) turned into an OID no decoder knows.
  std::string ec_oid("\x2a\x86\x48\xce\x3d\x02\x01", 7);
  std::string unknown = der;
  size_t pos = unknown.find(ec_oid);
  ASSERT_NE(pos, std::string::npos);
  unknown[pos + ec_oid.size() - 1] = 0x09;
  ExpectBadCsr(ParseCsr(unknown), "CSR public key cannot be parsed");

  crypto::X509ReqPtr req(X509_REQ_new());
  X509_REQ_set_version(req.get(), 1);  // v2: not a PKCS#10 version
  X509_REQ_set_pubkey(req.get(), key.get());
  ASSERT_GT(X509_REQ_sign(req.get(), key.get(), EVP_sha256()), 0);
  unsigned char* buf = nullptr;
  int len = i2d_X509_REQ(req.get(), &buf);
  std::string v2(reinterpret_cast<char*>(buf), size_t(len));
  OPENSSL_free(buf);
  ExpectBadCsr(ParseCsr(v2), "unsupported CSR version");
}

TEST(ParseCsr, RejectsGarbageAndEmptyInput) {
  ExpectBadCsr(ParseCsr("this is not DER at all"), "DER");
  ExpectBadCsr(ParseCsr(""), "DER");
  std::string der = MakeCsr(NewKey(KeyType::kEcP256), "a.example", "");
  ExpectBadCsr(ParseCsr(der.substr(0, der.size() / 2)), "DER");
}

TEST(ParseCsr, RejectsTrailingBytes) {
  std::string der = MakeCsr(NewKey(KeyType::kEcP256), "a.example", "DNS:a.example");
  ASSERT_TRUE(ParseCsr(der).ok());
  ExpectBadCsr(ParseCsr(der + std::string("\0", 1)), "trailing");
}

TEST(CsrDnsNames, MergesCnAndSansCaseInsensitively) {
  auto csr = ParseCsr(MakeCsr(NewKey(KeyType::kEcP256), "B.Example",
                              "DNS:c.example,DNS:b.example,DNS:A.example,DNS:c.example"));
  ASSERT_TRUE(csr.ok()) << csr.error().ToString();
  EXPECT_EQ(CsrDnsNames(*csr),
            (std::vector<std::string>{"a.example", "b.example", "c.example"}));
}

TEST(CsrDnsNames, IpCommonNameMatchingAnIpSanIsNotADnsName) {
  auto csr = ParseCsr(MakeCsr(NewKey(KeyType::kEcP256), "192.0.2.9",
                              "DNS:a.example,IP:192.0.2.9"));
  ASSERT_TRUE(csr.ok()) << csr.error().ToString();
  EXPECT_EQ(CsrDnsNames(*csr), (std::vector<std::string>{"a.example"}));
}

}  // namespace
}  // namespace signet::pki
