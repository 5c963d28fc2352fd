// Each certificate lint against a certificate that breaks exactly its rule,
// and certificates as the CA builds them, which pass every lint. Each
// certificate goes through the path the Signer uses: TBS DER, parsed back.
#include <gtest/gtest.h>

#include <set>

#include "pki/cert_builder.h"
#include "pki/crl_test_support.h"
#include "pki/lint/lint.h"

namespace signet::pki::lint {
namespace {

using std::chrono::days;
using std::chrono::hours;

std::vector<std::string> Names(const Findings& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(f.lint);
  return out;
}

class CertLintTest : public testing_support::TestCa {
 protected:
  void SetUp() override {
    TestCa::SetUp();
    auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    ASSERT_TRUE(key.ok());
    key_ = std::move(*key);
  }

  // As the Signer fills it for the classic profile.
  LeafTemplate Template() const {
    LeafTemplate t;
    t.subject_key = key_;
    t.dns_names = {"example.com", "*.example.org"};
    t.ip_addresses = {"192.0.2.1", "2001:db8::1"};
    t.serial = RandomSerial();
    t.not_before = Clock::now() - hours(1);
    t.not_after = t.not_before + days(90) - std::chrono::seconds(1);
    t.ca_issuers_url = "http://ca.test/issuer-cert";
    t.ocsp_url = "http://ca.test/ocsp";
    t.crl_distribution_point = "http://ca.test/crl/0.crl";
    t.ext_key_usages = {"serverAuth", "clientAuth"};
    return t;
  }

  crypto::X509Ptr Build(const LeafTemplate& t) {
    auto cert = BuildLeaf(intermediate(), t);
    EXPECT_TRUE(cert.ok()) << cert.error().ToString();
    return cert.ok() ? std::move(*cert) : nullptr;
  }
  crypto::X509Ptr Build() { return Build(Template()); }

  // The lints' names that fire on `cert`'s TBS, parsed back.
  std::vector<std::string> Lint(X509* cert,
                                std::vector<std::string> ekus = {"serverAuth", "clientAuth"}) {
    if (!cert) return {"no certificate"};
    auto parsed = ParseTbsCertificate(TbsDer(cert), X509_get0_tbs_sigalg(cert));
    EXPECT_TRUE(parsed.ok()) << parsed.error().ToString();
    if (!parsed.ok()) return {"does not parse"};
    CertProfile profile{days(90) + hours(1), std::move(ekus)};
    Findings findings = LintCertificate(parsed->get(), intermediate().cert.get(), profile);
    for (const Finding& f : findings) EXPECT_FALSE(f.detail.empty()) << f.lint;
    return Names(findings);
  }

  // Replaces (or with an empty `conf`, removes) the extension `nid`.
  void Replace(X509* cert, int nid, const std::string& conf, X509* issuer = nullptr) {
    int index = X509_get_ext_by_NID(cert, nid, -1);
    crypto::X509ExtPtr removed(index >= 0 ? X509_delete_ext(cert, index) : nullptr);
    if (conf.empty()) return;
    ASSERT_TRUE(
        internal::AddConfExtension(cert, issuer ? issuer : intermediate().cert.get(), nid, conf)
            .ok());
  }

  // Sets the SAN to `names` with criticality `critical`.
  void SetSans(X509* cert, GENERAL_NAMES* names, bool critical) {
    ASSERT_EQ(
        X509_add1_ext_i2d(cert, NID_subject_alt_name, names, critical ? 1 : 0, X509V3_ADD_REPLACE),
        1);
  }

  void SetSerial(X509* cert, const std::string& bytes, bool negative = false) {
    crypto::BignumPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                                   int(bytes.size()), nullptr));
    BN_set_negative(bn.get(), negative ? 1 : 0);
    crypto::Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    ASSERT_EQ(X509_set_serialNumber(cert, serial.get()), 1);
  }

  crypto::Key key_;
};

using Only = std::vector<std::string>;

TEST_F(CertLintTest, CertificatesAsTheCaBuildsThemPassEveryLint) {
  EXPECT_EQ(Lint(Build().get()), Only{});
  LeafTemplate no_cn = Template();  // tlsserver / shortlived: empty subject, critical SAN
  no_cn.include_common_name = false;
  no_cn.ext_key_usages = {"serverAuth"};
  EXPECT_EQ(Lint(Build(no_cn).get(), {"serverAuth"}), Only{});
  LeafTemplate ip_only = Template();  // CN = the IP address
  ip_only.dns_names = {};
  ip_only.ip_addresses = {"2001:db8::7"};
  EXPECT_EQ(Lint(Build(ip_only).get()), Only{});
  auto rsa = crypto::Key::Generate(crypto::KeyType::kRsa);
  ASSERT_TRUE(rsa.ok());
  LeafTemplate rsa_leaf = Template();  // keyEncipherment allowed
  rsa_leaf.subject_key = *rsa;
  EXPECT_EQ(Lint(Build(rsa_leaf).get()), Only{});
  LeafTemplate staple = Template();
  staple.must_staple = true;
  EXPECT_EQ(Lint(Build(staple).get()), Only{});
}

TEST_F(CertLintTest, EveryLintHasADistinctName) {
  std::vector<std::string_view> names = CertificateLintNames();
  std::set<std::string_view> unique(names.begin(), names.end());
  EXPECT_EQ(unique.size(), names.size());
  EXPECT_EQ(names.size(), 23u);
}

TEST_F(CertLintTest, Version) {
  auto cert = Build();
  ASSERT_EQ(X509_set_version(cert.get(), X509_VERSION_2), 1);
  EXPECT_EQ(Lint(cert.get()), Only{"e_cert_not_version_3"});
}

TEST_F(CertLintTest, SerialNegative) {
  auto cert = Build();
  SetSerial(cert.get(), RandomSerial(), /*negative=*/true);
  EXPECT_EQ(Lint(cert.get()), Only{"e_serial_not_positive"});
}

TEST_F(CertLintTest, SerialTooLong) {
  auto cert = Build();
  SetSerial(cert.get(), "\x01" + crypto::RandomBytes(20));  // 21 octets
  EXPECT_EQ(Lint(cert.get()), Only{"e_serial_too_long"});
  SetSerial(cert.get(), "\x81" + crypto::RandomBytes(19));  // 20 + a sign octet
  EXPECT_EQ(Lint(cert.get()), Only{"e_serial_too_long"});
  SetSerial(cert.get(), "\x7f" + crypto::RandomBytes(19));  // 20: fine
  EXPECT_EQ(Lint(cert.get()), Only{});
}

TEST_F(CertLintTest, SerialLowEntropy) {
  auto cert = Build();
  SetSerial(cert.get(), "\x01\x02\x03\x04\x05\x06\x07");
  EXPECT_EQ(Lint(cert.get()), Only{"e_serial_low_entropy"});
  SetSerial(cert.get(), std::string(16, '\0'));  // zero: also not positive
  EXPECT_EQ(Lint(cert.get()), (Only{"e_serial_not_positive", "e_serial_low_entropy"}));
}

TEST_F(CertLintTest, ValidityNegative) {
  auto cert = Build();
  ASSERT_TRUE(
      ASN1_TIME_set(X509_getm_notAfter(cert.get()), Clock::to_time_t(Clock::now() - hours(2))));
  EXPECT_EQ(Lint(cert.get()), Only{"e_validity_negative"});
}

TEST_F(CertLintTest, ValidityTooLong) {
  LeafTemplate t = Template();
  t.not_after = t.not_before + days(90) + hours(1);  // one second over lifetime + backdate
  EXPECT_EQ(Lint(Build(t).get()), Only{"e_validity_too_long"});
  t.not_after -= std::chrono::seconds(1);  // exactly lifetime + backdate
  EXPECT_EQ(Lint(Build(t).get()), Only{});
}

TEST_F(CertLintTest, DuplicateExtension) {
  auto cert = Build();
  X509_EXTENSION* policies =
      X509_get_ext(cert.get(), X509_get_ext_by_NID(cert.get(), NID_certificate_policies, -1));
  ASSERT_EQ(X509_add_ext(cert.get(), policies, -1), 1);
  EXPECT_EQ(Lint(cert.get()), Only{"e_duplicate_extension"});
}

TEST_F(CertLintTest, BasicConstraints) {
  auto cert = Build();
  Replace(cert.get(), NID_basic_constraints, "CA:FALSE");
  EXPECT_EQ(Lint(cert.get()), Only{"e_sub_cert_basic_constraints_invalid"});
  Replace(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  EXPECT_EQ(Lint(cert.get()), Only{"e_sub_cert_basic_constraints_invalid"});
  Replace(cert.get(), NID_basic_constraints, "");
  EXPECT_EQ(Lint(cert.get()), Only{"e_sub_cert_basic_constraints_invalid"});
}

TEST_F(CertLintTest, KeyUsage) {
  auto cert = Build();
  Replace(cert.get(), NID_key_usage, "digitalSignature");
  EXPECT_EQ(Lint(cert.get()), Only{"e_sub_cert_key_usage_invalid"});
  Replace(cert.get(), NID_key_usage, "critical,keyAgreement");
  EXPECT_EQ(Lint(cert.get()), Only{"e_sub_cert_key_usage_invalid"});
  Replace(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign");
  EXPECT_EQ(Lint(cert.get()), Only{"e_sub_cert_key_usage_invalid"});
  Replace(cert.get(), NID_key_usage, "");
  EXPECT_EQ(Lint(cert.get()), Only{"e_sub_cert_key_usage_invalid"});
}

TEST_F(CertLintTest, KeyEnciphermentForAnEcKey) {
  auto cert = Build();
  Replace(cert.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
  EXPECT_EQ(Lint(cert.get()), Only{"e_key_usage_key_encipherment_not_rsa"});
}

TEST_F(CertLintTest, ExtKeyUsageNotTheProfiles) {
  auto cert = Build();
  Replace(cert.get(), NID_ext_key_usage, "serverAuth");
  EXPECT_EQ(Lint(cert.get()), Only{"e_sub_cert_eku_mismatch"});
  Replace(cert.get(), NID_ext_key_usage, "serverAuth,clientAuth,codeSigning");
  EXPECT_EQ(Lint(cert.get()), Only{"e_sub_cert_eku_mismatch"});
  Replace(cert.get(), NID_ext_key_usage, "critical,serverAuth,clientAuth");
  EXPECT_EQ(Lint(cert.get()), Only{"e_sub_cert_eku_mismatch"});
}

TEST_F(CertLintTest, AnyExtendedKeyUsage) {
  auto cert = Build();
  Replace(cert.get(), NID_ext_key_usage, "serverAuth,clientAuth,anyExtendedKeyUsage");
  EXPECT_EQ(Lint(cert.get()), Only{"e_sub_cert_eku_any"});
}

TEST_F(CertLintTest, SubjectKeyIdentifierMissing) {
  auto cert = Build();
  Replace(cert.get(), NID_subject_key_identifier, "");
  EXPECT_EQ(Lint(cert.get()), Only{"e_ski_missing"});
}

TEST_F(CertLintTest, AuthorityKeyIdentifierNotTheIssuers) {
  auto cert = Build();
  Replace(cert.get(), NID_authority_key_identifier, "keyid:always", root().cert.get());
  EXPECT_EQ(Lint(cert.get()), Only{"e_aki_mismatch"});
  Replace(cert.get(), NID_authority_key_identifier, "");
  EXPECT_EQ(Lint(cert.get()), Only{"e_aki_mismatch"});
}

TEST_F(CertLintTest, DomainValidatedPolicyMissing) {
  auto cert = Build();
  // SEQUENCE { SEQUENCE { OID 2.23.140.1.2.2 } }: organization validated, not DV.
  crypto::Asn1OctetStringPtr ov(ASN1_OCTET_STRING_new());
  ASSERT_EQ(ASN1_OCTET_STRING_set(ov.get(),
                                  reinterpret_cast<const unsigned char*>(
                                      "\x30\x0a\x30\x08\x06\x06\x67\x81\x0c\x01\x02\x02"),
                                  12),
            1);
  Replace(cert.get(), NID_certificate_policies, "");
  crypto::X509ExtPtr ext(
      X509_EXTENSION_create_by_NID(nullptr, NID_certificate_policies, 0, ov.get()));
  ASSERT_EQ(X509_add_ext(cert.get(), ext.get(), -1), 1);
  EXPECT_EQ(Lint(cert.get()), Only{"e_sub_cert_policy_missing"});
  Replace(cert.get(), NID_certificate_policies, "");
  EXPECT_EQ(Lint(cert.get()), Only{"e_sub_cert_policy_missing"});
}

TEST_F(CertLintTest, CaIssuersMissing) {
  LeafTemplate t = Template();
  t.ca_issuers_url = "";  // AIA with OCSP only
  EXPECT_EQ(Lint(Build(t).get()), Only{"e_aia_ca_issuers_missing"});
  t.ocsp_url = "";  // no AIA at all
  EXPECT_EQ(Lint(Build(t).get()), Only{"e_aia_ca_issuers_missing"});
}

TEST_F(CertLintTest, SignatureAlgorithmNotTheIssuersKeyType) {
  auto cert = Build();  // the test intermediate's key is P-256
  auto ed25519 = crypto::Key::Generate(crypto::KeyType::kEd25519);
  ASSERT_TRUE(ed25519.ok());
  ASSERT_TRUE(internal::SetSignatureAlgorithm(cert.get(), *ed25519).ok());
  EXPECT_EQ(Lint(cert.get()), Only{"e_signature_algorithm_mismatch"});
}

TEST_F(CertLintTest, SanMissingOrEmpty) {
  LeafTemplate t = Template();
  t.include_common_name = false;
  auto cert = Build(t);
  Replace(cert.get(), NID_subject_alt_name, "");
  EXPECT_EQ(Lint(cert.get()), Only{"e_san_missing"});
  crypto::GeneralNamesPtr none(GENERAL_NAMES_new());
  SetSans(cert.get(), none.get(), true);
  EXPECT_EQ(Lint(cert.get()), Only{"e_san_missing"});
}

TEST_F(CertLintTest, SanOfAnotherType) {
  auto cert = Build();
  Replace(cert.get(), NID_subject_alt_name, "DNS:example.com,email:admin@example.com");
  EXPECT_EQ(Lint(cert.get()), Only{"e_san_unexpected_type"});
}

TEST_F(CertLintTest, MalformedDnsNames) {
  const std::vector<std::string> bad_names = {
      "Upper.example.com",          "example.com.",   "www.*.example.com", "*example.com.x",
      "under_score.example.com",    "-a.example.com", "a..example.com",    "*",
      std::string(64, 'a') + ".com"};
  for (const std::string& bad : bad_names) {
    SCOPED_TRACE(bad);
    LeafTemplate t = Template();
    t.dns_names = {"example.com", bad};
    EXPECT_EQ(Lint(Build(t).get()), Only{"e_san_dns_name_malformed"});
  }
}

TEST_F(CertLintTest, MalformedIpAddress) {
  LeafTemplate t = Template();
  t.include_common_name = false;
  auto cert = Build(t);
  crypto::GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr)));
  ASSERT_TRUE(names);
  crypto::GeneralNamePtr five(GENERAL_NAME_new());
  crypto::Asn1OctetStringPtr octets(ASN1_OCTET_STRING_new());
  ASSERT_EQ(
      ASN1_OCTET_STRING_set(octets.get(), reinterpret_cast<const unsigned char*>("\1\2\3\4\5"), 5),
      1);
  GENERAL_NAME_set0_value(five.get(), GEN_IPADD, octets.release());
  ASSERT_GT(sk_GENERAL_NAME_push(names.get(), five.release()), 0);
  SetSans(cert.get(), names.get(), true);
  EXPECT_EQ(Lint(cert.get()), Only{"e_san_ip_address_malformed"});
}

TEST_F(CertLintTest, SanCriticality) {
  auto cert = Build();  // with a CN: the SAN must not be critical
  crypto::GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr)));
  SetSans(cert.get(), names.get(), true);
  EXPECT_EQ(Lint(cert.get()), Only{"e_san_criticality"});

  LeafTemplate t = Template();  // empty subject: the SAN must be critical
  t.include_common_name = false;
  auto empty_subject = Build(t);
  SetSans(empty_subject.get(), names.get(), false);
  EXPECT_EQ(Lint(empty_subject.get()), Only{"e_san_criticality"});
}

TEST_F(CertLintTest, CommonNameNotASan) {
  auto cert = Build();
  crypto::X509NamePtr name(X509_NAME_new());
  ASSERT_EQ(X509_NAME_add_entry_by_NID(name.get(), NID_commonName, MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>("other.example.com"),
                                       -1, -1, 0),
            1);
  ASSERT_EQ(X509_set_subject_name(cert.get(), name.get()), 1);
  EXPECT_EQ(Lint(cert.get()), Only{"e_cn_not_in_san"});
}

TEST_F(CertLintTest, FindingsBecomeOneServerInternalError) {
  EXPECT_TRUE(FindingsToStatus({}, "certificate").ok());
  Status one =
      FindingsToStatus({{"e_ski_missing", "subjectKeyIdentifier is missing"}}, "certificate");
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.error().code, ErrorCode::kServerInternal);
  EXPECT_EQ(one.error().detail,
            "certificate failed lint e_ski_missing: subjectKeyIdentifier is missing");
  Status two = FindingsToStatus({{"e_a", "x"}, {"e_b", "y"}}, "CRL");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error().detail, "CRL failed lint e_a: x (and 1 more findings)");
}

}  // namespace
}  // namespace signet::pki::lint
