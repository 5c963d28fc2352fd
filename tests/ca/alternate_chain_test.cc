// RFC 8555 7.4.2: the certificate URL serves the default chain (leaf + the
// intermediate signed by root.pem) and names the alternate one (leaf + the
// intermediate cross-signed by root-alt.pem) with Link rel="alternate";
// each chain verifies to its own root only.
#include <openssl/x509.h>

#include "acme_fixture.h"
#include "base/files.h"
#include "pki/certificate.h"

namespace signet::testing {
namespace {

std::vector<std::string> Alternates(const Reply& r) {
  std::vector<std::string> out;
  for (const auto& [name, value] : r.raw.headers) {
    if (name != "Link" || value.find("rel=\"alternate\"") == std::string::npos) continue;
    out.push_back(value.substr(1, value.find('>') - 1));
  }
  return out;
}

// OpenSSL's X509_verify_cert of the served chain with `anchor_pem` as the
// only trust anchor, for TLS server use and `host`; "" when it verifies.
std::string VerifyServedChain(const std::string& chain_pem, const std::string& anchor_pem,
                              const char* host) {
  auto chain = pki::CertChainFromPem(chain_pem);
  auto anchor = pki::CertFromPem(anchor_pem);
  if (!chain.ok() || chain->size() != 2 || !anchor.ok()) return "not a leaf + intermediate chain";
  crypto::X509StorePtr store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), anchor->get());
  crypto::X509StackPtr untrusted(sk_X509_new_null());
  X509_up_ref((*chain)[1].get());
  sk_X509_push(untrusted.get(), (*chain)[1].get());
  crypto::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (X509_STORE_CTX_init(ctx.get(), store.get(), (*chain)[0].get(), untrusted.get()) != 1)
    return "cannot init store ctx";
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(ctx.get()), host, 0);
  if (X509_verify_cert(ctx.get()) != 1)
    return X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
  return "";
}

std::string IssuerCn(X509* cert) {
  char buf[256] = {0};
  int len = X509_NAME_get_text_by_NID(X509_get_issuer_name(cert), NID_commonName, buf, sizeof(buf));
  return len < 0 ? "" : std::string(buf, size_t(len));
}

class AlternateChainTest : public AcmeTest {
 protected:
  void SetUp() override {
    AcmeTest::SetUp();
    Register();
    auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    ASSERT_TRUE(key.ok());
    Reply done = IssueWithCsr({"alt.example.test"}, MakeCsr(*key, {"alt.example.test"}));
    ASSERT_EQ(Str(done.json, "status"), "valid") << done.body;
    cert_url_ = Str(done.json, "certificate");
  }
  std::string Root() { return *ReadFile(dir_ / "root.pem"); }
  std::string AltRoot() { return *ReadFile(dir_ / "root-alt.pem"); }

  std::string cert_url_;
};

TEST_F(AlternateChainTest, TheDownloadLinksTheAlternateChainAndBack) {
  Reply def = PostAsGet(cert_url_);
  ASSERT_EQ(def.status, 200) << def.body;
  std::vector<std::string> alternates = Alternates(def);
  ASSERT_EQ(alternates, std::vector<std::string>{cert_url_ + "/alternate/1"});

  Reply alt = PostAsGet(alternates[0]);
  ASSERT_EQ(alt.status, 200) << alt.body;
  EXPECT_EQ(alt.Header("Content-Type"), "application/pem-certificate-chain");
  EXPECT_EQ(Alternates(alt), std::vector<std::string>{cert_url_});
  EXPECT_FALSE(alt.Header("Replay-Nonce").empty());

  // The same leaf, a different intermediate certificate for the same key.
  auto def_chain = pki::CertChainFromPem(def.body);
  auto alt_chain = pki::CertChainFromPem(alt.body);
  ASSERT_TRUE(def_chain.ok() && alt_chain.ok());
  ASSERT_EQ(alt_chain->size(), 2u);
  EXPECT_EQ(pki::CertToDer((*def_chain)[0].get()), pki::CertToDer((*alt_chain)[0].get()));
  EXPECT_NE(pki::CertToDer((*def_chain)[1].get()), pki::CertToDer((*alt_chain)[1].get()));
  // What certbot's --preferred-chain matches: the topmost certificate's issuer.
  EXPECT_EQ(IssuerCn((*def_chain)[1].get()), "Signet Root CA");
  EXPECT_EQ(IssuerCn((*alt_chain)[1].get()), "Signet Alternate Root X2");
}

TEST_F(AlternateChainTest, EachChainVerifiesToItsOwnRootOnly) {
  Reply def = PostAsGet(cert_url_);
  Reply alt = PostAsGet(cert_url_ + "/alternate/1");
  ASSERT_EQ(alt.status, 200) << alt.body;
  EXPECT_EQ(VerifyServedChain(def.body, Root(), "alt.example.test"), "");
  EXPECT_EQ(VerifyServedChain(alt.body, AltRoot(), "alt.example.test"), "");
  EXPECT_EQ(VerifyServedChain(alt.body, Root(), "alt.example.test"),
            "unable to get local issuer certificate");
  EXPECT_EQ(VerifyServedChain(def.body, AltRoot(), "alt.example.test"),
            "unable to get local issuer certificate");
}

TEST_F(AlternateChainTest, UnknownAlternatesAreNotFound) {
  for (const char* suffix : {"/alternate/2", "/alternate/0", "/alternate/01", "/alternate/x",
                             "/alternate/"}) {
    Reply r = PostAsGet(cert_url_ + suffix);
    EXPECT_EQ(r.status, 404) << suffix;
    EXPECT_EQ(r.Type(), "malformed") << suffix << " " << r.body;
    EXPECT_NE(r.body.find("No such certificate chain"), std::string::npos) << r.body;
  }
}

TEST_F(AlternateChainTest, TheAlternateIsPostAsGetByTheOwnerOnly) {
  std::string url = cert_url_ + "/alternate/1";
  boost::json::object payload{{"x", 1}};
  Reply with_payload = PostJson(url, payload);
  EXPECT_EQ(with_payload.Type(), "malformed");
  EXPECT_NE(with_payload.body.find("empty payload"), std::string::npos) << with_payload.body;

  auto other = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(other.ok());
  key_ = *other;
  Register();
  Reply foreign = PostAsGet(url);
  EXPECT_EQ(foreign.status, 403);
  EXPECT_EQ(foreign.Type(), "unauthorized") << foreign.body;
}

// The CA never opens a root's key: restarted with both removed, it serves
// both chains as before, for certificates issued before and after.
TEST_F(AlternateChainTest, ServesBothChainsWithTheRootKeysOffline) {
  ca_.reset();
  for (const char* f : {"root.key", "root-alt.key"})
    ASSERT_TRUE(std::filesystem::remove(dir_ / f)) << f;
  std::string root_before = Root();
  std::string cross_before = *ReadFile(dir_ / "intermediate-cross.pem");
  Restart();
  EXPECT_EQ(Root(), root_before);
  EXPECT_EQ(*ReadFile(dir_ / "intermediate-cross.pem"), cross_before);
  Reply alt = PostAsGet(cert_url_ + "/alternate/1");
  ASSERT_EQ(alt.status, 200) << alt.body;
  EXPECT_EQ(VerifyServedChain(alt.body, AltRoot(), "alt.example.test"), "");
  EXPECT_EQ(VerifyServedChain(PostAsGet(cert_url_).body, root_before, "alt.example.test"), "");
}

// Without the alternate chain's files (a ceremony with alternate_chain =
// false) the CA serves the default chain alone: no alternate link, and the
// files are not remade (that would take the alternate root's key).
TEST_F(AlternateChainTest, WithoutTheAlternateChainOnlyTheDefaultIsServed) {
  ca_.reset();
  for (const char* f : {"root-alt.pem", "root-alt.key", "intermediate-cross.pem"})
    ASSERT_TRUE(std::filesystem::remove(dir_ / f)) << f;
  Restart();
  Reply def = PostAsGet(cert_url_);
  ASSERT_EQ(def.status, 200) << def.body;
  EXPECT_TRUE(Alternates(def).empty());
  EXPECT_EQ(VerifyServedChain(def.body, Root(), "alt.example.test"), "");
  EXPECT_EQ(PostAsGet(cert_url_ + "/alternate/1").status, 404);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "root-alt.pem"));
}

}  // namespace
}  // namespace signet::testing
