#include "pki/issuer.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <chrono>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "crypto/digest.h"
#include "pki/ca_hierarchy.h"
#include "pki/cert_builder.h"
#include "pki/csr.h"
#include "pki/csr_builder.h"
#include "pki/test_support.h"

namespace signet::pki {
namespace {

using crypto::Key;
using crypto::KeyType;
using crypto::X509Ptr;

constexpr char kAiaUrl[] = "http://ca.example/intermediate.der?a=1,b=2";

Clock::time_point WholeSeconds(Clock::time_point t) {
  return Clock::from_time_t(Clock::to_time_t(t));
}

std::string SubjectCn(X509* cert) {
  char buf[256] = {0};
  int len = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf,
                                      sizeof(buf));
  return len < 0 ? "" : std::string(buf, size_t(len));
}

std::vector<std::string> IpSans(X509* cert) {
  std::vector<std::string> out;
  crypto::GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names.get(), i);
    if (n->type != GEN_IPADD) continue;
    char text[INET6_ADDRSTRLEN] = {0};
    int len = ASN1_STRING_length(n->d.iPAddress);
    inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(n->d.iPAddress), text,
              sizeof(text));
    out.emplace_back(text);
  }
  return out;
}

bool ExtensionIsCritical(X509* cert, int nid) {
  int idx = X509_get_ext_by_NID(cert, nid, -1);
  return idx >= 0 && X509_EXTENSION_get_critical(X509_get_ext(cert, idx)) == 1;
}

std::string CaIssuersUrl(X509* cert) {
  crypto::AuthorityInfoAccessPtr aia(static_cast<AUTHORITY_INFO_ACCESS*>(
      X509_get_ext_d2i(cert, NID_info_access, nullptr, nullptr)));
  for (int i = 0; aia && i < sk_ACCESS_DESCRIPTION_num(aia.get()); ++i) {
    const ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia.get(), i);
    if (OBJ_obj2nid(ad->method) == NID_ad_ca_issuers && ad->location->type == GEN_URI)
      return std::string(reinterpret_cast<const char*>(
                             ASN1_STRING_get0_data(ad->location->d.uniformResourceIdentifier)),
                         size_t(ASN1_STRING_length(ad->location->d.uniformResourceIdentifier)));
  }
  return "";
}

class IssueLeafTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ca = CaHierarchy::LoadOrCreate(dir_.path(), "Test");
    ASSERT_TRUE(ca.ok()) << ca.error().ToString();
    ca_.emplace(std::move(*ca));
  }

  LeafTemplate Template(KeyType key_type) {
    LeafTemplate t;
    t.subject_key = *Key::Generate(key_type);
    t.dns_names = {"example.com", "www.example.com"};
    t.ip_addresses = {"192.0.2.7", "2001:db8::7"};
    t.serial = RandomSerial();
    t.not_before = WholeSeconds(Clock::now() - std::chrono::hours(1));
    t.not_after = t.not_before + std::chrono::days(90);
    t.ca_issuers_url = kAiaUrl;
    return t;
  }

  const Issuer& intermediate() const { return ca_->intermediate(); }

  testing_support::ScopedTempDir dir_;
  std::optional<CaHierarchy> ca_;
};

TEST_F(IssueLeafTest, EcdsaLeafHasTheProfile) {
  LeafTemplate t = Template(KeyType::kEcP256);
  auto cert = IssueLeaf(intermediate(), t);
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  X509* leaf = cert->get();

  EXPECT_EQ(X509_get_version(leaf), X509_VERSION_3);
  EXPECT_EQ(X509_verify(leaf, intermediate().public_key().get()), 1);
  EXPECT_NE(X509_verify(leaf, X509_get0_pubkey(ca_->root().cert.get())), 1);
  EXPECT_EQ(X509_get_signature_nid(leaf), NID_ecdsa_with_SHA256);
  EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(leaf),
                          X509_get_subject_name(intermediate().cert.get())), 0);
  EXPECT_EQ(SubjectCn(leaf), "example.com");
  EXPECT_EQ(DnsSans(leaf), t.dns_names);
  EXPECT_EQ(IpSans(leaf), t.ip_addresses);
  EXPECT_FALSE(ExtensionIsCritical(leaf, NID_subject_alt_name));

  std::string hex = crypto::HexEncode(t.serial);
  EXPECT_EQ(SerialHex(leaf), hex.substr(hex.find_first_not_of('0')));
  EXPECT_EQ(NotAfter(leaf), t.not_after);
  std::tm nb{};
  ASSERT_EQ(ASN1_TIME_to_tm(X509_get0_notBefore(leaf), &nb), 1);
  EXPECT_EQ(Clock::from_time_t(timegm(&nb)), t.not_before);
  EVP_PKEY* pub = X509_get0_pubkey(leaf);
  EXPECT_EQ(EVP_PKEY_eq(pub, t.subject_key.get()), 1);
}

TEST_F(IssueLeafTest, EcdsaLeafHasTheExtensions) {
  auto cert = IssueLeaf(intermediate(), Template(KeyType::kEcP256));
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  X509* leaf = cert->get();

  EXPECT_EQ(X509_check_ca(leaf), 0);
  EXPECT_TRUE(ExtensionIsCritical(leaf, NID_basic_constraints));
  EXPECT_TRUE(ExtensionIsCritical(leaf, NID_key_usage));
  EXPECT_EQ(X509_get_key_usage(leaf), uint32_t(KU_DIGITAL_SIGNATURE));
  EXPECT_EQ(X509_get_extended_key_usage(leaf), uint32_t(XKU_SSL_SERVER));
  ASSERT_NE(X509_get0_subject_key_id(leaf), nullptr);
  ASSERT_NE(X509_get0_authority_key_id(leaf), nullptr);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(leaf),
                                  X509_get0_subject_key_id(intermediate().cert.get())), 0);
  EXPECT_EQ(CaIssuersUrl(leaf), kAiaUrl);
}

TEST_F(IssueLeafTest, RsaSubjectKeyAlsoGetsKeyEncipherment) {
  auto cert = IssueLeaf(intermediate(), Template(KeyType::kRsa));
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  EXPECT_EQ(X509_get_key_usage(cert->get()),
            uint32_t(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
}

std::string SpkiDer(X509* cert) {
  unsigned char* der = nullptr;
  int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
  std::string out(reinterpret_cast<char*>(der), size_t(len > 0 ? len : 0));
  OPENSSL_free(der);
  return out;
}

// The SPKI copied from a CSR (no re-encoding) gives the certificate the same
// key, bytes and key identifier as encoding the key itself.
TEST_F(IssueLeafTest, SpkiCopiedFromTheCsrMatchesTheEncodedKey) {
  for (KeyType type : {KeyType::kEcP256, KeyType::kEcP384, KeyType::kRsa}) {
    LeafTemplate t = Template(type);
    auto csr_der = BuildCsr(t.subject_key, {"example.com"});
    ASSERT_TRUE(csr_der.ok()) << csr_der.error().ToString();
    auto csr = ParseCsr(*csr_der);
    ASSERT_TRUE(csr.ok()) << csr.error().ToString();
    auto encoded = IssueLeaf(intermediate(), t);
    t.subject_spki = csr->spki();
    auto copied = IssueLeaf(intermediate(), t);
    ASSERT_TRUE(encoded.ok() && copied.ok());
    EXPECT_FALSE(SpkiDer(copied->get()).empty());
    EXPECT_EQ(SpkiDer(copied->get()), SpkiDer(encoded->get()));
    // As every consumer sees it: read back from its encoding.
    auto reread = CertFromPem(CertToPem(copied->get()));
    ASSERT_TRUE(reread.ok()) << reread.error().ToString();
    EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(reread->get()), t.subject_key.get()), 1);
    EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_subject_key_id(reread->get()),
                                    X509_get0_subject_key_id(encoded->get())), 0);
    EXPECT_EQ(testing_support::VerifyChain(ca_->root().cert.get(), intermediate().cert.get(),
                                           reread->get(), "example.com"),
              "");
  }
}

TEST_F(IssueLeafTest, ChainVerifiesToTheRoot) {
  auto cert = IssueLeaf(intermediate(), Template(KeyType::kEcP384));
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  EXPECT_EQ(testing_support::VerifyChain(ca_->root().cert.get(), intermediate().cert.get(),
                                         cert->get(), "www.example.com"),
            "");
  EXPECT_NE(testing_support::VerifyChain(ca_->root().cert.get(), intermediate().cert.get(),
                                         cert->get(), "other.example"),
            "");
}

TEST_F(IssueLeafTest, CommonNameFallsBackToIpAndSkipsLongNames) {
  LeafTemplate t = Template(KeyType::kEcP256);
  t.dns_names.clear();
  auto ip_only = IssueLeaf(intermediate(), t);
  ASSERT_TRUE(ip_only.ok()) << ip_only.error().ToString();
  EXPECT_EQ(SubjectCn(ip_only->get()), "192.0.2.7");
  EXPECT_TRUE(DnsSans(ip_only->get()).empty());

  t = Template(KeyType::kEcP256);
  std::string long_name = std::string(70, 'a') + ".example";
  t.dns_names = {long_name, "short.example"};
  auto long_first = IssueLeaf(intermediate(), t);
  ASSERT_TRUE(long_first.ok()) << long_first.error().ToString();
  EXPECT_EQ(SubjectCn(long_first->get()), "short.example");
  EXPECT_EQ(DnsSans(long_first->get()), t.dns_names);
}

TEST_F(IssueLeafTest, NoAiaWhenUrlEmpty) {
  LeafTemplate t = Template(KeyType::kEcP256);
  t.ca_issuers_url.clear();
  auto cert = IssueLeaf(intermediate(), t);
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  EXPECT_LT(X509_get_ext_by_NID(cert->get(), NID_info_access, -1), 0);
}

TEST_F(IssueLeafTest, RejectsBadTemplates) {
  LeafTemplate t = Template(KeyType::kEcP256);
  t.serial = std::string(7, '\x01');
  EXPECT_FALSE(IssueLeaf(intermediate(), t).ok());
  t.serial = "\x80" + std::string(15, '\x01');
  EXPECT_FALSE(IssueLeaf(intermediate(), t).ok());
  t = Template(KeyType::kEcP256);
  t.dns_names.clear();
  t.ip_addresses.clear();
  EXPECT_FALSE(IssueLeaf(intermediate(), t).ok());
  t = Template(KeyType::kEcP256);
  t.ip_addresses = {"not-an-ip"};
  EXPECT_FALSE(IssueLeaf(intermediate(), t).ok());
  t = Template(KeyType::kEcP256);
  t.not_after = t.not_before - std::chrono::seconds(1);
  EXPECT_FALSE(IssueLeaf(intermediate(), t).ok());
  EXPECT_FALSE(IssueLeaf(Issuer{}, Template(KeyType::kEcP256)).ok());
}

// An RSA CA signs with sha256WithRSAEncryption.
TEST_F(IssueLeafTest, RsaIssuerSignsWithRsaSha256) {
  Key ca_key = *Key::Generate(KeyType::kRsa, 2048);
  Clock::time_point now = Clock::now();
  internal::CertSpec spec{RandomSerial(), now, now + std::chrono::days(1), "RSA CA", &ca_key};
  auto ca_cert = internal::NewCert(spec, nullptr);
  ASSERT_TRUE(ca_cert.ok());
  X509* c = ca_cert->get();
  ASSERT_TRUE(internal::AddConfExtension(c, c, NID_basic_constraints, "critical,CA:TRUE").ok());
  ASSERT_TRUE(internal::AddConfExtension(c, c, NID_subject_key_identifier, "hash").ok());
  ASSERT_TRUE(internal::SignCert(c, ca_key).ok());
  Issuer rsa_ca{std::move(*ca_cert), crypto::MemorySigningKey(ca_key, "test")};

  auto cert = IssueLeaf(rsa_ca, Template(KeyType::kEcP256));
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  EXPECT_EQ(X509_get_signature_nid(cert->get()), NID_sha256WithRSAEncryption);
  EXPECT_EQ(X509_verify(cert->get(), ca_key.get()), 1);
}

TEST(RandomSerial, IsSixteenPositiveBytesAndVaries) {
  for (int i = 0; i < 200; ++i) {
    std::string s = RandomSerial();
    ASSERT_EQ(s.size(), 16u);
    unsigned char first = static_cast<unsigned char>(s[0]);
    EXPECT_GE(first, 0x01);
    EXPECT_LE(first, 0x7f);
  }
  EXPECT_NE(RandomSerial(), RandomSerial());
}

// The CA records a certificate's to-be-signed bytes before it signs them
// (Boulder's precertificates): BuildLeaf's TBS must be exactly what ends up
// signed, signature algorithm included, for EC and RSA issuers alike.
TEST_F(IssueLeafTest, BuiltTbsIsExactlyWhatIsSigned) {
  Issuer rsa_issuer{crypto::X509Ptr(X509_dup(intermediate().cert.get())),
                    crypto::MemorySigningKey(*Key::Generate(KeyType::kRsa), "test")};
  for (const Issuer* issuer : {&intermediate(), static_cast<const Issuer*>(&rsa_issuer)}) {
    auto built = BuildLeaf(*issuer, Template(KeyType::kEcP256));
    ASSERT_TRUE(built.ok()) << built.error().ToString();
    std::string tbs = TbsDer(built->get());
    ASSERT_FALSE(tbs.empty());
    ASSERT_TRUE(SignLeaf(*issuer, built->get()).ok());
    EXPECT_EQ(TbsDer(built->get()), tbs) << "issuer key " << issuer->public_key().Family();
    EXPECT_EQ(X509_verify(built->get(), issuer->public_key().get()), 1);
  }
}

}  // namespace
}  // namespace signet::pki
