#include "pki/ca_ceremony.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "base/files.h"
#include "crypto/pkcs11_signing_key.h"
#include "crypto/softhsm_test_support.h"
#include "pki/ca_hierarchy.h"
#include "pki/ocsp_signing_cert.h"
#include "pki/test_support.h"

namespace signet::pki {
namespace {

namespace fs = std::filesystem;
using testing_support::ScopedTempDir;

const char* kAllFiles[] = {"root.pem", "root.key", "intermediate.pem", "intermediate.key",
                           "root-alt.pem", "root-alt.key", "intermediate-cross.pem"};

// A responder certificate loaded as serve loads it (certificate file + key
// file or token key), checked against the hierarchy's intermediate.
std::string CheckResponder(const fs::path& dir, const std::string& name, const std::string& key,
                           const std::string& pin = "", const std::string& module = "") {
  auto cert = CertFromPem(*ReadFile(dir / (name + ".pem")));
  auto signer = crypto::OpenSigningKey(key, pin, module);
  auto intermediate = CertFromPem(*ReadFile(dir / "intermediate.pem"));
  if (!cert.ok() || !signer.ok() || !intermediate.ok()) return "cannot load";
  Issuer responder{std::move(*cert), std::move(*signer)};
  Status s = CheckOcspResponder(responder, intermediate->get(), Clock::now());
  return s.ok() ? "" : s.error().detail;
}

TEST(Ceremony, ReportsWhatItMadeAndServeLoadsIt) {
  ScopedTempDir tmp;
  CeremonyPlan plan;
  plan.dir = tmp.path();
  plan.name_prefix = "Example";
  auto made = RunCeremony(plan);
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  ASSERT_EQ(made->size(), 4u);
  EXPECT_NE((*made)[0].find("root certificate " + (tmp.path() / "root.pem").string() +
                            ": CN=Example Root CA, key " + (tmp.path() / "root.key").string() +
                            " (EC P-384), valid until "),
            std::string::npos)
      << (*made)[0];
  EXPECT_NE((*made)[1].find("CN=Example Intermediate CA"), std::string::npos) << (*made)[1];
  EXPECT_NE((*made)[3].find("issued by CN=Example Alternate Root X2"), std::string::npos);
  for (const char* f : kAllFiles) EXPECT_TRUE(fs::exists(tmp.path() / f)) << f;
  EXPECT_TRUE(CaHierarchy::Load(tmp.path()).ok());
}

// Whatever one file of the hierarchy exists, nothing is written.
TEST(Ceremony, RefusesToOverwriteAnything) {
  for (const char* existing : kAllFiles) {
    ScopedTempDir tmp;
    fs::create_directories(tmp.path());
    ASSERT_TRUE(WriteFileAtomic(tmp.path() / existing, "precious", 0600).ok());
    CeremonyPlan plan;
    plan.dir = tmp.path();
    auto made = RunCeremony(plan);
    ASSERT_FALSE(made.ok()) << existing;
    EXPECT_EQ(made.error().detail, (tmp.path() / existing).string() +
                                       " exists; the ceremony never overwrites (move it away first)");
    EXPECT_EQ(*ReadFile(tmp.path() / existing), "precious");
    size_t files = 0;
    for (auto& e : fs::directory_iterator(tmp.path())) files += e.is_regular_file() ? 1 : 0;
    EXPECT_EQ(files, 1u) << existing;
  }
}

// Killed after each file it writes (a forked child dies there): the next
// run completes a hierarchy that loads. It used to refuse for ever ("...
// exists; the ceremony never overwrites") or, with root.pem written first,
// leave a directory signetd serve could not load (found by the crash test:
// a kill during signetd's first start).
TEST(Ceremony, KilledAfterAnyFileTheNextRunCompletes) {
  for (int die_after = 1; die_after <= 7; ++die_after) {
    ScopedTempDir tmp;
    CeremonyPlan plan;
    plan.dir = tmp.path();
    pid_t pid = ::fork();
    if (pid == 0) {
      int written = 0;
      plan.after_write = [&](const fs::path&) {
        if (++written == die_after) ::_exit(42);
      };
      (void)RunCeremony(plan);
      ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 42) << die_after;
    bool had_root = fs::exists(tmp.path() / "root.pem");
    EXPECT_EQ(had_root, die_after == 7) << "root.pem is written last";
    if (!had_root) {
      auto again = RunCeremony(plan);
      ASSERT_TRUE(again.ok()) << die_after << ": " << again.error().ToString();
      EXPECT_NE((*again)[0].find("removed what an interrupted ceremony left (no root.pem): "),
                std::string::npos)
          << (*again)[0];
    }
    for (const char* f : kAllFiles) EXPECT_TRUE(fs::exists(tmp.path() / f)) << f;
    for (auto& e : fs::directory_iterator(tmp.path()))
      EXPECT_FALSE(IsTempFileName(e.path().filename().string())) << e.path();
    auto loaded = CaHierarchy::Load(tmp.path());
    EXPECT_TRUE(loaded.ok()) << die_after << ": " << loaded.error().ToString();
  }
}

// A kill inside a write leaves "NAME.tmp.HEX" (a key, for a key file).
TEST(Ceremony, RemovesTheTempFilesAKilledWriteLeft) {
  ScopedTempDir tmp;
  fs::create_directories(tmp.path());
  const fs::path key_tmp = tmp.path() / "root.key.tmp.0123456789abcdef0123456789abcdef";
  const fs::path other = tmp.path() / "notes.tmp.0123456789abcdef0123456789abcdef";
  ASSERT_TRUE(WriteFileAtomic(key_tmp, "half a key", 0600).ok());
  ASSERT_TRUE(WriteFileAtomic(other, "not the ceremony's", 0600).ok());
  CeremonyPlan plan;
  plan.dir = tmp.path();
  ASSERT_TRUE(RunCeremony(plan).ok());
  EXPECT_FALSE(fs::exists(key_tmp));
  EXPECT_TRUE(fs::exists(other));
}

TEST(Ceremony, WithoutTheAlternateChainAndWithAnRsaIntermediate) {
  ScopedTempDir tmp;
  CeremonyPlan plan;
  plan.dir = tmp.path();
  plan.alternate_chain = false;
  plan.intermediate.type = crypto::KeyType::kRsa;
  plan.intermediate.rsa_bits = 2048;
  ASSERT_TRUE(RunCeremony(plan).ok());
  EXPECT_FALSE(fs::exists(tmp.path() / "root-alt.pem"));
  auto ca = CaHierarchy::Load(tmp.path());
  ASSERT_TRUE(ca.ok()) << ca.error().ToString();
  EXPECT_EQ(ca->intermediate().public_key().Family(), "RSA");
  EXPECT_EQ(ca->cross_signed_intermediate(), nullptr);
}

// The intermediate's key on a token (SoftHSM2), the roots' in files: the
// intermediate certificate certifies the token key, and a hierarchy loaded
// with the token signer issues. The OCSP responder's key on the token too.
// (One test: the pkcs11 engine keeps the first token it saw per process.)
TEST(Ceremony, IntermediateAndOcspResponderKeysOnAToken) {
  if (!crypto::testing_support::SoftHsmAvailable()) GTEST_SKIP() << "softhsm2 not installed";
  ScopedTempDir tmp;
  crypto::testing_support::SoftHsmToken token(tmp.path() / "hsm", "ceremony");
  std::string uri = token.Generate("intermediate", "EC:prime256v1", 1);
  std::string ocsp_uri = token.Generate("ocsp", "EC:prime256v1", 2);
  ASSERT_TRUE(token.ok());
  CeremonyPlan plan;
  plan.dir = tmp.path() / "ca";
  plan.intermediate.key = uri;
  plan.pin = crypto::testing_support::kSoftHsmPin;
  plan.pkcs11_module = crypto::testing_support::kSoftHsmModule;
  plan.ocsp_responders.emplace_back();
  plan.ocsp_responders[0].key.key = ocsp_uri;
  auto made = RunCeremony(plan);
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  EXPECT_NE((*made)[1].find("key pkcs11:token=ceremony;object=intermediate (EC P-256)"),
            std::string::npos)
      << (*made)[1];
  EXPECT_NE(made->back().find(", key pkcs11:token=ceremony;object=ocsp (EC P-256)"),
            std::string::npos)
      << made->back();
  EXPECT_FALSE(fs::exists(plan.dir / "intermediate.key"));
  EXPECT_FALSE(fs::exists(plan.dir / "ocsp-responder.key"));
  EXPECT_EQ(CheckResponder(plan.dir, "ocsp-responder", ocsp_uri, plan.pin, plan.pkcs11_module),
            "");
  auto signer = crypto::OpenSigningKey(uri, plan.pin, plan.pkcs11_module);
  ASSERT_TRUE(signer.ok()) << signer.error().ToString();
  auto ca = CaHierarchy::Load(plan.dir, std::move(*signer));
  ASSERT_TRUE(ca.ok()) << ca.error().ToString();
  auto tls = ca->IssueTlsServerCert({"example.com"});
  ASSERT_TRUE(tls.ok()) << tls.error().ToString();
  auto chain = CertChainFromPem(tls->first);
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(testing_support::VerifyChain(ca->root().cert.get(), ca->intermediate().cert.get(),
                                         (*chain)[0].get(), "example.com"),
            "");
  // The file key of the same directory is not the token's: Load refuses it.
  auto other = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(WriteFileAtomic(plan.dir / "intermediate.key", other->PrivatePem(), 0600).ok());
  EXPECT_FALSE(CaHierarchy::Load(plan.dir).ok());
}

TEST(Ceremony, OcspRespondersIssuedByTheIntermediate) {
  ScopedTempDir tmp;
  CeremonyPlan plan;
  plan.dir = tmp.path();
  plan.name_prefix = "Example";
  plan.alternate_chain = false;
  CeremonyOcspResponder rsa;
  rsa.name = "ocsp-rsa";
  rsa.key.type = crypto::KeyType::kRsa;
  rsa.validity = std::chrono::days(400);
  plan.ocsp_responders = {CeremonyOcspResponder{}, rsa};
  plan.ocsp_responders[0].validity = std::chrono::days(30);
  auto made = RunCeremony(plan);
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  ASSERT_EQ(made->size(), 4u);
  EXPECT_EQ((*made)[2].find("OCSP responder certificate " +
                            (tmp.path() / "ocsp-responder.pem").string() +
                            ": CN=Example Intermediate CA OCSP Responder issued by CN=Example "
                            "Intermediate CA, key " +
                            (tmp.path() / "ocsp-responder.key").string() +
                            " (EC P-256), valid until "),
            0u)
      << (*made)[2];
  EXPECT_NE((*made)[3].find("ocsp-rsa.key (RSA 2048)"), std::string::npos) << (*made)[3];
  for (const char* key : {"ocsp-responder.key", "ocsp-rsa.key"})
    EXPECT_EQ(fs::status(tmp.path() / key).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write)
        << key;
  EXPECT_EQ(CheckResponder(tmp.path(), "ocsp-responder",
                           (tmp.path() / "ocsp-responder.key").string()),
            "");
  EXPECT_EQ(CheckResponder(tmp.path(), "ocsp-rsa", (tmp.path() / "ocsp-rsa.key").string()), "");
  auto cert = CertFromPem(*ReadFile(tmp.path() / "ocsp-responder.pem"));
  auto life = NotAfter(cert->get()) - Clock::now();
  EXPECT_GT(life, std::chrono::days(30) - std::chrono::minutes(5));
  EXPECT_LE(life, std::chrono::days(30));
}

TEST(Ceremony, OcspResponderFilesAreNeverOverwrittenOrWrittenTwice) {
  ScopedTempDir tmp;
  fs::create_directories(tmp.path());
  ASSERT_TRUE(WriteFileAtomic(tmp.path() / "ocsp-responder.key", "precious", 0600).ok());
  CeremonyPlan plan;
  plan.dir = tmp.path();
  plan.ocsp_responders.emplace_back();
  auto made = RunCeremony(plan);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().detail, (tmp.path() / "ocsp-responder.key").string() +
                                     " exists; the ceremony never overwrites (move it away first)");
  EXPECT_FALSE(fs::exists(tmp.path() / "root.pem"));  // refused before making anything

  plan.dir = tmp.path() / "twice";
  plan.ocsp_responders[0].name = "intermediate";
  made = RunCeremony(plan);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().detail, (plan.dir / "intermediate.pem").string() +
                                     " would be written twice; give each key and certificate "
                                     "its own name");
  plan.ocsp_responders[0].name = "../escape";
  made = RunCeremony(plan);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().detail,
            "OCSP responder name \"../escape\": use letters, digits, '.', '_' and '-' (it names "
            "DIR/NAME.pem)");
  EXPECT_FALSE(fs::exists(plan.dir));
}

// hierarchy = false: a new responder for the hierarchy a first ceremony
// made, with the intermediate's existing key; nothing else is touched.
TEST(Ceremony, OcspRespondersForAnExistingHierarchy) {
  ScopedTempDir tmp;
  CeremonyPlan first;
  first.dir = tmp.path();
  first.alternate_chain = false;
  ASSERT_TRUE(RunCeremony(first).ok());
  std::string intermediate_pem = *ReadFile(tmp.path() / "intermediate.pem");

  CeremonyPlan renew;
  renew.dir = tmp.path();
  renew.hierarchy = false;
  auto made = RunCeremony(renew);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().detail,
            "nothing to make: no hierarchy (hierarchy = false) and no OCSP responder");
  renew.ocsp_responders.emplace_back();
  renew.ocsp_responders[0].name = "ocsp-2027";
  made = RunCeremony(renew);
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  ASSERT_EQ(made->size(), 1u);
  EXPECT_EQ(
      (*made)[0].find("OCSP responder certificate " + (tmp.path() / "ocsp-2027.pem").string()),
      0u);
  EXPECT_EQ(*ReadFile(tmp.path() / "intermediate.pem"), intermediate_pem);
  EXPECT_EQ(CheckResponder(tmp.path(), "ocsp-2027", (tmp.path() / "ocsp-2027.key").string()), "");

  // The intermediate's key must be the one its certificate certifies.
  auto other = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(WriteFileAtomic(tmp.path() / "other.key", other->PrivatePem(), 0600).ok());
  renew.intermediate.key = (tmp.path() / "other.key").string();
  renew.ocsp_responders[0].name = "ocsp-wrong";
  made = RunCeremony(renew);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().detail, (tmp.path() / "intermediate.pem").string() +
                                     " does not certify the key file " +
                                     (tmp.path() / "other.key").string());
}

}  // namespace
}  // namespace signet::pki
