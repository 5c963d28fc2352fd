#include "pki/ocsp_signing_cert.h"

#include <gtest/gtest.h>

#include <openssl/x509v3.h>

#include "pki/ca_hierarchy.h"
#include "pki/crl_test_support.h"

namespace signet::pki {
namespace {

using std::chrono::days;
using std::chrono::hours;

class OcspResponderCheckTest : public testing_support::TestCa {
 protected:
  // A responder of the test intermediate for a new P-256 key (held in a
  // MemorySigningKey), valid [now + from, now + to].
  Issuer Responder(Clock::duration from = -hours(1), Clock::duration to = days(30)) {
    auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    EXPECT_TRUE(key.ok());
    Clock::time_point now = Clock::now();
    auto cert = CertifyOcspResponder(intermediate(), *key, now + from, now + to);
    EXPECT_TRUE(cert.ok()) << cert.error().ToString();
    return Issuer{std::move(*cert), crypto::MemorySigningKey(std::move(*key), "file test.key")};
  }
  std::string Why(const Issuer& responder, Clock::time_point now = Clock::now()) {
    Status s = CheckOcspResponder(responder, intermediate().cert.get(), now);
    return s.ok() ? "" : s.error().detail;
  }
};

// The ceremony's responder: the key it is given, the validity it is given,
// and the RFC 6960 4.2.2.2 profile.
TEST_F(OcspResponderCheckTest, CertifiesTheGivenKeyForTheGivenValidity) {
  auto key = crypto::Key::Generate(crypto::KeyType::kRsa, 2048);
  ASSERT_TRUE(key.ok());
  Clock::time_point from = Clock::now() - hours(1), to = Clock::now() + days(365);
  auto cert = CertifyOcspResponder(intermediate(), *key, from, to);
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  X509* c = cert->get();
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(c), key->get()), 1);
  EXPECT_EQ(X509_verify(c, X509_get0_pubkey(intermediate().cert.get())), 1);
  EXPECT_EQ(X509_get_extended_key_usage(c), uint32_t(XKU_OCSP_SIGN));
  EXPECT_GE(X509_get_ext_by_NID(c, NID_id_pkix_OCSP_noCheck, -1), 0);
  EXPECT_EQ(X509_check_ca(c), 0);
  EXPECT_LE(std::chrono::abs(NotAfter(c) - to), std::chrono::seconds(1));
  EXPECT_LE(std::chrono::abs(NotBefore(c) - from), std::chrono::seconds(1));
  EXPECT_FALSE(CertifyOcspResponder(intermediate(), *key, to, from).ok());
}

TEST_F(OcspResponderCheckTest, AcceptsItsOwnResponder) {
  EXPECT_EQ(Why(Responder()), "");
  auto issued = IssueOcspSigningCert(intermediate(), days(4));
  ASSERT_TRUE(issued.ok());
  EXPECT_EQ(Why(*issued), "");
}

TEST_F(OcspResponderCheckTest, RefusesAnotherIntermediatesResponder) {
  auto other = CaHierarchy::LoadOrCreate(Path("other"), "Other");
  ASSERT_TRUE(other.ok()) << other.error().ToString();
  auto responder = IssueOcspSigningCert(other->intermediate(), days(4));
  ASSERT_TRUE(responder.ok());
  EXPECT_EQ(Why(*responder),
            "OCSP responder certificate is not issued by the intermediate (its issuer name or "
            "signature does not match the intermediate certificate)");
}

TEST_F(OcspResponderCheckTest, RefusesACertificateWithoutOcspSigning) {
  // A leaf of ours: issued by the intermediate, but for serverAuth.
  crypto::X509Ptr leaf = Leaf("not-a-responder.example.test");
  ASSERT_TRUE(leaf);
  auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  Issuer responder{std::move(leaf), crypto::MemorySigningKey(*key, "file leaf.key")};
  EXPECT_EQ(Why(responder),
            "OCSP responder certificate lacks extKeyUsage id-kp-OCSPSigning (RFC 6960 4.2.2.2)");
}

TEST_F(OcspResponderCheckTest, RefusesOutOfDateAndTheWrongKey) {
  Issuer responder = Responder();
  EXPECT_EQ(Why(responder, NotAfter(responder.cert.get()) + std::chrono::seconds(1)),
            "OCSP responder certificate has expired; make a new one with signetd ceremony");
  EXPECT_EQ(Why(responder, NotBefore(responder.cert.get()) - std::chrono::seconds(1)),
            "OCSP responder certificate is not valid yet");
  auto other_key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  Issuer mismatched{std::move(responder.cert),
                    crypto::MemorySigningKey(*other_key, "file other.key")};
  EXPECT_EQ(Why(mismatched),
            "OCSP responder certificate does not certify the key of file other.key");
}

}  // namespace
}  // namespace signet::pki
