#include "pki/ca_hierarchy.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "base/files.h"
#include "pki/test_support.h"

namespace signet::pki {
namespace {

namespace fs = std::filesystem;
using crypto::X509Ptr;
using testing_support::ScopedTempDir;

constexpr fs::perms kKeyPerms = fs::perms::owner_read | fs::perms::owner_write;
constexpr fs::perms kCertPerms =
    fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read;

fs::perms PermsOf(const fs::path& p) { return fs::status(p).permissions() & fs::perms::mask; }

std::string SubjectCn(X509* cert) {
  char buf[256] = {0};
  int len = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf,
                                      sizeof(buf));
  return len < 0 ? "" : std::string(buf, size_t(len));
}

double YearsValid(X509* cert) {
  int days = 0, secs = 0;
  EXPECT_EQ(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(cert), X509_get0_notAfter(cert)), 1);
  return days / 365.25;
}

crypto::Key CertKey(X509* cert) { return crypto::Key(crypto::PkeyPtr(X509_get_pubkey(cert))); }

CaHierarchy MustLoad(const fs::path& dir) {
  auto ca = CaHierarchy::LoadOrCreate(dir, "Test");
  EXPECT_TRUE(ca.ok()) << ca.error().ToString();
  return std::move(*ca);
}

TEST(CaHierarchy, CreatesFilesWithTightModes) {
  ScopedTempDir tmp;
  fs::path dir = tmp.path() / "ca";
  CaHierarchy ca = MustLoad(dir);
  EXPECT_EQ(PermsOf(dir), fs::perms::owner_all);
  EXPECT_EQ(PermsOf(dir / "root.key"), kKeyPerms);
  EXPECT_EQ(PermsOf(dir / "intermediate.key"), kKeyPerms);
  EXPECT_EQ(PermsOf(dir / "root.pem"), kCertPerms);
  EXPECT_EQ(PermsOf(dir / "intermediate.pem"), kCertPerms);
  EXPECT_EQ(PermsOf(dir / "root-alt.key"), kKeyPerms);
  EXPECT_EQ(PermsOf(dir / "root-alt.pem"), kCertPerms);
  EXPECT_EQ(PermsOf(dir / "intermediate-cross.pem"), kCertPerms);
  EXPECT_EQ(*ReadFile(dir / "root.pem"), ca.RootPem());
  EXPECT_EQ(*ReadFile(dir / "intermediate.pem"), ca.IntermediatePem());
  EXPECT_EQ(*ReadFile(dir / "root-alt.pem"), ca.AlternateRootPem());
  EXPECT_EQ(*ReadFile(dir / "intermediate-cross.pem"), ca.CrossSignedIntermediatePem());
}

// The alternate chain (RFC 8555 7.4.2): a second root with its own key and a
// CN of its own (clients choose a chain by its topmost issuer's CN), and the
// intermediate cross-signed by it.
TEST(CaHierarchy, TheAlternateRootCrossSignsTheIntermediate) {
  ScopedTempDir tmp;
  CaHierarchy ca = MustLoad(tmp.path());
  X509* alt = ca.alternate_root().cert.get();
  EXPECT_EQ(SubjectCn(alt), "Test Alternate Root X2");
  EXPECT_EQ(X509_self_signed(alt, 1), 1);
  EXPECT_EQ(X509_check_ca(alt), 1);
  EXPECT_EQ(X509_get_key_usage(alt), uint32_t(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  EXPECT_EQ(CertKey(alt).CurveName(), "P-384");
  EXPECT_FALSE(CertKey(alt).SamePublicKey(CertKey(ca.root().cert.get())));
  EXPECT_NEAR(YearsValid(alt), 20.0, 0.05);

  X509* cross = ca.cross_signed_intermediate();
  X509* inter = ca.intermediate().cert.get();
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(cross), X509_get_subject_name(inter)), 0);
  EXPECT_EQ(X509_PUBKEY_eq(X509_get_X509_PUBKEY(cross), X509_get_X509_PUBKEY(inter)), 1);
  EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(cross), X509_get_subject_name(alt)), 0);
  EXPECT_EQ(X509_verify(cross, X509_get0_pubkey(alt)), 1);
  EXPECT_EQ(X509_check_ca(cross), 1);
  EXPECT_EQ(X509_get_pathlen(cross), X509_get_pathlen(inter));
  EXPECT_EQ(X509_get_extended_key_usage(cross), uint32_t(XKU_SSL_SERVER | XKU_SSL_CLIENT));
  auto [chain_pem, key_pem] = *ca.IssueTlsServerCert({"example.com"});
  auto chain = CertChainFromPem(chain_pem);
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(testing_support::VerifyChain(alt, cross, (*chain)[0].get(), "example.com"), "");
}

// serve opens only the intermediate's key: with the roots' keys gone, the
// hierarchy loads and the intermediate signs.
TEST(CaHierarchy, LoadNeverOpensTheRootKeys) {
  ScopedTempDir tmp;
  { CaHierarchy ca = MustLoad(tmp.path()); }
  ASSERT_TRUE(fs::remove(tmp.path() / "root.key"));
  ASSERT_TRUE(fs::remove(tmp.path() / "root-alt.key"));
  auto ca = CaHierarchy::Load(tmp.path());
  ASSERT_TRUE(ca.ok()) << ca.error().ToString();
  EXPECT_EQ(ca->root().signer, nullptr);
  EXPECT_EQ(ca->alternate_root().signer, nullptr);
  auto tls = ca->IssueTlsServerCert({"example.com"});
  ASSERT_TRUE(tls.ok()) << tls.error().ToString();
  auto chain = CertChainFromPem(tls->first);
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(testing_support::VerifyChain(ca->root().cert.get(), ca->intermediate().cert.get(),
                                         (*chain)[0].get(), "example.com"),
            "");
}

// Without the alternate root's files the default chain is served alone; one
// of the two without the other is an error, never a repair (that needs the
// alternate root's key: a ceremony).
TEST(CaHierarchy, TheAlternateChainIsOptionalButWhole) {
  ScopedTempDir tmp;
  { CaHierarchy ca = MustLoad(tmp.path()); }
  ASSERT_TRUE(fs::remove(tmp.path() / "intermediate-cross.pem"));
  auto half = CaHierarchy::Load(tmp.path());
  ASSERT_FALSE(half.ok());
  EXPECT_NE(half.error().detail.find("the alternate chain needs both"), std::string::npos)
      << half.error().detail;
  ASSERT_TRUE(fs::remove(tmp.path() / "root-alt.pem"));
  auto ca = CaHierarchy::Load(tmp.path());
  ASSERT_TRUE(ca.ok()) << ca.error().ToString();
  EXPECT_EQ(ca->cross_signed_intermediate(), nullptr);
  EXPECT_EQ(ca->CrossSignedIntermediatePem(), "");
  EXPECT_FALSE(fs::exists(tmp.path() / "intermediate-cross.pem"));  // not remade
}

TEST(CaHierarchy, SecondStartLoadsTheSameAlternateChain) {
  ScopedTempDir tmp;
  CaHierarchy first = MustLoad(tmp.path());
  CaHierarchy second = MustLoad(tmp.path());
  EXPECT_EQ(first.AlternateRootPem(), second.AlternateRootPem());
  EXPECT_EQ(first.CrossSignedIntermediatePem(), second.CrossSignedIntermediatePem());
}

TEST(CaHierarchy, CorruptedCrossCertificateIsAnError) {
  ScopedTempDir tmp;
  { CaHierarchy ca = MustLoad(tmp.path()); }
  ASSERT_TRUE(WriteFileAtomic(tmp.path() / "intermediate-cross.pem", "garbage", 0644).ok());
  auto ca = CaHierarchy::LoadOrCreate(tmp.path(), "Test");
  ASSERT_FALSE(ca.ok());
  EXPECT_NE(ca.error().detail.find("intermediate-cross.pem"), std::string::npos)
      << ca.error().detail;
}

TEST(CaHierarchy, RootAndIntermediateHaveTheProfile) {
  ScopedTempDir tmp;
  CaHierarchy ca = MustLoad(tmp.path());
  X509* root = ca.root().cert.get();
  X509* inter = ca.intermediate().cert.get();

  EXPECT_EQ(SubjectCn(root), "Test Root CA");
  EXPECT_EQ(CertKey(root).CurveName(), "P-384");
  EXPECT_EQ(X509_self_signed(root, 1), 1);
  EXPECT_EQ(X509_check_ca(root), 1);
  EXPECT_EQ(X509_get_key_usage(root), uint32_t(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  EXPECT_NEAR(YearsValid(root), 20.0, 0.05);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(root),
                                  X509_get0_subject_key_id(root)), 0);

  EXPECT_EQ(SubjectCn(inter), "Test Intermediate CA");
  EXPECT_EQ(ca.intermediate().public_key().CurveName(), "P-256");
  EXPECT_EQ(X509_verify(inter, X509_get0_pubkey(root)), 1);
  EXPECT_EQ(X509_check_ca(inter), 1);
  EXPECT_EQ(X509_get_pathlen(inter), 0);
  EXPECT_EQ(X509_get_key_usage(inter),
            uint32_t(KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  EXPECT_NEAR(YearsValid(inter), 5.0, 0.05);
  ASSERT_NE(X509_get0_authority_key_id(inter), nullptr);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(inter),
                                  X509_get0_subject_key_id(root)), 0);
}

// Baseline Requirements 7.1.2.10.6: a TLS subordinate CA names its purposes
// in a non-critical extKeyUsage: serverAuth, and clientAuth for the classic
// profile's leaves. The root has none (7.1.2.1.2).
TEST(CaHierarchy, TheIntermediateIsATlsSubordinateCa) {
  ScopedTempDir tmp;
  CaHierarchy ca = MustLoad(tmp.path());
  X509* inter = ca.intermediate().cert.get();
  int idx = X509_get_ext_by_NID(inter, NID_ext_key_usage, -1);
  ASSERT_GE(idx, 0);
  EXPECT_EQ(X509_EXTENSION_get_critical(X509_get_ext(inter, idx)), 0);
  EXPECT_EQ(X509_get_extended_key_usage(inter), uint32_t(XKU_SSL_SERVER | XKU_SSL_CLIENT));
  std::unique_ptr<EXTENDED_KEY_USAGE, crypto::OsslDeleter<EXTENDED_KEY_USAGE_free>> eku(
      static_cast<EXTENDED_KEY_USAGE*>(
          X509_get_ext_d2i(inter, NID_ext_key_usage, nullptr, nullptr)));
  ASSERT_TRUE(eku);
  ASSERT_EQ(sk_ASN1_OBJECT_num(eku.get()), 2);
  EXPECT_EQ(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku.get(), 0)), NID_server_auth);
  EXPECT_EQ(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku.get(), 1)), NID_client_auth);
  EXPECT_EQ(X509_get_pathlen(inter), 0);
  EXPECT_EQ(X509_get_ext_by_NID(ca.root().cert.get(), NID_ext_key_usage, -1), -1);
  // A TLS server leaf chains to it.
  auto [chain_pem, key_pem] = *ca.IssueTlsServerCert({"example.com"});
  auto chain = CertChainFromPem(chain_pem);
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(testing_support::VerifyChain(ca.root().cert.get(), inter, (*chain)[0].get(),
                                         "example.com"),
            "");
}

TEST(CaHierarchy, SecondStartLoadsTheSameCertificates) {
  ScopedTempDir tmp;
  CaHierarchy first = MustLoad(tmp.path());
  CaHierarchy second = MustLoad(tmp.path());
  EXPECT_EQ(CertToDer(first.root().cert.get()), CertToDer(second.root().cert.get()));
  EXPECT_EQ(CertToDer(first.intermediate().cert.get()),
            CertToDer(second.intermediate().cert.get()));
  EXPECT_TRUE(first.intermediate().public_key().SamePublicKey(second.intermediate().public_key()));
}

// A start never makes a new intermediate (that takes the root's key).
TEST(CaHierarchy, AMissingIntermediateIsAnErrorNotRecreated) {
  ScopedTempDir tmp;
  { CaHierarchy ca = MustLoad(tmp.path()); }
  fs::remove(tmp.path() / "intermediate.pem");
  fs::remove(tmp.path() / "intermediate.key");
  auto ca = CaHierarchy::LoadOrCreate(tmp.path(), "Test");
  ASSERT_FALSE(ca.ok());
  EXPECT_NE(ca.error().detail.find("intermediate"), std::string::npos) << ca.error().detail;
  EXPECT_FALSE(fs::exists(tmp.path() / "intermediate.pem"));
}

TEST(CaHierarchy, AGroupReadableIntermediateKeyIsRefused) {
  ScopedTempDir tmp;
  { CaHierarchy ca = MustLoad(tmp.path()); }
  fs::permissions(tmp.path() / "intermediate.key", fs::perms::group_read, fs::perm_options::add);
  auto ca = CaHierarchy::Load(tmp.path());
  ASSERT_FALSE(ca.ok());
  EXPECT_NE(ca.error().detail.find("intermediate.key has mode 0640, open to group or others"),
            std::string::npos)
      << ca.error().detail;
}

TEST(CaHierarchy, CorruptedKeyFileIsAnError) {
  ScopedTempDir tmp;
  { CaHierarchy ca = MustLoad(tmp.path()); }
  ASSERT_TRUE(WriteFileAtomic(tmp.path() / "intermediate.key", "garbage", 0600).ok());
  EXPECT_FALSE(CaHierarchy::LoadOrCreate(tmp.path(), "Test").ok());
}

TEST(CaHierarchy, MismatchedKeyIsAnError) {
  ScopedTempDir tmp;
  { CaHierarchy ca = MustLoad(tmp.path()); }
  auto other = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(WriteFileAtomic(tmp.path() / "intermediate.key", other->PrivatePem(), 0600).ok());
  auto ca = CaHierarchy::LoadOrCreate(tmp.path(), "Test");
  ASSERT_FALSE(ca.ok());
  EXPECT_NE(ca.error().detail.find("is not the key of"), std::string::npos) << ca.error().detail;
}

TEST(CaHierarchy, IntermediateFromAnotherRootIsAnError) {
  ScopedTempDir a, b;
  { CaHierarchy ca = MustLoad(a.path()); }
  { CaHierarchy ca = MustLoad(b.path()); }
  for (const char* f : {"intermediate.pem", "intermediate.key"})
    fs::copy_file(b.path() / f, a.path() / f, fs::copy_options::overwrite_existing);
  auto ca = CaHierarchy::LoadOrCreate(a.path(), "Test");
  ASSERT_FALSE(ca.ok());
  EXPECT_NE(ca.error().detail.find("not signed by"), std::string::npos) << ca.error().detail;
}

TEST(CaHierarchy, CertificateWithoutKeyIsAnError) {
  ScopedTempDir tmp;
  { CaHierarchy ca = MustLoad(tmp.path()); }
  fs::remove(tmp.path() / "intermediate.key");
  EXPECT_FALSE(CaHierarchy::LoadOrCreate(tmp.path(), "Test").ok());
}

TEST(CaHierarchy, TlsServerCertCoversIpAndDnsNames) {
  ScopedTempDir tmp;
  CaHierarchy ca = MustLoad(tmp.path());
  auto issued = ca.IssueTlsServerCert({"127.0.0.1", "localhost"});
  ASSERT_TRUE(issued.ok()) << issued.error().ToString();
  auto chain = CertChainFromPem(issued->first);
  ASSERT_TRUE(chain.ok()) << chain.error().ToString();
  ASSERT_EQ(chain->size(), 2u);
  X509* leaf = (*chain)[0].get();
  EXPECT_EQ(CertToDer((*chain)[1].get()), CertToDer(ca.intermediate().cert.get()));
  EXPECT_EQ(DnsSans(leaf), (std::vector<std::string>{"localhost"}));
  EXPECT_EQ(X509_check_ip_asc(leaf, "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_host(leaf, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(SubjectCn(leaf), "localhost");
  EXPECT_NEAR(YearsValid(leaf), 1.0, 0.01);

  auto key = crypto::Key::FromPem(issued->second);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->CurveName(), "P-256");
  EXPECT_EQ(X509_check_private_key(leaf, key->get()), 1);
  EXPECT_EQ(testing_support::VerifyChain(ca.root().cert.get(), (*chain)[1].get(), leaf,
                                         "localhost"),
            "");
  EXPECT_FALSE(ca.IssueTlsServerCert({}).ok());
}

}  // namespace
}  // namespace signet::pki
