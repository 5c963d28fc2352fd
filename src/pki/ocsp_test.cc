#include "pki/ocsp.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <optional>
#include <string>

#include "pki/crl_test_support.h"
#include "pki/ocsp_signing_cert.h"

namespace signet::pki {
namespace {

using std::chrono::days;
using std::chrono::hours;
using testing_support::RunCommand;
using testing_support::WriteTestFile;

template <typename T, typename Encode>
std::string ToDer(T* object, Encode encode) {
  int len = encode(object, nullptr);
  std::string out(len > 0 ? size_t(len) : 0, '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  if (len > 0) encode(object, &p);
  return out;
}

std::time_t AsnTime(const ASN1_GENERALIZEDTIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return -1;
  return timegm(&tm);
}

Clock::time_point WholeSeconds(Clock::time_point t) {
  return Clock::from_time_t(Clock::to_time_t(t));
}

class OcspTest : public testing_support::TestCa {
 protected:
  void SetUp() override {
    TestCa::SetUp();
    auto responder = IssueOcspSigningCert(intermediate(), days(7));
    ASSERT_TRUE(responder.ok()) << responder.error().ToString();
    responder_.emplace(std::move(*responder));
    leaf_ = Leaf("leaf.example.test");
    ASSERT_TRUE(leaf_);
  }

  // An OCSPRequest for `cert` issued by `issuer`, as OpenSSL clients build it.
  crypto::OcspRequestPtr Request(X509* cert, X509* issuer, const EVP_MD* md, bool nonce) {
    crypto::OcspRequestPtr request(OCSP_REQUEST_new());
    crypto::OcspCertIdPtr id(OCSP_cert_to_id(md, cert, issuer));
    EXPECT_TRUE(request && id);
    if (OCSP_request_add0_id(request.get(), id.get())) id.release();  // owned by request
    if (nonce) {
      EXPECT_EQ(OCSP_request_add1_nonce(request.get(), nullptr, -1), 1);
    }
    return request;
  }

  // Builds the response for `request`, checks that it is successful and
  // verifies against the chain, and returns its BasicOCSPResponse.
  crypto::OcspBasicRespPtr Respond(OCSP_REQUEST* request, const OcspStatus& status,
                                   bool include_nonce = true) {
    auto info = ParseOcspRequest(ToDer(request, i2d_OCSP_REQUEST));
    EXPECT_TRUE(info.ok()) << info.error().ToString();
    if (!info.ok()) return nullptr;
    auto der = BuildOcspResponse(*responder_, intermediate().cert.get(), *info, status,
                                 this_update_, next_update_, include_nonce);
    EXPECT_TRUE(der.ok()) << der.error().ToString();
    if (!der.ok()) return nullptr;
    const auto* p = reinterpret_cast<const unsigned char*>(der->data());
    crypto::OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, long(der->size())));
    EXPECT_TRUE(response);
    if (!response) return nullptr;
    EXPECT_EQ(OCSP_response_status(response.get()), OCSP_RESPONSE_STATUS_SUCCESSFUL);
    crypto::OcspBasicRespPtr basic(OCSP_response_get1_basic(response.get()));
    EXPECT_TRUE(basic);
    if (!basic) return nullptr;
    crypto::X509StorePtr store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), root().cert.get());
    crypto::X509StackPtr untrusted(sk_X509_new_null());
    X509_up_ref(intermediate().cert.get());
    sk_X509_push(untrusted.get(), intermediate().cert.get());
    EXPECT_EQ(OCSP_basic_verify(basic.get(), untrusted.get(), store.get(), 0), 1)
        << crypto::LastOsslError();
    return basic;
  }

  std::optional<Issuer> responder_;
  crypto::X509Ptr leaf_;
  Clock::time_point this_update_ = WholeSeconds(Clock::now() - hours(1));
  Clock::time_point next_update_ = this_update_ + days(3);
};

TEST_F(OcspTest, ParsesRequestAndMatchesIssuer) {
  crypto::OcspRequestPtr request =
      Request(leaf_.get(), intermediate().cert.get(), EVP_sha1(), true);
  auto info = ParseOcspRequest(ToDer(request.get(), i2d_OCSP_REQUEST));
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->hash, OcspHash::kSha1);
  EXPECT_EQ(info->issuer_name_hash.size(), 20u);
  EXPECT_EQ(info->issuer_key_hash.size(), 20u);
  EXPECT_EQ(info->serial, SerialHex(leaf_.get()));
  ASSERT_TRUE(info->nonce.has_value());
  EXPECT_EQ(info->nonce->size(), 18u);  // OCTET STRING of 16 random octets
  EXPECT_TRUE(OcspRequestMatchesIssuer(*info, intermediate().cert.get()));
  EXPECT_FALSE(OcspRequestMatchesIssuer(*info, root().cert.get()));

  request = Request(leaf_.get(), intermediate().cert.get(), EVP_sha256(), false);
  info = ParseOcspRequest(ToDer(request.get(), i2d_OCSP_REQUEST));
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->hash, OcspHash::kSha256);
  EXPECT_EQ(info->issuer_key_hash.size(), 32u);
  EXPECT_FALSE(info->nonce.has_value());
  EXPECT_TRUE(OcspRequestMatchesIssuer(*info, intermediate().cert.get()));
}

TEST_F(OcspTest, RefusesMalformedRequests) {
  EXPECT_EQ(ParseOcspRequest("").error().code, ErrorCode::kMalformed);
  EXPECT_EQ(ParseOcspRequest("\x30\x03\x02\x01\x01").error().code, ErrorCode::kMalformed);
  crypto::OcspRequestPtr sha384 =
      Request(leaf_.get(), intermediate().cert.get(), EVP_sha384(), false);
  EXPECT_FALSE(ParseOcspRequest(ToDer(sha384.get(), i2d_OCSP_REQUEST)).ok());
  crypto::OcspRequestPtr two = Request(leaf_.get(), intermediate().cert.get(), EVP_sha1(), false);
  crypto::OcspCertIdPtr second(OCSP_cert_to_id(EVP_sha1(), leaf_.get(), intermediate().cert.get()));
  ASSERT_TRUE(OCSP_request_add0_id(two.get(), second.get()));
  second.release();
  EXPECT_FALSE(ParseOcspRequest(ToDer(two.get(), i2d_OCSP_REQUEST)).ok());
  std::string good = ToDer(sha384.get(), i2d_OCSP_REQUEST);
  EXPECT_FALSE(ParseOcspRequest(good + "x").ok());  // trailing data
  // Nonces: empty or not an OCTET STRING are malformed; over 32 octets, ignored.
  struct NonceCase {
    std::string extn_value;
    bool ok;
    bool echoed;
  } nonces[] = {
      {std::string("\x04\x00", 2), false, false},
      {"raw-nonce-bytes", false, false},
      {"\x04\x20" + std::string(32, 'n'), true, true},
      {"\x04\x21" + std::string(33, 'n'), true, false},
  };
  for (const NonceCase& n : nonces) {
    crypto::OcspRequestPtr request =
        Request(leaf_.get(), intermediate().cert.get(), EVP_sha1(), false);
    crypto::Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
    ASSERT_EQ(ASN1_OCTET_STRING_set(value.get(),
                                    reinterpret_cast<const unsigned char*>(n.extn_value.data()),
                                    int(n.extn_value.size())),
              1);
    crypto::X509ExtPtr ext(
        X509_EXTENSION_create_by_NID(nullptr, NID_id_pkix_OCSP_Nonce, 0, value.get()));
    ASSERT_EQ(OCSP_REQUEST_add_ext(request.get(), ext.get(), -1), 1);
    auto info = ParseOcspRequest(ToDer(request.get(), i2d_OCSP_REQUEST));
    EXPECT_EQ(info.ok(), n.ok) << n.extn_value.size();
    if (info.ok()) {
      EXPECT_EQ(info->nonce.has_value(), n.echoed);
      if (n.echoed) {
        EXPECT_EQ(*info->nonce, n.extn_value);
      }
    }
  }
}

TEST_F(OcspTest, GoodResponseEchoesNonceAndIdentifiesResponderByKey) {
  crypto::OcspRequestPtr request =
      Request(leaf_.get(), intermediate().cert.get(), EVP_sha1(), true);
  crypto::OcspBasicRespPtr basic = Respond(request.get(), {OcspStatus::kGood, {}, 0});
  ASSERT_TRUE(basic);
  EXPECT_EQ(OCSP_check_nonce(request.get(), basic.get()), 1);
  crypto::OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha1(), leaf_.get(), intermediate().cert.get()));
  int status = -1, reason = -1;
  ASN1_GENERALIZEDTIME *revoked_at = nullptr, *this_update = nullptr, *next_update = nullptr;
  ASSERT_EQ(OCSP_resp_find_status(basic.get(), id.get(), &status, &reason, &revoked_at,
                                  &this_update, &next_update),
            1);
  EXPECT_EQ(status, V_OCSP_CERTSTATUS_GOOD);
  EXPECT_EQ(AsnTime(this_update), Clock::to_time_t(this_update_));
  EXPECT_EQ(AsnTime(next_update), Clock::to_time_t(next_update_));
  EXPECT_EQ(OCSP_check_validity(this_update, next_update, 300, -1), 1);

  const ASN1_OCTET_STRING* key_id = nullptr;
  const X509_NAME* name = nullptr;
  ASSERT_EQ(OCSP_resp_get0_id(basic.get(), &key_id, &name), 1);
  ASSERT_NE(key_id, nullptr);
  EXPECT_EQ(name, nullptr);
  unsigned char sha1[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  ASSERT_EQ(X509_pubkey_digest(responder_->cert.get(), EVP_sha1(), sha1, &len), 1);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(key_id)),
                        size_t(ASN1_STRING_length(key_id))),
            std::string(reinterpret_cast<char*>(sha1), len));
  const STACK_OF(X509)* certs = OCSP_resp_get0_certs(basic.get());
  ASSERT_EQ(sk_X509_num(certs), 1);
  EXPECT_EQ(X509_cmp(sk_X509_value(certs, 0), responder_->cert.get()), 0);
}

TEST_F(OcspTest, RevokedAndUnknown) {
  crypto::OcspRequestPtr request =
      Request(leaf_.get(), intermediate().cert.get(), EVP_sha256(), false);
  crypto::OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha256(), leaf_.get(), intermediate().cert.get()));
  Clock::time_point revoked_time = WholeSeconds(Clock::now() - hours(5));
  struct Case {
    OcspStatus status;
    int want_status;
    int want_reason;
  } cases[] = {
      {{OcspStatus::kRevoked, revoked_time, 1}, V_OCSP_CERTSTATUS_REVOKED, 1},
      {{OcspStatus::kRevoked, revoked_time, 0},
       V_OCSP_CERTSTATUS_REVOKED,
       OCSP_REVOKED_STATUS_NOSTATUS},
      {{OcspStatus::kUnknown, {}, 0}, V_OCSP_CERTSTATUS_UNKNOWN, -1},
  };
  for (const Case& c : cases) {
    crypto::OcspBasicRespPtr basic = Respond(request.get(), c.status);
    ASSERT_TRUE(basic);
    EXPECT_EQ(OCSP_check_nonce(request.get(), basic.get()), 2);  // neither has one
    int status = -1, reason = -1;
    ASN1_GENERALIZEDTIME* revoked_at = nullptr;
    ASSERT_EQ(OCSP_resp_find_status(basic.get(), id.get(), &status, &reason, &revoked_at, nullptr,
                                    nullptr),
              1);
    EXPECT_EQ(status, c.want_status);
    EXPECT_EQ(reason, c.want_reason);
    if (c.want_status == V_OCSP_CERTSTATUS_REVOKED) {
      EXPECT_EQ(AsnTime(revoked_at), Clock::to_time_t(revoked_time));
    }
  }
}

TEST_F(OcspTest, NonceOmittedWhenNotWanted) {
  crypto::OcspRequestPtr request =
      Request(leaf_.get(), intermediate().cert.get(), EVP_sha1(), true);
  crypto::OcspBasicRespPtr basic = Respond(request.get(), {OcspStatus::kGood, {}, 0}, false);
  ASSERT_TRUE(basic);
  EXPECT_EQ(OCSP_check_nonce(request.get(), basic.get()), -1);  // in the request only
}

TEST_F(OcspTest, OtherIssuerIsUnauthorized) {
  // The intermediate's own status, asked of the intermediate's responder.
  crypto::OcspRequestPtr request =
      Request(intermediate().cert.get(), root().cert.get(), EVP_sha1(), false);
  auto info = ParseOcspRequest(ToDer(request.get(), i2d_OCSP_REQUEST));
  ASSERT_TRUE(info.ok());
  auto der = BuildOcspResponse(*responder_, intermediate().cert.get(), *info,
                               {OcspStatus::kGood, {}, 0}, this_update_, next_update_, true);
  ASSERT_FALSE(der.ok());
  EXPECT_EQ(der.error().code, ErrorCode::kUnauthorized);
  // Bad arguments.
  request = Request(leaf_.get(), intermediate().cert.get(), EVP_sha1(), false);
  info = ParseOcspRequest(ToDer(request.get(), i2d_OCSP_REQUEST));
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(BuildOcspResponse(*responder_, intermediate().cert.get(), *info,
                                 {OcspStatus::kRevoked, Clock::now(), 7}, this_update_,
                                 next_update_, true)
                   .ok());
  EXPECT_FALSE(BuildOcspResponse(*responder_, intermediate().cert.get(), *info,
                                 {OcspStatus::kGood, {}, 0}, next_update_, this_update_, true)
                   .ok());
}

TEST_F(OcspTest, ErrorResponses) {
  for (int status :
       std::initializer_list<int>{kOcspMalformedRequest, kOcspInternalError, kOcspTryLater,
                                  kOcspSigRequired, kOcspUnauthorized, 0, 4, 99}) {
    std::string der = OcspErrorResponse(status);
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    crypto::OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, long(der.size())));
    ASSERT_TRUE(response) << status;
    int want = status == 0 || status == 4 || status == 99 ? kOcspInternalError : status;
    EXPECT_EQ(OCSP_response_status(response.get()), want);
    EXPECT_EQ(OCSP_response_get1_basic(response.get()), nullptr);
  }
  EXPECT_EQ(OcspErrorResponse(kOcspUnauthorized), std::string("\x30\x03\x0a\x01\x06", 5));
}

TEST_F(OcspTest, SigningCertificateProfile) {
  X509* cert = responder_->cert.get();
  EXPECT_EQ(X509_verify(cert, X509_get0_pubkey(intermediate().cert.get())), 1);
  EXPECT_EQ(X509_check_issued(intermediate().cert.get(), cert), X509_V_OK);
  EXPECT_EQ(X509_check_ca(cert), 0);
  EXPECT_EQ(responder_->public_key().CurveName(), "P-256");
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(cert), responder_->public_key().get()), 1);
  EXPECT_EQ(X509_get_extended_key_usage(cert), uint32_t(XKU_OCSP_SIGN));
  EXPECT_EQ(X509_get_key_usage(cert), uint32_t(KU_DIGITAL_SIGNATURE));
  for (int nid : {NID_basic_constraints, NID_key_usage}) {
    int idx = X509_get_ext_by_NID(cert, nid, -1);
    ASSERT_GE(idx, 0);
    EXPECT_EQ(X509_EXTENSION_get_critical(X509_get_ext(cert, idx)), 1);
  }
  EXPECT_GE(X509_get_ext_by_NID(cert, NID_id_pkix_OCSP_noCheck, -1), 0);
  ASSERT_NE(X509_get0_subject_key_id(cert), nullptr);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(cert),
                                  X509_get0_subject_key_id(intermediate().cert.get())),
            0);
  auto lifetime = NotAfter(cert) - Clock::now();
  EXPECT_GT(lifetime, days(7) - hours(1));
  EXPECT_LE(lifetime, days(7));
  EXPECT_FALSE(IssueOcspSigningCert(Issuer{}, days(1)).ok());
}

// `openssl ocsp` reads our responses: verified against the root, with the
// leaf reported good or revoked (and the reason).
TEST_F(OcspTest, OpensslCommandLineAgrees) {
  WriteTestFile(Path("root.pem"), CertToPem(root().cert.get()));
  WriteTestFile(Path("intermediate.pem"), CertToPem(intermediate().cert.get()));
  WriteTestFile(Path("leaf.pem"), CertToPem(leaf_.get()));
  crypto::OcspRequestPtr request =
      Request(leaf_.get(), intermediate().cert.get(), EVP_sha1(), false);
  auto info = ParseOcspRequest(ToDer(request.get(), i2d_OCSP_REQUEST));
  ASSERT_TRUE(info.ok());
  struct Case {
    OcspStatus status;
    const char* want;
  } cases[] = {
      {{OcspStatus::kGood, {}, 0}, "leaf.pem: good"},
      {{OcspStatus::kRevoked, Clock::now() - hours(2), 1}, "leaf.pem: revoked"},
  };
  for (const Case& c : cases) {
    auto der = BuildOcspResponse(*responder_, intermediate().cert.get(), *info, c.status,
                                 this_update_, next_update_, false);
    ASSERT_TRUE(der.ok()) << der.error().ToString();
    WriteTestFile(Path("resp.der"), *der);
    auto out = RunCommand("cd " + Path("").string() +
                          " && openssl ocsp -respin resp.der -issuer intermediate.pem"
                          " -CAfile root.pem -cert leaf.pem -no_nonce -resp_text");
    EXPECT_EQ(out.exit_code, 0) << out.output;
    EXPECT_NE(out.output.find("Response verify OK"), std::string::npos) << out.output;
    EXPECT_NE(out.output.find(c.want), std::string::npos) << out.output;
    if (c.status.status == OcspStatus::kRevoked) {
      EXPECT_NE(out.output.find("Reason: keyCompromise"), std::string::npos) << out.output;
    }
  }
}

}  // namespace
}  // namespace signet::pki
