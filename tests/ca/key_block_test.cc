// Issue 5: a key revoked for keyCompromise with proof of the key is refused
// in later CSRs, and Must-Staple is refused unless the CA runs OCSP.
#include "acme_fixture.h"
#include "base/base64url.h"
#include "pki/certificate.h"
#include "pki/test_support.h"

namespace signet::testing {
namespace {
namespace json = boost::json;

// A CSR for `names` asking for the TLS Feature status_request (RFC 7633).
std::string MustStapleCsr(const crypto::Key& key, const std::vector<std::string>& names) {
  crypto::X509ReqPtr req(X509_REQ_new());
  X509_REQ_set_version(req.get(), 0);
  X509_REQ_set_pubkey(req.get(), key.get());
  std::string san;
  for (const auto& n : names) san += (san.empty() ? "DNS:" : ",DNS:") + n;
  crypto::ExtStackPtr exts(sk_X509_EXTENSION_new_null());
  sk_X509_EXTENSION_push(exts.get(),
                         X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.c_str()));
  sk_X509_EXTENSION_push(exts.get(),
                         X509V3_EXT_conf_nid(nullptr, nullptr, NID_tlsfeature, "status_request"));
  X509_REQ_add_extensions(req.get(), exts.get());
  X509_REQ_sign(req.get(), key.get(), EVP_sha256());
  unsigned char* der = nullptr;
  int len = i2d_X509_REQ(req.get(), &der);
  std::string out(reinterpret_cast<char*>(der), size_t(len));
  OPENSSL_free(der);
  return out;
}

crypto::Key NewKey() {
  auto k = crypto::Key::Generate(crypto::KeyType::kEcP256);
  EXPECT_TRUE(k.ok());
  return *k;
}

class KeyBlockTest : public AcmeTest {
 protected:
  void SetUp() override {
    AcmeTest::SetUp();
    Register();
  }
  // Issues for `names` with `cert_key`; returns the leaf DER ("" on failure).
  std::string Issue(const std::vector<std::string>& names, const crypto::Key& cert_key) {
    std::string pem;
    Reply done = IssueWithCsr(names, MakeCsr(cert_key, names), {}, &pem);
    EXPECT_EQ(Str(done.json, "status"), "valid") << done.body;
    auto chain = pki::CertChainFromPem(pem);
    return chain.ok() && !chain->empty() ? pki::CertToDer((*chain)[0].get()) : "";
  }
  Reply Revoke(const std::string& der, int reason, const crypto::Key& key, const std::string& kid) {
    json::value payload = json::object{{"certificate", Base64UrlEncode(der)}, {"reason", reason}};
    return Post(kBase + "/acme/revoke-cert", &payload, key, kid);
  }
};

TEST_F(KeyBlockTest, KeyCompromiseByTheCertificateKeyBlocksTheKey) {
  crypto::Key cert_key = NewKey();
  std::string der = Issue({"blocked.example.test"}, cert_key);
  ASSERT_EQ(Revoke(der, 1, cert_key, "").status, 200);
  Reply refused =
      IssueWithCsr({"blocked.example.test"}, MakeCsr(cert_key, {"blocked.example.test"}));
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.Type(), "badCSR");
  EXPECT_EQ(Str(refused.json, "detail"), "key is blocked (compromised)");
  // Another key for the same name is fine.
  EXPECT_FALSE(Issue({"blocked.example.test"}, NewKey()).empty());
}

TEST_F(KeyBlockTest, OtherReasonsOrAccountSignedRequestsDoNotBlock) {
  crypto::Key superseded_key = NewKey();
  ASSERT_EQ(Revoke(Issue({"super.example.test"}, superseded_key), 4, superseded_key, "").status,
            200);
  EXPECT_FALSE(Issue({"super.example.test"}, superseded_key).empty())
      << "superseded does not block";
  crypto::Key claimed_key = NewKey();
  ASSERT_EQ(Revoke(Issue({"claim.example.test"}, claimed_key), 1, key_, kid_).status, 200);
  EXPECT_FALSE(Issue({"claim.example.test"}, claimed_key).empty())
      << "keyCompromise without proof of the key does not block it";
}

TEST_F(KeyBlockTest, BlockingSurvivesRestart) {
  crypto::Key cert_key = NewKey();
  ASSERT_EQ(Revoke(Issue({"restart.block.example.test"}, cert_key), 1, cert_key, "").status, 200);
  Restart();
  Reply refused = IssueWithCsr({"restart.block.example.test"},
                               MakeCsr(cert_key, {"restart.block.example.test"}));
  EXPECT_EQ(refused.Type(), "badCSR");
}

TEST_F(KeyBlockTest, MustStapleIsRefusedWithoutOcsp) {
  Reply refused =
      IssueWithCsr({"staple.example.test"}, MustStapleCsr(NewKey(), {"staple.example.test"}));
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.Type(), "badCSR");
  EXPECT_NE(Str(refused.json, "detail").find("Must-Staple"), std::string::npos);
}

class MustStapleWithOcspTest : public KeyBlockTest {
 protected:
  CaOptions Options() const override {
    CaOptions o;
    o.ocsp = true;
    o.signer.ocsp = true;
    o.signer.publication.base = "http://127.0.0.1:14080";
    return o;
  }
};

TEST_F(MustStapleWithOcspTest, MustStapleIsIssuedWithTheTlsFeature) {
  std::string pem;
  Reply done = IssueWithCsr({"staple.example.test"},
                            MustStapleCsr(NewKey(), {"staple.example.test"}), {}, &pem);
  ASSERT_EQ(Str(done.json, "status"), "valid") << done.body;
  auto chain = pki::CertChainFromPem(pem);
  ASSERT_TRUE(chain.ok());
  EXPECT_GE(X509_get_ext_by_NID((*chain)[0].get(), NID_tlsfeature, -1), 0);
}

}  // namespace
}  // namespace signet::testing

namespace signet::testing {
namespace {

// A CSR whose EC point is compressed: the same key under another encoding.
TEST_F(KeyBlockTest, ACompressedPointIsRefusedSoABlockedKeyCannotReturnInIt) {
  crypto::Key cert_key = NewKey();
  ASSERT_EQ(Revoke(Issue({"compressed.example.test"}, cert_key), 1, cert_key, "").status, 200);
  crypto::Key same_key = pki::testing_support::WithCompressedPoint(cert_key);
  Reply refused = IssueWithCsr({"compressed.example.test"},
                               MakeCsr(same_key, {"compressed.example.test"}));
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.Type(), "badCSR");
  EXPECT_EQ(Str(refused.json, "detail"), "EC public key point must be uncompressed");
}

}  // namespace
}  // namespace signet::testing

namespace signet::testing {
namespace {

// A key blocked for keyCompromise cannot become an account key either.
TEST_F(KeyBlockTest, ABlockedKeyCannotOpenAnAccount) {
  crypto::Key cert_key = NewKey();
  ASSERT_EQ(Revoke(Issue({"acct.blocked.example.test"}, cert_key), 1, cert_key, "").status, 200);
  json::value payload = json::object{{"termsOfServiceAgreed", true}};
  Reply refused = Post(kBase + "/acme/new-acct", &payload, cert_key, "");
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.Type(), "badPublicKey") << refused.body;
  EXPECT_EQ(Str(refused.json, "detail"), "key is blocked (compromised)");
  // Another key is fine.
  crypto::Key fresh = NewKey();
  EXPECT_EQ(Post(kBase + "/acme/new-acct", &payload, fresh, "").status, 201);
}

}  // namespace
}  // namespace signet::testing
