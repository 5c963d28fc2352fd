#include "pki/certificate.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "pki/issuer.h"
#include "pki/cert_builder.h"

namespace signet::pki {
namespace {

using crypto::Key;
using crypto::KeyType;
using crypto::X509Ptr;
using namespace std::string_literals;

// A self-signed certificate with a fixed serial and the given SANs.
X509Ptr MakeCert(const std::string& serial, Clock::time_point not_after,
                 const std::vector<std::string>& dns_names) {
  Key key = *Key::Generate(KeyType::kEcP256);
  internal::CertSpec spec{serial, not_after - std::chrono::days(1), not_after, "Self", &key};
  auto cert = internal::NewCert(spec, nullptr);
  EXPECT_TRUE(cert.ok());
  std::string sans;
  for (const std::string& n : dns_names) sans += (sans.empty() ? "DNS:" : ",DNS:") + n;
  if (!sans.empty()) {
    EXPECT_TRUE(
        internal::AddConfExtension(cert->get(), cert->get(), NID_subject_alt_name, sans).ok());
  }
  EXPECT_TRUE(internal::SignCert(cert->get(), key).ok());
  return std::move(*cert);
}

Clock::time_point At(int64_t unix_seconds) { return Clock::from_time_t(time_t(unix_seconds)); }

TEST(Certificate, PemAndDerRoundTrip) {
  X509Ptr cert = MakeCert("\x01\x02\x03\x04\x05\x06\x07\x08", At(1900000000), {"a.example"});
  std::string der = CertToDer(cert.get());
  std::string pem = CertToPem(cert.get());
  EXPECT_NE(pem.find("-----BEGIN CERTIFICATE-----"), std::string::npos);
  auto from_pem = CertFromPem(pem);
  ASSERT_TRUE(from_pem.ok());
  EXPECT_EQ(CertToDer(from_pem->get()), der);
  auto from_der = CertFromDer(der);
  ASSERT_TRUE(from_der.ok());
  EXPECT_EQ(CertToPem(from_der->get()), pem);
}

TEST(Certificate, RejectsMalformedInput) {
  X509Ptr cert = MakeCert("\x01\x02\x03\x04\x05\x06\x07\x08", At(1900000000), {});
  std::string der = CertToDer(cert.get());
  EXPECT_FALSE(CertFromDer(der + "x").ok());
  EXPECT_FALSE(CertFromDer(der.substr(1)).ok());
  EXPECT_FALSE(CertFromDer("").ok());
  EXPECT_FALSE(CertFromPem("no pem here").ok());
  EXPECT_EQ(CertFromPem("garbage").error().code, ErrorCode::kMalformed);
}

TEST(Certificate, ChainFromPemKeepsOrder) {
  X509Ptr a = MakeCert("\x01\x02\x03\x04\x05\x06\x07\x08", At(1900000000), {});
  X509Ptr b = MakeCert("\x02\x02\x03\x04\x05\x06\x07\x08", At(1900000000), {});
  auto chain = CertChainFromPem(CertToPem(a.get()) + "\n" + CertToPem(b.get()));
  ASSERT_TRUE(chain.ok()) << chain.error().ToString();
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ(CertToDer((*chain)[0].get()), CertToDer(a.get()));
  EXPECT_EQ(CertToDer((*chain)[1].get()), CertToDer(b.get()));
  EXPECT_FALSE(CertChainFromPem("").ok());
  std::string pem = CertToPem(a.get());
  std::string broken = pem + pem.substr(0, 40) + "@@@@" + pem.substr(44);
  EXPECT_FALSE(CertChainFromPem(broken).ok());
}

TEST(Certificate, SerialHexIsLowerCaseWithoutLeadingZeros) {
  X509Ptr cert = MakeCert("\x00\x0a\xbc\xde\x01\x02\x03\x04\x05"s, At(1900000000), {});
  EXPECT_EQ(SerialHex(cert.get()), "abcde0102030405");
  X509Ptr big = MakeCert("\x7f\xff\x00\x00\x00\x00\x00\x01"s, At(1900000000), {});
  EXPECT_EQ(SerialHex(big.get()), "7fff000000000001");
}

TEST(Certificate, DnsSansAndNotAfter) {
  X509Ptr cert = MakeCert("\x01\x02\x03\x04\x05\x06\x07\x08", At(1900000000),
                          {"a.example", "b.example"});
  EXPECT_EQ(DnsSans(cert.get()), (std::vector<std::string>{"a.example", "b.example"}));
  EXPECT_EQ(NotAfter(cert.get()), At(1900000000));
  // After 2049 the time is a GeneralizedTime.
  X509Ptr late = MakeCert("\x01\x02\x03\x04\x05\x06\x07\x08", At(2600000000), {});
  EXPECT_TRUE(DnsSans(late.get()).empty());
  EXPECT_EQ(NotAfter(late.get()), At(2600000000));
}

}  // namespace
}  // namespace signet::pki
