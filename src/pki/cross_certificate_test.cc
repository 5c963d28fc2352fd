#include "pki/cross_certificate.h"

#include <gtest/gtest.h>

#include <optional>

#include "pki/ca_hierarchy.h"
#include "pki/test_support.h"

namespace signet::pki {
namespace {

using crypto::X509Ptr;
using testing_support::ScopedTempDir;

std::string NameDer(X509_NAME* name) {
  unsigned char* der = nullptr;
  int len = i2d_X509_NAME(name, &der);
  std::string out(reinterpret_cast<char*>(der), size_t(len > 0 ? len : 0));
  OPENSSL_free(der);
  return out;
}

std::string OctetString(const ASN1_OCTET_STRING* s) {
  if (!s) return "";
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     size_t(ASN1_STRING_length(s)));
}

std::string ExtensionDer(X509* cert, int nid) {
  int idx = X509_get_ext_by_NID(cert, nid, -1);
  if (idx < 0) return "absent";
  X509_EXTENSION* ext = X509_get_ext(cert, idx);
  return std::to_string(X509_EXTENSION_get_critical(ext)) +
         OctetString(X509_EXTENSION_get_data(ext));
}

class CrossCertificateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ca = CaHierarchy::LoadOrCreate(dir_.path(), "Test");
    ASSERT_TRUE(ca.ok()) << ca.error().ToString();
    ca_.emplace(std::move(*ca));
    // The hierarchy holds no root key; cross-signing is the ceremony's, with
    // the alternate root's key file.
    auto key = crypto::LoadSigningKeyFile(dir_.path() / "root-alt.key");
    ASSERT_TRUE(key.ok()) << key.error().ToString();
    alt_.cert.reset(X509_dup(ca_->alternate_root().cert.get()));
    alt_.signer = std::move(*key);
  }
  X509* inter() { return ca_->intermediate().cert.get(); }
  const Issuer& alt() { return alt_; }

  ScopedTempDir dir_;
  std::optional<CaHierarchy> ca_;
  Issuer alt_;
};

TEST_F(CrossCertificateTest, CertifiesTheSameSubjectAndKeyUnderTheOtherRoot) {
  auto cross = CrossSign(alt(), inter(), Clock::now() - std::chrono::hours(1));
  ASSERT_TRUE(cross.ok()) << cross.error().ToString();
  X509* c = cross->get();
  EXPECT_EQ(NameDer(X509_get_subject_name(c)), NameDer(X509_get_subject_name(inter())));
  EXPECT_EQ(X509_PUBKEY_eq(X509_get_X509_PUBKEY(c), X509_get_X509_PUBKEY(inter())), 1);
  EXPECT_EQ(NameDer(X509_get_issuer_name(c)), NameDer(X509_get_subject_name(alt().cert.get())));
  EXPECT_EQ(X509_verify(c, alt().public_key().get()), 1);
  EXPECT_NE(X509_verify(c, X509_get0_pubkey(ca_->root().cert.get())), 1);
  EXPECT_EQ(X509_check_issued(alt().cert.get(), c), X509_V_OK);
  // The intermediate's profile as it is: CA:TRUE, pathLen 0, keyUsage,
  // the TLS extKeyUsage and its SKI; the AKI names the alternate root.
  EXPECT_EQ(X509_check_ca(c), 1);
  EXPECT_EQ(X509_get_pathlen(c), 0);
  for (int nid : {NID_basic_constraints, NID_key_usage, NID_ext_key_usage,
                  NID_subject_key_identifier, NID_certificate_policies})
    EXPECT_EQ(ExtensionDer(c, nid), ExtensionDer(inter(), nid)) << OBJ_nid2sn(nid);
  EXPECT_EQ(X509_get_ext_count(c), X509_get_ext_count(inter()));
  EXPECT_EQ(OctetString(X509_get0_authority_key_id(c)),
            OctetString(X509_get0_subject_key_id(alt().cert.get())));
  EXPECT_NE(SerialHex(c), SerialHex(inter()));
  EXPECT_LE(NotAfter(c), NotAfter(inter()));
  EXPECT_TRUE(IsCrossCertificateOf(c, alt(), inter()));
}

TEST_F(CrossCertificateTest, ALeafOfTheIntermediateChainsToEitherRoot) {
  auto cross = CrossSign(alt(), inter(), Clock::now() - std::chrono::hours(1));
  ASSERT_TRUE(cross.ok());
  auto [chain_pem, key_pem] = *ca_->IssueTlsServerCert({"example.com"});
  auto chain = CertChainFromPem(chain_pem);
  ASSERT_TRUE(chain.ok());
  X509* leaf = (*chain)[0].get();
  X509* root = ca_->root().cert.get();
  EXPECT_EQ(testing_support::VerifyChain(alt().cert.get(), cross->get(), leaf, "example.com"), "");
  EXPECT_EQ(testing_support::VerifyChain(root, inter(), leaf, "example.com"), "");
  // Each intermediate leads to its own root only.
  EXPECT_NE(testing_support::VerifyChain(root, cross->get(), leaf, "example.com"), "");
  EXPECT_NE(testing_support::VerifyChain(alt().cert.get(), inter(), leaf, "example.com"), "");
}

TEST_F(CrossCertificateTest, IsCrossCertificateOfRefusesOthers) {
  auto cross = CrossSign(alt(), inter(), Clock::now() - std::chrono::hours(1));
  ASSERT_TRUE(cross.ok());
  // intermediate.pem itself is signed by the other root.
  EXPECT_FALSE(IsCrossCertificateOf(inter(), alt(), inter()));
  // Not for the root's key.
  EXPECT_FALSE(IsCrossCertificateOf(cross->get(), ca_->root(), inter()));
  // Not for another intermediate (a replaced one).
  ScopedTempDir other_dir;
  auto other = CaHierarchy::LoadOrCreate(other_dir.path(), "Test");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(IsCrossCertificateOf(cross->get(), alt(), other->intermediate().cert.get()));
}

TEST_F(CrossCertificateTest, EndsWithTheEarlierOfTheTwoValidities) {
  // A root that expires before the intermediate bounds the cross-certificate.
  Issuer short_root{X509Ptr(X509_dup(alt().cert.get())), alt().signer};
  Clock::time_point soon = Clock::now() + std::chrono::hours(24);
  ASSERT_EQ(
      ASN1_TIME_set(X509_getm_notAfter(short_root.cert.get()), Clock::to_time_t(soon)) != nullptr,
      true);
  auto cross = CrossSign(short_root, inter(), Clock::now() - std::chrono::hours(1));
  ASSERT_TRUE(cross.ok());
  EXPECT_EQ(Clock::to_time_t(NotAfter(cross->get())), Clock::to_time_t(soon));
}

}  // namespace
}  // namespace signet::pki
