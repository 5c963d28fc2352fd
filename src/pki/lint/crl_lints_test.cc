// Each CRL lint against a CRL that breaks exactly its rule (a CRL from
// BuildCrl, changed with OpenSSL), and BuildCrl refusing to sign what fails.
#include <gtest/gtest.h>

#include "pki/crl.h"
#include "pki/crl_test_support.h"
#include "pki/lint/lint.h"

namespace signet::pki::lint {
namespace {

using std::chrono::days;
using std::chrono::hours;
using Only = std::vector<std::string>;

class CrlLintTest : public testing_support::TestCa {
 protected:
  CrlTemplate Template() const {
    CrlTemplate t;
    t.crl_number = 42;
    t.this_update = Clock::now();
    t.next_update = t.this_update + days(1);
    t.idp_url = "http://ca.test/crl/0.crl";
    return t;
  }

  // A CRL as BuildCrl writes it, with two entries (one with a reasonCode).
  crypto::X509CrlPtr Good() {
    auto der = BuildCrl(intermediate(), Template(),
                        {{"0102030405060708", Clock::now() - hours(2), kReasonKeyCompromise},
                         {"0a0b0c0d0e0f1011", Clock::now() - hours(3), kReasonUnspecified}});
    EXPECT_TRUE(der.ok()) << der.error().ToString();
    if (!der.ok()) return nullptr;
    auto crl = ParseCrl(*der);
    EXPECT_TRUE(crl.ok());
    return crl.ok() ? std::move(*crl) : nullptr;
  }

  std::vector<std::string> Lint(X509_CRL* crl, X509* issuer = nullptr) {
    std::vector<std::string> out;
    if (!crl) return {"no CRL"};
    for (const Finding& f : LintCrl(crl, issuer ? issuer : intermediate().cert.get()))
      out.push_back(f.lint);
    return out;
  }

  X509_EXTENSION* Ext(X509_CRL* crl, int nid) {
    return X509_CRL_get_ext(crl, X509_CRL_get_ext_by_NID(crl, nid, -1));
  }

  // thisUpdate, in seconds since the epoch.
  std::time_t ThisUpdate(X509_CRL* crl) {
    std::tm tm{};
    EXPECT_EQ(ASN1_TIME_to_tm(X509_CRL_get0_lastUpdate(crl), &tm), 1);
    return timegm(&tm);
  }

  void SetNextUpdate(X509_CRL* crl, Clock::time_point t) {
    crypto::Asn1TimePtr time(ASN1_TIME_set(nullptr, Clock::to_time_t(t)));
    ASSERT_EQ(X509_CRL_set1_nextUpdate(crl, time.get()), 1);
  }

  // Adds an entry with `reason` (none when < 0), critical when asked.
  void AddEntry(X509_CRL* crl, const char* serial_hex, long reason, bool critical = false) {
    crypto::X509RevokedPtr entry(X509_REVOKED_new());
    BIGNUM* bn = nullptr;
    ASSERT_GT(BN_hex2bn(&bn, serial_hex), 0);
    crypto::BignumPtr owned(bn);
    crypto::Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn, nullptr));
    crypto::Asn1TimePtr when(ASN1_TIME_set(nullptr, std::time(nullptr) - 3600));
    ASSERT_EQ(X509_REVOKED_set_serialNumber(entry.get(), serial.get()), 1);
    ASSERT_EQ(X509_REVOKED_set_revocationDate(entry.get(), when.get()), 1);
    if (reason >= 0) {
      crypto::Asn1EnumeratedPtr value(ASN1_ENUMERATED_new());
      ASSERT_EQ(ASN1_ENUMERATED_set(value.get(), reason), 1);
      ASSERT_EQ(
          X509_REVOKED_add1_ext_i2d(entry.get(), NID_crl_reason, value.get(), critical ? 1 : 0, 0),
          1);
    }
    ASSERT_EQ(X509_CRL_add0_revoked(crl, entry.release()), 1);
  }
};

TEST_F(CrlLintTest, CrlsAsBuildCrlWritesThemPassEveryLint) {
  EXPECT_EQ(Lint(Good().get()), Only{});
  CrlTemplate no_idp = Template();
  no_idp.idp_url = "";
  auto empty = BuildCrl(intermediate(), no_idp, {});
  ASSERT_TRUE(empty.ok()) << empty.error().ToString();
  auto parsed = ParseCrl(*empty);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(Lint(parsed->get()), Only{});
  EXPECT_EQ(CrlLintNames().size(), 8u);
}

TEST_F(CrlLintTest, Version) {
  auto crl = Good();
  ASSERT_EQ(X509_CRL_set_version(crl.get(), X509_CRL_VERSION_1), 1);
  EXPECT_EQ(Lint(crl.get()), Only{"e_crl_not_version_2"});
}

TEST_F(CrlLintTest, NextUpdateBeforeThisUpdate) {
  auto crl = Good();
  SetNextUpdate(crl.get(), Clock::now() - hours(1));
  EXPECT_EQ(Lint(crl.get()), Only{"e_crl_update_order"});
}

TEST_F(CrlLintTest, NextUpdateMissing) {
  auto good = Good();  // the same CRL without nextUpdate, built field by field
  crypto::X509CrlPtr crl(X509_CRL_new());
  ASSERT_EQ(X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2), 1);
  ASSERT_EQ(X509_CRL_set_issuer_name(crl.get(), X509_CRL_get_issuer(good.get())), 1);
  ASSERT_EQ(X509_CRL_set1_lastUpdate(crl.get(), X509_CRL_get0_lastUpdate(good.get())), 1);
  for (int i = 0; i < X509_CRL_get_ext_count(good.get()); ++i)
    ASSERT_EQ(X509_CRL_add_ext(crl.get(), X509_CRL_get_ext(good.get(), i), -1), 1);
  EXPECT_EQ(Lint(crl.get()), Only{"e_crl_update_order"});
}

TEST_F(CrlLintTest, ValidityOverTenDays) {
  auto crl = Good();
  SetNextUpdate(crl.get(),
                Clock::from_time_t(ThisUpdate(crl.get())) + days(10) + std::chrono::seconds(1));
  EXPECT_EQ(Lint(crl.get()), Only{"e_crl_validity_too_long"});
  SetNextUpdate(crl.get(), Clock::from_time_t(ThisUpdate(crl.get())) + days(10));
  EXPECT_EQ(Lint(crl.get()), Only{});
}

TEST_F(CrlLintTest, CrlNumberMissingCriticalOrRepeated) {
  auto crl = Good();
  ASSERT_EQ(X509_EXTENSION_set_critical(Ext(crl.get(), NID_crl_number), 1), 1);
  EXPECT_EQ(Lint(crl.get()), Only{"e_crl_number_invalid"});
  ASSERT_EQ(X509_EXTENSION_set_critical(Ext(crl.get(), NID_crl_number), 0), 1);
  ASSERT_EQ(X509_CRL_add_ext(crl.get(), Ext(crl.get(), NID_crl_number), -1), 1);
  EXPECT_EQ(Lint(crl.get()), Only{"e_crl_number_invalid"});
  auto missing = Good();
  crypto::X509ExtPtr number(X509_CRL_delete_ext(
      missing.get(), X509_CRL_get_ext_by_NID(missing.get(), NID_crl_number, -1)));
  EXPECT_EQ(Lint(missing.get()), Only{"e_crl_number_invalid"});
}

TEST_F(CrlLintTest, AuthorityKeyIdentifierMissingOrNotTheIssuers) {
  auto crl = Good();
  EXPECT_EQ(Lint(crl.get(), root().cert.get()), Only{"e_crl_aki_missing"});
  crypto::X509ExtPtr aki(X509_CRL_delete_ext(
      crl.get(), X509_CRL_get_ext_by_NID(crl.get(), NID_authority_key_identifier, -1)));
  EXPECT_EQ(Lint(crl.get()), Only{"e_crl_aki_missing"});
}

TEST_F(CrlLintTest, IssuingDistributionPointNotCritical) {
  auto crl = Good();
  ASSERT_EQ(X509_EXTENSION_set_critical(Ext(crl.get(), NID_issuing_distribution_point), 0), 1);
  EXPECT_EQ(Lint(crl.get()), Only{"e_crl_idp_not_critical"});
}

TEST_F(CrlLintTest, DuplicateSerial) {
  auto crl = Good();
  AddEntry(crl.get(), "0102030405060708", 4);
  EXPECT_EQ(Lint(crl.get()), Only{"e_crl_duplicate_serial"});
}

TEST_F(CrlLintTest, InvalidReasonCodes) {
  struct Case {
    long reason;
    bool critical;
  };
  for (Case bad :
       {Case{7, false}, Case{0, false}, Case{8, false}, Case{11, false}, Case{1, true}}) {
    SCOPED_TRACE(std::to_string(bad.reason) + (bad.critical ? " critical" : ""));
    auto crl = Good();
    AddEntry(crl.get(), "7f0102030405060708", bad.reason, bad.critical);
    EXPECT_EQ(Lint(crl.get()), Only{"e_crl_reason_code_invalid"});
  }
  auto fine = Good();
  AddEntry(fine.get(), "7f0102030405060708", 10);
  AddEntry(fine.get(), "7f0102030405060709", -1);
  EXPECT_EQ(Lint(fine.get()), Only{});
}

TEST_F(CrlLintTest, BuildCrlRefusesToSignACrlThatFailsALint) {
  CrlTemplate t = Template();
  t.next_update = t.this_update + days(11);
  auto der = BuildCrl(intermediate(), t, {});
  ASSERT_FALSE(der.ok());
  EXPECT_EQ(der.error().code, ErrorCode::kServerInternal);
  EXPECT_EQ(der.error().detail.rfind("CRL failed lint e_crl_validity_too_long: nextUpdate is ", 0),
            0u)
      << der.error().detail;
}

}  // namespace
}  // namespace signet::pki::lint
