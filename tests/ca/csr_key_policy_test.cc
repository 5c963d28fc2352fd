// Finalize applies the key policy and the CSR's encoding rules: a weak or
// Ed25519 key, a SHA-1 signature, an RSA key without NULL parameters are
// each badCSR naming the reason (RFC 8555 6.7: "the CSR is unacceptable (e.g.,
// due to a short key)"), and the order stays ready.
#include "acme_fixture.h"
#include "pki/weak_key_test_support.h"

namespace signet::testing {
namespace {

struct CsrOptions {
  const EVP_MD* md = EVP_sha256();
  bool drop_rsa_null_parameters = false;
};

// A CSR for `names` (SAN, first one also the CN) signed by `key`.
std::string CsrWith(const crypto::Key& key, const std::vector<std::string>& names,
                    const CsrOptions& options) {
  crypto::X509ReqPtr req(X509_REQ_new());
  X509_REQ_set_version(req.get(), 0);
  X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req.get()), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(names[0].c_str()), -1, -1, 0);
  EXPECT_EQ(X509_REQ_set_pubkey(req.get(), key.get()), 1);
  if (options.drop_rsa_null_parameters) {
    // Same key bits, algorithm rsaEncryption with its parameters absent.
    X509_PUBKEY* spki = X509_REQ_get_X509_PUBKEY(req.get());
    const unsigned char* bits = nullptr;
    int len = 0;
    EXPECT_EQ(X509_PUBKEY_get0_param(nullptr, &bits, &len, nullptr, spki), 1);
    auto* copy = static_cast<unsigned char*>(OPENSSL_memdup(bits, size_t(len)));
    EXPECT_EQ(X509_PUBKEY_set0_param(spki, OBJ_nid2obj(NID_rsaEncryption), V_ASN1_UNDEF, nullptr,
                                     copy, len),
              1);
  }
  std::string san;
  for (const auto& n : names) san += (san.empty() ? "DNS:" : ",DNS:") + n;
  crypto::ExtStackPtr exts(sk_X509_EXTENSION_new_null());
  sk_X509_EXTENSION_push(exts.get(),
                         X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.c_str()));
  X509_REQ_add_extensions(req.get(), exts.get());
  EXPECT_GT(X509_REQ_sign(req.get(), key.get(), options.md), 0);
  unsigned char* der = nullptr;
  int len = i2d_X509_REQ(req.get(), &der);
  std::string out(reinterpret_cast<char*>(der), size_t(len > 0 ? len : 0));
  OPENSSL_free(der);
  return out;
}

class CsrKeyPolicyTest : public AcmeTest {
 protected:
  void SetUp() override {
    AcmeTest::SetUp();
    Register();
  }
  void ExpectBadCsr(const std::string& name, const std::string& csr, const std::string& detail) {
    Reply refused = IssueWithCsr({name}, csr);
    EXPECT_EQ(refused.status, 400) << refused.body;
    EXPECT_EQ(refused.Type(), "badCSR") << refused.body;
    EXPECT_EQ(Str(refused.json, "detail"), detail);
  }
};

TEST_F(CsrKeyPolicyTest, WeakAndEd25519KeysAreBadCsrNamingTheReason) {
  auto small = crypto::Key::Generate(crypto::KeyType::kRsa, 1024);
  ExpectBadCsr("small.example.test", CsrWith(*small, {"small.example.test"}, {}),
               "RSA modulus of 1024 bits is too small (2048-4096 accepted)");
  crypto::Key e3 = pki::testing_support::RsaWithExponent(2048, 3);
  ExpectBadCsr("e3.example.test", CsrWith(e3, {"e3.example.test"}, {}),
               "public exponent 3 is not 65537");
  auto ed = crypto::Key::Generate(crypto::KeyType::kEd25519);
  ExpectBadCsr("ed.example.test", CsrWith(*ed, {"ed.example.test"}, {nullptr, false}),
               "key type ED25519 is not supported in a CSR (use RSA or ECDSA P-256/P-384; "
               "Ed25519 serves for account keys only)");
}

TEST_F(CsrKeyPolicyTest, Sha1SignedCsrsAreBadCsr) {
  auto rsa = crypto::Key::Generate(crypto::KeyType::kRsa);
  ExpectBadCsr("sha1.example.test", CsrWith(*rsa, {"sha1.example.test"}, {EVP_sha1(), false}),
               "CSR is signed with sha1WithRSAEncryption: SHA-1 and MD5 signatures are not "
               "accepted (sign with SHA-256)");
  auto ec = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ExpectBadCsr("ecsha1.example.test", CsrWith(*ec, {"ecsha1.example.test"}, {EVP_sha1(), false}),
               "CSR is signed with ecdsa-with-SHA1: SHA-1 and MD5 signatures are not accepted "
               "(sign with SHA-256)");
}

// The leaf would copy the CSR's SubjectPublicKeyInfo as it is.
TEST_F(CsrKeyPolicyTest, AnRsaKeyWithoutNullParametersIsBadCsr) {
  auto rsa = crypto::Key::Generate(crypto::KeyType::kRsa);
  ExpectBadCsr("nonull.example.test",
               CsrWith(*rsa, {"nonull.example.test"}, {EVP_sha256(), true}),
               "RSA public key algorithm must have NULL parameters (RFC 3279 2.3.1)");
  // The same key, encoded canonically, is issued for.
  std::string pem;
  Reply done =
      IssueWithCsr({"nonull.example.test"}, CsrWith(*rsa, {"nonull.example.test"}, {}), {}, &pem);
  EXPECT_EQ(Str(done.json, "status"), "valid") << done.body;
}

}  // namespace
}  // namespace signet::testing
