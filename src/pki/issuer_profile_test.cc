// Issue 5: the leaf choices profiles and publication add — CRL Distribution
// Points, AIA OCSP, extKeyUsage, no CN, TLS Feature — and the CSR's request
// for Must-Staple.
#include <gtest/gtest.h>

#include "pki/ca_hierarchy.h"
#include "pki/csr.h"
#include "pki/issuer.h"
#include "pki/test_support.h"

namespace signet::pki {
namespace {

using crypto::Key;
using crypto::KeyType;

std::string Uri(const GENERAL_NAME* name) {
  if (name->type != GEN_URI) return "";
  const ASN1_IA5STRING* s = name->d.uniformResourceIdentifier;
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     size_t(ASN1_STRING_length(s)));
}

class IssuerProfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ca = CaHierarchy::LoadOrCreate(dir_.path(), "Test");
    ASSERT_TRUE(ca.ok());
    ca_.emplace(std::move(*ca));
  }
  LeafTemplate Template() {
    LeafTemplate t;
    t.subject_key = *Key::Generate(KeyType::kEcP256);
    t.dns_names = {"example.com"};
    t.serial = RandomSerial();
    t.not_before = Clock::now() - std::chrono::hours(1);
    t.not_after = t.not_before + std::chrono::hours(160);
    return t;
  }
  testing_support::ScopedTempDir dir_;
  std::optional<CaHierarchy> ca_;
};

TEST_F(IssuerProfileTest, CrlDistributionPointAndOcspUrl) {
  LeafTemplate t = Template();
  t.crl_distribution_point = "http://127.0.0.1:14080/crl/3.crl";
  t.ocsp_url = "http://127.0.0.1:14080/ocsp";
  t.ca_issuers_url = "http://127.0.0.1:14080/issuer";
  auto cert = IssueLeaf(ca_->intermediate(), t);
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  std::unique_ptr<CRL_DIST_POINTS, crypto::OsslDeleter<CRL_DIST_POINTS_free>> points(
      static_cast<CRL_DIST_POINTS*>(
          X509_get_ext_d2i(cert->get(), NID_crl_distribution_points, nullptr, nullptr)));
  ASSERT_TRUE(points);
  ASSERT_EQ(sk_DIST_POINT_num(points.get()), 1);
  DIST_POINT* dp = sk_DIST_POINT_value(points.get(), 0);
  ASSERT_EQ(dp->distpoint->type, 0);  // fullName
  EXPECT_EQ(Uri(sk_GENERAL_NAME_value(dp->distpoint->name.fullname, 0)), t.crl_distribution_point);
  crypto::AuthorityInfoAccessPtr aia(static_cast<AUTHORITY_INFO_ACCESS*>(
      X509_get_ext_d2i(cert->get(), NID_info_access, nullptr, nullptr)));
  ASSERT_EQ(sk_ACCESS_DESCRIPTION_num(aia.get()), 2);
  EXPECT_EQ(OBJ_obj2nid(sk_ACCESS_DESCRIPTION_value(aia.get(), 0)->method), NID_ad_OCSP);
  EXPECT_EQ(Uri(sk_ACCESS_DESCRIPTION_value(aia.get(), 0)->location), t.ocsp_url);
  EXPECT_EQ(OBJ_obj2nid(sk_ACCESS_DESCRIPTION_value(aia.get(), 1)->method), NID_ad_ca_issuers);
  EXPECT_EQ(X509_get_ext_by_NID(cert->get(), NID_tlsfeature, -1), -1);
}

// Baseline Requirements 7.1.6.1: every leaf asserts the CA/B Forum
// domain-validated policy, in a non-critical certificatePolicies.
TEST_F(IssuerProfileTest, LeavesCarryTheDomainValidatedPolicy) {
  auto cert = IssueLeaf(ca_->intermediate(), Template());
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  int idx = X509_get_ext_by_NID(cert->get(), NID_certificate_policies, -1);
  ASSERT_GE(idx, 0);
  X509_EXTENSION* ext = X509_get_ext(cert->get(), idx);
  EXPECT_EQ(X509_EXTENSION_get_critical(ext), 0);
  const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(ext);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                        size_t(ASN1_STRING_length(value))),
            std::string("\x30\x0a\x30\x08\x06\x06\x67\x81\x0c\x01\x02\x01", 12));
  std::unique_ptr<CERTIFICATEPOLICIES, crypto::OsslDeleter<CERTIFICATEPOLICIES_free>> policies(
      static_cast<CERTIFICATEPOLICIES*>(
          X509_get_ext_d2i(cert->get(), NID_certificate_policies, nullptr, nullptr)));
  ASSERT_TRUE(policies);
  ASSERT_EQ(sk_POLICYINFO_num(policies.get()), 1);
  const POLICYINFO* info = sk_POLICYINFO_value(policies.get(), 0);
  char oid[64] = {0};
  OBJ_obj2txt(oid, sizeof(oid), info->policyid, /*no_name=*/1);
  EXPECT_STREQ(oid, "2.23.140.1.2.1");
  EXPECT_EQ(info->qualifiers, nullptr);
}

TEST_F(IssuerProfileTest, NoCommonNameClientAuthAndMustStaple) {
  LeafTemplate t = Template();
  t.include_common_name = false;
  t.ext_key_usages = {"serverAuth", "clientAuth"};
  t.must_staple = true;
  auto cert = IssueLeaf(ca_->intermediate(), t);
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  EXPECT_EQ(X509_NAME_entry_count(X509_get_subject_name(cert->get())), 0);
  int san = X509_get_ext_by_NID(cert->get(), NID_subject_alt_name, -1);
  EXPECT_EQ(X509_EXTENSION_get_critical(X509_get_ext(cert->get(), san)), 1);
  EXPECT_EQ(X509_get_extended_key_usage(cert->get()), uint32_t(XKU_SSL_SERVER | XKU_SSL_CLIENT));
  int feature = X509_get_ext_by_NID(cert->get(), NID_tlsfeature, -1);
  ASSERT_GE(feature, 0);
  const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(X509_get_ext(cert->get(), feature));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                        size_t(ASN1_STRING_length(value))),
            std::string("\x30\x03\x02\x01\x05", 5));
}

TEST_F(IssuerProfileTest, RefusesUnknownExtKeyUsageAndBadUrls) {
  LeafTemplate t = Template();
  t.ext_key_usages = {"serverAuth,critical"};
  EXPECT_FALSE(IssueLeaf(ca_->intermediate(), t).ok());
  t = Template();
  t.crl_distribution_point = "http://bad url/";
  EXPECT_FALSE(IssueLeaf(ca_->intermediate(), t).ok());
}

std::string CsrDer(const Key& key, const char* feature) {
  crypto::X509ReqPtr req(X509_REQ_new());
  X509_REQ_set_version(req.get(), X509_REQ_VERSION_1);
  X509_REQ_set_pubkey(req.get(), key.get());
  crypto::ExtStackPtr exts(sk_X509_EXTENSION_new_null());
  sk_X509_EXTENSION_push(
      exts.get(), X509V3_EXT_nconf_nid(nullptr, nullptr, NID_subject_alt_name, "DNS:a.example"));
  if (feature)
    sk_X509_EXTENSION_push(exts.get(),
                           X509V3_EXT_nconf_nid(nullptr, nullptr, NID_tlsfeature, feature));
  X509_REQ_add_extensions(req.get(), exts.get());
  X509_REQ_sign(req.get(), key.get(), EVP_sha256());
  int len = i2d_X509_REQ(req.get(), nullptr);
  std::string der(size_t(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  i2d_X509_REQ(req.get(), &p);
  return der;
}

TEST(CsrMustStaple, DetectsStatusRequest) {
  Key key = *Key::Generate(KeyType::kEcP256);
  EXPECT_FALSE(ParseCsr(CsrDer(key, nullptr))->must_staple);
  EXPECT_TRUE(ParseCsr(CsrDer(key, "status_request"))->must_staple);
  EXPECT_FALSE(ParseCsr(CsrDer(key, "status_request_v2"))->must_staple);
}

}  // namespace
}  // namespace signet::pki
