// Precertificate and final certificate (RFC 6962 3.1): the same serial and
// TBS but for the poison / SCT list, and SCTs embedded by our code verified
// by OpenSSL's own CT implementation (SCT_LIST_validate with a CTLOG_STORE of
// the logs' keys), not by ours.
#include <gtest/gtest.h>

#include <filesystem>

#include "ca/signer/signer.h"
#include "base/base64url.h"
#include "base/files.h"
#include "pki/certificate.h"
#include "pki/sct.h"
#include "pki/test_support.h"

namespace signet::ca {
namespace {

class SignerCtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path());
    auto ca = pki::CaHierarchy::LoadOrCreate(dir_.path() / "ca", "Test");
    ASSERT_TRUE(ca.ok()) << ca.error().ToString();
    ca_.emplace(std::move(*ca));
    for (crypto::Key* k : {&key_, &log_a_, &log_b_}) {
      auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
      ASSERT_TRUE(key.ok());
      *k = std::move(*key);
    }
    config_.ca_issuers_url = "http://ca.test/acme/issuer-cert";
    config_.publication.base = "http://ca.test";
    config_.ocsp = true;
  }

  // The final certificate's DER for `request`, with SCTs of log_a_ and
  // log_b_ over the precertificate; the precertificate's DER in *precert.
  std::string IssueWithScts(const IssueRequest& request, std::string* precert) {
    Signer signer(*ca_, config_);
    auto prepared = signer.PreparePrecertificate(request);
    EXPECT_TRUE(prepared.ok()) << prepared.error().ToString();
    if (!prepared.ok()) return "";
    const CertificateBasis basis = prepared->basis();
    auto signed_precert = signer.Sign(std::move(*prepared));
    EXPECT_TRUE(signed_precert.ok());
    *precert = signed_precert->der;
    auto tbs = pki::PrecertTbs(*precert);
    EXPECT_TRUE(tbs.ok()) << tbs.error().ToString();
    const std::string issuer_hash = pki::IssuerKeyHash(ca_->intermediate().cert.get());
    const uint64_t now_ms = uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count());
    std::vector<pki::Sct> scts;
    for (const crypto::Key* log : {&log_a_, &log_b_}) {
      auto sct = pki::SignSct(*log, now_ms - 1000, pki::CtEntryType::kPrecert, issuer_hash, *tbs);
      EXPECT_TRUE(sct.ok());
      scts.push_back(*sct);
    }
    auto list = pki::EncodeSctList(scts);
    EXPECT_TRUE(list.ok());
    auto final_prepared = signer.PrepareFinal(request, basis, *list);
    EXPECT_TRUE(final_prepared.ok()) << final_prepared.error().ToString();
    if (!final_prepared.ok()) return "";
    auto final_cert = signer.Sign(std::move(*final_prepared));
    EXPECT_TRUE(final_cert.ok());
    EXPECT_EQ(final_cert->serial_hex, signed_precert->serial_hex);
    return final_cert->der;
  }

  pki::testing_support::ScopedTempDir dir_;
  std::optional<pki::CaHierarchy> ca_;
  SignerConfig config_;
  crypto::Key key_, log_a_, log_b_;
};

TEST_F(SignerCtTest, PrecertificateCarriesTheCriticalPoisonAndTheFinalTheSctList) {
  IssueRequest request{&key_, nullptr, {"example.com"}, {}, nullptr, false};
  std::string precert_der;
  std::string final_der = IssueWithScts(request, &precert_der);
  auto precert = pki::CertFromDer(precert_der);
  auto final_cert = pki::CertFromDer(final_der);
  ASSERT_TRUE(precert.ok() && final_cert.ok());
  int at = X509_get_ext_by_NID(precert->get(), NID_ct_precert_poison, -1);
  ASSERT_GE(at, 0);
  X509_EXTENSION* poison = X509_get_ext(precert->get(), at);
  EXPECT_EQ(X509_EXTENSION_get_critical(poison), 1);
  const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(poison);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                        size_t(ASN1_STRING_length(value))),
            std::string("\x05\x00", 2));  // ASN.1 NULL
  EXPECT_LT(X509_get_ext_by_NID(precert->get(), NID_ct_precert_scts, -1), 0);
  EXPECT_LT(X509_get_ext_by_NID(final_cert->get(), NID_ct_precert_poison, -1), 0);
  EXPECT_GE(X509_get_ext_by_NID(final_cert->get(), NID_ct_precert_scts, -1), 0);
  // Without its SCT list the final certificate's TBS is the precertificate's
  // without its poison: what the logs signed.
  X509_EXTENSION* removed =
      X509_delete_ext(final_cert->get(), X509_get_ext_by_NID(final_cert->get(),
                                                              NID_ct_precert_scts, -1));
  crypto::X509ExtPtr owned(removed);
  auto precert_tbs = pki::PrecertTbs(precert_der);
  ASSERT_TRUE(precert_tbs.ok());
  EXPECT_EQ(pki::TbsDer(final_cert->get()), *precert_tbs);
}

TEST_F(SignerCtTest, OpenSslValidatesEveryEmbeddedSct) {
  IssueRequest request{&key_, nullptr, {"example.com", "www.example.com"}, {}, nullptr, true};
  std::string precert_der;
  std::string final_der = IssueWithScts(request, &precert_der);
  auto final_cert = pki::CertFromDer(final_der);
  ASSERT_TRUE(final_cert.ok());
  // A CT log list file in OpenSSL's format (ct_log_list.cnf) naming our logs.
  std::string conf = "enabled_logs = a,b\n";
  const char* names[] = {"a", "b"};
  const crypto::Key* keys[] = {&log_a_, &log_b_};
  for (int i = 0; i < 2; ++i) {
    std::string der = keys[i]->PublicDer();
    conf += std::string("[") + names[i] + "]\ndescription = log " + names[i] +
            "\nkey = " + Base64Encode(der) + "\n";
  }
  const std::filesystem::path file = dir_.path() / "ct_log_list.cnf";
  ASSERT_TRUE(WriteFileAtomic(file, conf).ok());
  crypto::CtlogStorePtr store(CTLOG_STORE_new());
  ASSERT_EQ(CTLOG_STORE_load_file(store.get(), file.c_str()), 1) << crypto::LastOsslError();

  crypto::SctListPtr scts(static_cast<STACK_OF(SCT)*>(
      X509_get_ext_d2i(final_cert->get(), NID_ct_precert_scts, nullptr, nullptr)));
  ASSERT_NE(scts, nullptr);
  ASSERT_EQ(sk_SCT_num(scts.get()), 2);
  crypto::CtPolicyEvalCtxPtr ctx(CT_POLICY_EVAL_CTX_new());
  ASSERT_EQ(CT_POLICY_EVAL_CTX_set1_cert(ctx.get(), final_cert->get()), 1);
  ASSERT_EQ(CT_POLICY_EVAL_CTX_set1_issuer(ctx.get(), ca_->intermediate().cert.get()), 1);
  CT_POLICY_EVAL_CTX_set_shared_CTLOG_STORE(ctx.get(), store.get());
  EXPECT_EQ(SCT_LIST_validate(scts.get(), ctx.get()), 1) << crypto::LastOsslError();
  for (int i = 0; i < sk_SCT_num(scts.get()); ++i) {
    SCT* sct = sk_SCT_value(scts.get(), i);
    EXPECT_EQ(SCT_get_validation_status(sct), SCT_VALIDATION_STATUS_VALID) << "SCT " << i;
    EXPECT_EQ(SCT_get_log_entry_type(sct), CT_LOG_ENTRY_TYPE_PRECERT);
  }
}

TEST_F(SignerCtTest, OpenSslRefusesAnSctOfAnotherCertificate) {
  // The control: an SCT list signed over another precertificate's TBS and
  // embedded here must not validate (so the test above can fail).
  IssueRequest request{&key_, nullptr, {"example.com"}, {}, nullptr, false};
  Signer signer(*ca_, config_);
  auto prepared = signer.PreparePrecertificate(request);
  ASSERT_TRUE(prepared.ok());
  const CertificateBasis basis = prepared->basis();
  auto sct = pki::SignSct(log_a_, 1, pki::CtEntryType::kPrecert,
                          pki::IssuerKeyHash(ca_->intermediate().cert.get()), "another TBS");
  ASSERT_TRUE(sct.ok());
  auto list = pki::EncodeSctList({*sct});
  ASSERT_TRUE(list.ok());
  auto final_prepared = signer.PrepareFinal(request, basis, *list);
  ASSERT_TRUE(final_prepared.ok());
  auto final_der = signer.Sign(std::move(*final_prepared));
  ASSERT_TRUE(final_der.ok());
  auto final_cert = pki::CertFromDer(final_der->der);
  ASSERT_TRUE(final_cert.ok());
  const std::filesystem::path file = dir_.path() / "one.cnf";
  ASSERT_TRUE(WriteFileAtomic(file, "enabled_logs = a\n[a]\ndescription = a\nkey = " +
                                  Base64Encode(log_a_.PublicDer()) + "\n")
                  .ok());
  crypto::CtlogStorePtr store(CTLOG_STORE_new());
  ASSERT_EQ(CTLOG_STORE_load_file(store.get(), file.c_str()), 1);
  crypto::SctListPtr scts(static_cast<STACK_OF(SCT)*>(
      X509_get_ext_d2i(final_cert->get(), NID_ct_precert_scts, nullptr, nullptr)));
  ASSERT_NE(scts, nullptr);
  crypto::CtPolicyEvalCtxPtr ctx(CT_POLICY_EVAL_CTX_new());
  CT_POLICY_EVAL_CTX_set1_cert(ctx.get(), final_cert->get());
  CT_POLICY_EVAL_CTX_set1_issuer(ctx.get(), ca_->intermediate().cert.get());
  CT_POLICY_EVAL_CTX_set_shared_CTLOG_STORE(ctx.get(), store.get());
  EXPECT_EQ(SCT_LIST_validate(scts.get(), ctx.get()), 0);
  EXPECT_EQ(SCT_get_validation_status(sk_SCT_value(scts.get(), 0)),
            SCT_VALIDATION_STATUS_INVALID);
}

}  // namespace
}  // namespace signet::ca
