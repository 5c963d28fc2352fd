// Each OCSP lint against a response that breaks exactly its rule (built with
// OpenSSL and linted as BuildOcspResponse does, signed with a throwaway key
// first), and BuildOcspResponse refusing to sign what fails.
#include <gtest/gtest.h>

#include "pki/cert_builder.h"
#include "pki/crl_test_support.h"
#include "pki/lint/lint.h"
#include "pki/ocsp.h"
#include "pki/ocsp_signing_cert.h"

namespace signet::pki::lint {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using Only = std::vector<std::string>;

std::vector<std::string> Names(const Findings& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(f.lint);
  return out;
}

class OcspLintTest : public testing_support::TestCa {
 protected:
  void SetUp() override {
    TestCa::SetUp();
    leaf_ = Leaf("leaf.example.test");
    ASSERT_TRUE(leaf_);
  }

  // An unsigned BasicOCSPResponse with `count` SingleResponses for the leaf.
  crypto::OcspBasicRespPtr Basic(int kind, Clock::time_point this_update,
                                 std::optional<Clock::time_point> next_update, int count = 1,
                                 Clock::time_point revoked_at = Clock::now() - hours(2)) {
    crypto::OcspBasicRespPtr basic(OCSP_BASICRESP_new());
    crypto::Asn1TimePtr this_time(ASN1_GENERALIZEDTIME_set(nullptr, Clock::to_time_t(this_update)));
    crypto::Asn1TimePtr next_time(
        next_update ? ASN1_GENERALIZEDTIME_set(nullptr, Clock::to_time_t(*next_update)) : nullptr);
    crypto::Asn1TimePtr revoked(ASN1_GENERALIZEDTIME_set(nullptr, Clock::to_time_t(revoked_at)));
    for (int i = 0; i < count; ++i) {
      crypto::OcspCertIdPtr id(OCSP_cert_to_id(nullptr, leaf_.get(), intermediate().cert.get()));
      EXPECT_TRUE(
          OCSP_basic_add1_status(basic.get(), id.get(), kind, OCSP_REVOKED_STATUS_NOSTATUS,
                                 kind == V_OCSP_CERTSTATUS_REVOKED ? revoked.get() : nullptr,
                                 this_time.get(), next_time.get()));
    }
    return basic;
  }

  std::vector<std::string> Lint(OCSP_BASICRESP* basic) {
    return Names(LintOcspBeforeSigning(basic));
  }

  crypto::X509Ptr leaf_;
  Clock::time_point now_ = Clock::now();
};

TEST_F(OcspLintTest, ResponsesAsTheResponderBuildsThemPassEveryLint) {
  EXPECT_EQ(Lint(Basic(V_OCSP_CERTSTATUS_GOOD, now_ - hours(1), now_ + days(3)).get()), Only{});
  EXPECT_EQ(Lint(Basic(V_OCSP_CERTSTATUS_REVOKED, now_, now_ + days(10)).get()), Only{});
  EXPECT_EQ(Lint(Basic(V_OCSP_CERTSTATUS_UNKNOWN, now_, now_ + hours(1)).get()), Only{});
  EXPECT_EQ(OcspLintNames().size(), 5u);
}

TEST_F(OcspLintTest, ResponderIdEmpty) {
  // Signed by name by a responder whose subject is empty.
  auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(key.ok());
  pki::internal::CertSpec spec{std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8),
                               now_ - hours(1),
                               now_ + days(1),
                               "",
                               &*key,
                               nullptr};
  auto cert = pki::internal::NewCert(spec, nullptr);
  ASSERT_TRUE(cert.ok());
  ASSERT_TRUE(pki::internal::SignCert(cert->get(), *key).ok());
  auto basic = Basic(V_OCSP_CERTSTATUS_GOOD, now_, now_ + days(1));
  ASSERT_EQ(
      OCSP_basic_sign(basic.get(), cert->get(), key->get(), EVP_sha256(), nullptr, OCSP_NOCERTS),
      1);
  EXPECT_EQ(Names(LintOcspResponse(basic.get())), Only{"e_ocsp_responder_id_missing"});
}

TEST_F(OcspLintTest, NotExactlyOneSingleResponse) {
  EXPECT_EQ(Lint(Basic(V_OCSP_CERTSTATUS_GOOD, now_, now_ + days(1), 0).get()),
            Only{"e_ocsp_single_response_count"});
  EXPECT_EQ(Lint(Basic(V_OCSP_CERTSTATUS_GOOD, now_, now_ + days(1), 2).get()),
            Only{"e_ocsp_single_response_count"});
}

TEST_F(OcspLintTest, TimesOutOfOrder) {
  // thisUpdate after producedAt (now).
  EXPECT_EQ(Lint(Basic(V_OCSP_CERTSTATUS_GOOD, now_ + hours(1), now_ + days(1)).get()),
            Only{"e_ocsp_update_order"});
  // nextUpdate before thisUpdate.
  EXPECT_EQ(Lint(Basic(V_OCSP_CERTSTATUS_GOOD, now_, now_ - hours(1)).get()),
            Only{"e_ocsp_update_order"});
  // No nextUpdate.
  EXPECT_EQ(Lint(Basic(V_OCSP_CERTSTATUS_GOOD, now_, std::nullopt).get()),
            Only{"e_ocsp_update_order"});
}

TEST_F(OcspLintTest, ValidityOverTenDays) {
  Clock::time_point this_update = now_ - minutes(1);
  EXPECT_EQ(Lint(Basic(V_OCSP_CERTSTATUS_GOOD, this_update,
                       this_update + days(10) + std::chrono::seconds(1))
                     .get()),
            Only{"e_ocsp_validity_too_long"});
}

TEST_F(OcspLintTest, RevocationTimeMissingOrInTheFuture) {
  EXPECT_EQ(
      Lint(Basic(V_OCSP_CERTSTATUS_REVOKED, now_ - minutes(1), now_ + days(1), 1, now_ + hours(1))
               .get()),
      Only{"e_ocsp_revocation_time_invalid"});
  // Signed, then the time emptied.
  auto responder = IssueOcspSigningCert(intermediate(), days(7));
  ASSERT_TRUE(responder.ok());
  auto basic = Basic(V_OCSP_CERTSTATUS_REVOKED, now_ - minutes(1), now_ + days(1));
  ASSERT_TRUE(responder->signer->SignOcspResponse(basic.get(), responder->cert.get()).ok());
  EXPECT_EQ(Names(LintOcspResponse(basic.get())), Only{});
  int reason = 0;
  ASN1_GENERALIZEDTIME *revoked_at = nullptr, *this_update = nullptr, *next_update = nullptr;
  ASSERT_EQ(OCSP_single_get0_status(OCSP_resp_get0(basic.get(), 0), &reason, &revoked_at,
                                    &this_update, &next_update),
            V_OCSP_CERTSTATUS_REVOKED);
  ASSERT_EQ(ASN1_STRING_set(revoked_at, "", 0), 1);  // no time in it
  EXPECT_EQ(Names(LintOcspResponse(basic.get())), Only{"e_ocsp_revocation_time_invalid"});
}

TEST_F(OcspLintTest, BuildOcspResponseRefusesToSignAResponseThatFailsALint) {
  auto responder = IssueOcspSigningCert(intermediate(), days(7));
  ASSERT_TRUE(responder.ok());
  crypto::OcspCertIdPtr id(OCSP_cert_to_id(nullptr, leaf_.get(), intermediate().cert.get()));
  crypto::OcspRequestPtr request(OCSP_REQUEST_new());
  ASSERT_TRUE(OCSP_request_add0_id(request.get(), id.release()));
  int length = i2d_OCSP_REQUEST(request.get(), nullptr);
  std::string der(size_t(length), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  i2d_OCSP_REQUEST(request.get(), &p);
  auto info = ParseOcspRequest(der);
  ASSERT_TRUE(info.ok());
  auto good = BuildOcspResponse(*responder, intermediate().cert.get(), *info, {}, now_,
                                now_ + days(3), false);
  EXPECT_TRUE(good.ok()) << good.error().ToString();
  auto bad = BuildOcspResponse(*responder, intermediate().cert.get(), *info, {}, now_,
                               now_ + days(11), false);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kServerInternal);
  EXPECT_EQ(bad.error().detail.rfind("OCSP response failed lint e_ocsp_validity_too_long: ", 0), 0u)
      << bad.error().detail;
}

}  // namespace
}  // namespace signet::pki::lint
