// Tests TlsAlpn01Validator against an in-process OpenSSL responder on
// 127.0.0.1 serving a certificate built per case. Loopback only.
#include "ca/va/tlsalpn01.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "ca/va/tlsalpn01_test_server.h"
#include "dns/static_resolver.h"

namespace signet::va {
namespace {

using std::chrono::milliseconds;
using test_support::AlpnMode;
using test_support::AlpnServer;
using test_support::CertSpec;
using test_support::MakeCert;

constexpr char kKeyAuth[] =
    "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";
constexpr char kPrefix[] = "Incorrect validation certificate for tls-alpn-01 challenge. ";

class TlsAlpn01Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new AlpnServer(); }
  static void TearDownTestSuite() { delete server_; }
  void SetUp() override { resolver_.Add("valid.test", {"127.0.0.1"}); }

  TlsAlpn01Config Config(uint16_t port = 0) const {
    TlsAlpn01Config config;
    config.port = port ? port : server_->port();
    config.allow_loopback = true;
    config.connect_timeout = milliseconds(2000);
    config.total_timeout = milliseconds(5000);
    return config;
  }
  // Serves a certificate for `spec` and validates `identifier` against it.
  TlsAlpn01Outcome Run(CertSpec spec, const std::string& identifier = "valid.test",
                       AlpnMode mode = AlpnMode::kAcme) {
    if (spec.key_authorization.empty()) spec.key_authorization = kKeyAuth;
    server_->Serve(MakeCert(spec), mode);
    TlsAlpn01Validator validator(resolver_, Config());
    return validator.Validate(identifier, kKeyAuth);
  }
  static CertSpec Valid() { return CertSpec{{"valid.test"}, {}, true, true, kKeyAuth, {}}; }
  static void ExpectFailure(const TlsAlpn01Outcome& got, ErrorCode code,
                            const std::string& detail) {
    ASSERT_FALSE(got.status.ok());
    EXPECT_EQ(got.status.error().code, code) << got.status.error().ToString();
    EXPECT_EQ(got.status.error().detail, detail);
  }

  static inline AlpnServer* server_ = nullptr;
  dns::StaticResolver resolver_;
};

TEST_F(TlsAlpn01Test, ValidCertificatePasses) {
  TlsAlpn01Outcome got = Run(Valid(), "VALID.test");
  ASSERT_TRUE(got.status.ok()) << got.status.error().ToString();
  EXPECT_EQ(server_->sni_seen().back(), "valid.test");
  EXPECT_EQ(got.record.hostname, "valid.test");
  EXPECT_EQ(got.record.address_used, "127.0.0.1");
  EXPECT_EQ(got.record.port, std::to_string(server_->port()));
}

TEST_F(TlsAlpn01Test, MissingExtension) {
  CertSpec spec = Valid();
  spec.with_extension = false;
  ExpectFailure(Run(spec), ErrorCode::kIncorrectResponse,
                std::string(kPrefix) + "Missing acmeValidationV1 extension.");
}

TEST_F(TlsAlpn01Test, NonCriticalExtension) {
  CertSpec spec = Valid();
  spec.critical = false;
  ExpectFailure(Run(spec), ErrorCode::kIncorrectResponse,
                std::string(kPrefix) + "acmeValidationV1 extension not critical.");
}

TEST_F(TlsAlpn01Test, WrongHash) {
  CertSpec spec = Valid();
  spec.key_authorization = "some-other-key-authorization";
  ExpectFailure(Run(spec), ErrorCode::kIncorrectResponse,
                std::string(kPrefix) + "Expected acmeValidationV1 extension value " +
                    crypto::HexEncode(crypto::Sha256(kKeyAuth)) + " for this challenge but got " +
                    crypto::HexEncode(crypto::Sha256("some-other-key-authorization")));
}

TEST_F(TlsAlpn01Test, MalformedExtensionValue) {
  CertSpec spec = Valid();
  spec.raw_value = crypto::Sha256(kKeyAuth);  // The bare hash, not an OCTET STRING.
  ExpectFailure(Run(spec), ErrorCode::kIncorrectResponse,
                std::string(kPrefix) + "Malformed acmeValidationV1 extension value.");
  spec.raw_value = test_support::DerOctetString("short");
  ExpectFailure(Run(spec), ErrorCode::kIncorrectResponse,
                std::string(kPrefix) + "Malformed acmeValidationV1 extension value.");
}

TEST_F(TlsAlpn01Test, TwoSans) {
  CertSpec spec = Valid();
  spec.dns_names = {"valid.test", "extra.test"};
  const std::string where = "127.0.0.1:" + std::to_string(server_->port());
  ExpectFailure(Run(spec), ErrorCode::kIncorrectResponse,
                std::string(kPrefix) + "Requested valid.test from " + where +
                    ". Received certificate with 2 subjectAltNames (DNS:valid.test, "
                    "DNS:extra.test); exactly one is required");
}

TEST_F(TlsAlpn01Test, WrongSanAndNoSan) {
  CertSpec spec = Valid();
  spec.dns_names = {"other.test"};
  const std::string where = "127.0.0.1:" + std::to_string(server_->port());
  ExpectFailure(Run(spec), ErrorCode::kIncorrectResponse,
                std::string(kPrefix) + "Requested valid.test from " + where +
                    ". Received certificate for DNS:other.test, not DNS:valid.test");
  spec.dns_names.clear();
  ExpectFailure(Run(spec), ErrorCode::kIncorrectResponse,
                std::string(kPrefix) + "Requested valid.test from " + where +
                    ". Received certificate without a subjectAltName");
}

TEST_F(TlsAlpn01Test, ServerSelectsNoAlpn) {
  ExpectFailure(Run(Valid(), "valid.test", AlpnMode::kNone), ErrorCode::kIncorrectResponse,
                "Cannot negotiate ALPN protocol \"acme-tls/1\" for tls-alpn-01 challenge "
                "(the server selected none)");
}

TEST_F(TlsAlpn01Test, ServerSelectsOtherAlpn) {
  ExpectFailure(Run(Valid(), "valid.test", AlpnMode::kForceHttp11),
                ErrorCode::kIncorrectResponse,
                "Cannot negotiate ALPN protocol \"acme-tls/1\" for tls-alpn-01 challenge "
                "(the server selected an ALPN protocol that was not offered)");
}

TEST_F(TlsAlpn01Test, IpIdentifierUsesReverseNameAndIpSan) {
  CertSpec spec = Valid();
  spec.dns_names.clear();
  spec.ip_addresses = {"127.0.0.1"};
  TlsAlpn01Outcome got = Run(spec, "127.0.0.1");
  ASSERT_TRUE(got.status.ok()) << got.status.error().ToString();
  EXPECT_EQ(server_->sni_seen().back(), "1.0.0.127.in-addr.arpa");
  // A dNSName SAN does not stand for an IP identifier.
  spec.ip_addresses.clear();
  spec.dns_names = {"127.0.0.1"};
  got = Run(spec, "127.0.0.1");
  ASSERT_FALSE(got.status.ok());
  EXPECT_NE(got.status.error().detail.find("Received certificate for DNS:127.0.0.1, not IP:127.0.0.1"),
            std::string::npos) << got.status.error().detail;
}

TEST_F(TlsAlpn01Test, ReservedAddressRefusedWithoutLoopbackTesting) {
  server_->Serve(MakeCert(Valid()), AlpnMode::kAcme);
  TlsAlpn01Config config = Config();
  config.allow_loopback = false;
  TlsAlpn01Validator validator(resolver_, config);
  TlsAlpn01Outcome got = validator.Validate("valid.test", kKeyAuth);
  ExpectFailure(got, ErrorCode::kConnection,
                "refusing to connect to reserved address 127.0.0.1 for valid.test");
  got = validator.Validate("127.0.0.1", kKeyAuth);
  ASSERT_FALSE(got.status.ok());
  EXPECT_EQ(got.status.error().code, ErrorCode::kConnection);
}

TEST_F(TlsAlpn01Test, DnsFailureIsDnsError) {
  TlsAlpn01Validator validator(resolver_, Config());
  TlsAlpn01Outcome got = validator.Validate("missing.test", kKeyAuth);
  ASSERT_FALSE(got.status.ok());
  EXPECT_EQ(got.status.error().code, ErrorCode::kDns);
}

TEST_F(TlsAlpn01Test, ConnectionRefused) {
  const int probe = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(probe, reinterpret_cast<sockaddr*>(&addr), &len);
  close(probe);  // Nothing listens there now.
  const uint16_t port = ntohs(addr.sin_port);
  TlsAlpn01Validator validator(resolver_, Config(port));
  ExpectFailure(validator.Validate("valid.test", kKeyAuth), ErrorCode::kConnection,
                "127.0.0.1:" + std::to_string(port) +
                    ": Connecting for tls-alpn-01 challenge: Connection refused");
}

// A listener that answers the ClientHello with plain text: not TLS.
TEST_F(TlsAlpn01Test, HandshakeFailureIsTlsError) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  listen(fd, 1);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::thread peer([fd] {
    const int c = accept(fd, nullptr, nullptr);
    const char reply[] = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n";
    send(c, reply, sizeof reply - 1, MSG_NOSIGNAL);
    char buf[1024];
    recv(c, buf, sizeof buf, 0);
    close(c);
  });
  TlsAlpn01Validator validator(resolver_, Config(ntohs(addr.sin_port)));
  TlsAlpn01Outcome got = validator.Validate("valid.test", kKeyAuth);
  peer.join();
  close(fd);
  ASSERT_FALSE(got.status.ok());
  EXPECT_EQ(got.status.error().code, ErrorCode::kTls) << got.status.error().ToString();
  EXPECT_NE(got.status.error().detail.find("TLS handshake failed: "), std::string::npos);
}

// A listener that accepts TCP and never says anything: the deadline holds.
TEST_F(TlsAlpn01Test, SilentServerTimesOut) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  listen(fd, 1);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  TlsAlpn01Config config = Config(ntohs(addr.sin_port));
  config.total_timeout = milliseconds(500);
  TlsAlpn01Validator validator(resolver_, config);
  const auto start = std::chrono::steady_clock::now();
  TlsAlpn01Outcome got = validator.Validate("valid.test", kKeyAuth);
  close(fd);
  ASSERT_FALSE(got.status.ok());
  EXPECT_EQ(got.status.error().code, ErrorCode::kConnection);
  EXPECT_NE(got.status.error().detail.find("Timeout after connect"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
}

// The caller's deadline (the validation's) wins over a longer total_timeout.
TEST_F(TlsAlpn01Test, CallersDeadlineBoundsTheHandshake) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  listen(fd, 1);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  TlsAlpn01Config config = Config(ntohs(addr.sin_port));
  config.total_timeout = milliseconds(10000);
  TlsAlpn01Validator validator(resolver_, config);
  const auto start = std::chrono::steady_clock::now();
  TlsAlpn01Outcome got = validator.Validate("valid.test", kKeyAuth, start + milliseconds(300));
  close(fd);
  ASSERT_FALSE(got.status.ok());
  EXPECT_NE(got.status.error().detail.find("Timeout after connect"), std::string::npos)
      << got.status.error().detail;
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
}

TEST(ReverseDnsNameTest, Ipv4AndIpv6) {
  EXPECT_EQ(*ReverseDnsName("127.0.0.1"), "1.0.0.127.in-addr.arpa");
  EXPECT_EQ(*ReverseDnsName("192.0.2.10"), "10.2.0.192.in-addr.arpa");
  EXPECT_EQ(*ReverseDnsName("2001:db8::567:89ab"),
            "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
  EXPECT_FALSE(ReverseDnsName("example.test").ok());
}

}  // namespace
}  // namespace signet::va
