// Tests TlsAlpnSolver with an OpenSSL client on loopback: the certificate
// for the SNI with acme-tls/1, refusals without it.
#include "client/solvers/tls_alpn_solver.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "client/solvers/by_type_solver.h"
#include "client/solvers/solvers_test_util.h"
#include "crypto/digest.h"
#include "crypto/ossl.h"
#include "pki/acme_tls_cert.h"
#include "pki/certificate.h"

namespace signet::client {
namespace {

using test_util::FreePort;
using test_util::Listener;

ChallengeSpec TlsAlpn01(std::string value, std::string type = "dns") {
  ChallengeSpec c;
  c.domain = std::move(value);
  c.identifier_type = std::move(type);
  c.type = "tls-alpn-01";
  c.token = "tok";
  c.key_authorization = "tok.thumbprint-" + c.domain;
  c.validation = c.key_authorization;
  return c;
}

struct Handshake {
  int connect_errno = 0;
  bool ok = false;
  std::string alpn;          // the protocol the server selected
  crypto::X509Ptr peer;      // its certificate
  std::string alert;         // the alert the server sent, when it refused
};

// Connects to 127.0.0.1:port and handshakes with `sni` and the ALPN
// protocol list `alpn` (wire format; "" offers no ALPN).
Handshake Connect(uint16_t port, const std::string& sni, const std::string& alpn) {
  Handshake out;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr = test_util::Loopback(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    out.connect_errno = errno;
    ::close(fd);
    return out;
  }
  crypto::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  static std::string* last_alert = nullptr;
  last_alert = &out.alert;
  SSL_CTX_set_info_callback(ctx.get(), [](const SSL*, int where, int ret) {
    if ((where & SSL_CB_READ_ALERT) && last_alert) *last_alert = SSL_alert_desc_string_long(ret);
  });
  crypto::SslPtr ssl(SSL_new(ctx.get()));
  SSL_set_fd(ssl.get(), fd);
  if (!sni.empty()) SSL_set_tlsext_host_name(ssl.get(), sni.c_str());
  if (!alpn.empty())
    SSL_set_alpn_protos(ssl.get(), reinterpret_cast<const unsigned char*>(alpn.data()),
                        unsigned(alpn.size()));
  out.ok = SSL_connect(ssl.get()) == 1;
  if (out.ok) {
    const unsigned char* proto = nullptr;
    unsigned len = 0;
    SSL_get0_alpn_selected(ssl.get(), &proto, &len);
    out.alpn.assign(reinterpret_cast<const char*>(proto), len);
    out.peer.reset(SSL_get1_peer_certificate(ssl.get()));
    SSL_shutdown(ssl.get());
  }
  last_alert = nullptr;
  ::close(fd);
  return out;
}

const std::string kAcmeTls("\x0a" "acme-tls/1");
const std::string kHttp11("\x08" "http/1.1");

// The acmeIdentifier extension's value: DER OCTET STRING of the digest.
std::string AcmeIdentifier(X509* cert) {
  crypto::Asn1ObjectPtr oid(OBJ_txt2obj("1.3.6.1.5.5.7.1.31", 1));
  int at = X509_get_ext_by_OBJ(cert, oid.get(), -1);
  if (at < 0) return "";
  const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(cert, at));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                     size_t(ASN1_STRING_length(data)));
}

TEST(TlsAlpnSolverTest, ServesTheCertificateForTheSniWithAcmeTls) {
  TlsAlpnSolver solver("127.0.0.1", FreePort());
  ChallengeSpec a = TlsAlpn01("a.test"), b = TlsAlpn01("b.test"),
                ip = TlsAlpn01("127.0.0.1", "ip");
  ASSERT_TRUE(solver.Perform({a, b, ip}).ok());

  Handshake got = Connect(solver.port(), "B.test", kHttp11 + kAcmeTls);
  ASSERT_TRUE(got.ok) << got.alert;
  EXPECT_EQ(got.alpn, "acme-tls/1");
  EXPECT_EQ(pki::DnsSans(got.peer.get()), std::vector<std::string>{"b.test"});
  EXPECT_EQ(AcmeIdentifier(got.peer.get()),
            std::string("\x04\x20", 2) + crypto::Sha256(b.key_authorization));

  // RFC 8738 6: an IP identifier is asked for by its reverse-DNS name.
  got = Connect(solver.port(), "1.0.0.127.in-addr.arpa", kAcmeTls);
  ASSERT_TRUE(got.ok) << got.alert;
  EXPECT_EQ(pki::IpSans(got.peer.get()), std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(AcmeIdentifier(got.peer.get()),
            std::string("\x04\x20", 2) + crypto::Sha256(ip.key_authorization));
}

TEST(TlsAlpnSolverTest, RefusesClientsThatDoNotOfferAcmeTls) {
  TlsAlpnSolver solver("127.0.0.1", FreePort());
  ASSERT_TRUE(solver.Perform({TlsAlpn01("a.test")}).ok());
  Handshake none = Connect(solver.port(), "a.test", "");
  EXPECT_FALSE(none.ok);
  EXPECT_EQ(none.alert, "no application protocol");
  Handshake http = Connect(solver.port(), "a.test", kHttp11);
  EXPECT_FALSE(http.ok);
  EXPECT_EQ(http.alert, "no application protocol");
}

TEST(TlsAlpnSolverTest, RefusesAnSniWithNoChallengeInPlay) {
  TlsAlpnSolver solver("127.0.0.1", FreePort());
  ChallengeSpec a = TlsAlpn01("a.test");
  ASSERT_TRUE(solver.Perform({a}).ok());
  for (std::string sni : {"other.test", ""}) {
    Handshake got = Connect(solver.port(), sni, kAcmeTls);
    EXPECT_FALSE(got.ok) << sni;
    EXPECT_EQ(got.alert, "unrecognized name") << sni;
  }
}

TEST(TlsAlpnSolverTest, StopsAfterTheLastCleanupAndStartsAgain) {
  uint16_t port = FreePort();
  TlsAlpnSolver solver("127.0.0.1", port);
  ChallengeSpec a = TlsAlpn01("a.test"), b = TlsAlpn01("b.test");
  ASSERT_TRUE(solver.Perform({a, b}).ok());
  EXPECT_EQ(solver.port(), port);
  solver.Cleanup({a});
  EXPECT_EQ(Connect(port, "a.test", kAcmeTls).alert, "unrecognized name");
  EXPECT_TRUE(Connect(port, "b.test", kAcmeTls).ok);
  solver.Cleanup({b});
  EXPECT_EQ(solver.port(), 0);
  EXPECT_EQ(Connect(port, "b.test", kAcmeTls).connect_errno, ECONNREFUSED);
  ASSERT_TRUE(solver.Perform({a}).ok());
  EXPECT_TRUE(Connect(port, "a.test", kAcmeTls).ok);
}

TEST(TlsAlpnSolverTest, ReportsAPortInUseAsCertbotDoes) {
  Listener busy;
  ASSERT_TRUE(busy.ok());
  TlsAlpnSolver solver("127.0.0.1", busy.port());
  Status s = solver.Perform({TlsAlpn01("a.test")});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kConnection);
  EXPECT_NE(s.error().detail.find("Could not bind TCP port " + std::to_string(busy.port()) +
                                  " on 127.0.0.1 because it is already in use"),
            std::string::npos)
      << s.error().detail;
}

TEST(TlsAlpnSolverTest, RefusesOtherChallengeTypes) {
  TlsAlpnSolver solver("127.0.0.1", FreePort());
  ChallengeSpec c = TlsAlpn01("a.test");
  c.type = "http-01";
  Status s = solver.Perform({c});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kMalformed);
  EXPECT_NE(s.error().detail.find("cannot answer a http-01 challenge for a.test"),
            std::string::npos);
  EXPECT_EQ(solver.port(), 0);
}

// Records what it was asked to publish and clean up.
class Recorder : public Solver {
 public:
  explicit Recorder(std::vector<std::string>* log) : log_(log) {}
  Status Perform(const std::vector<ChallengeSpec>& cs) override {
    for (const auto& c : cs) log_->push_back("perform " + c.type + " " + c.domain);
    return OkStatus();
  }
  void Cleanup(const std::vector<ChallengeSpec>& cs) override {
    for (const auto& c : cs) log_->push_back("cleanup " + c.type + " " + c.domain);
  }

 private:
  std::vector<std::string>* log_;
};

TEST(ByTypeSolverTest, EachSolverGetsItsTypeOnly) {
  std::vector<std::string> log;
  ByTypeSolver solver;
  solver.Add("http-01", std::make_unique<Recorder>(&log));
  solver.Add("tls-alpn-01", std::make_unique<Recorder>(&log));
  ChallengeSpec http = TlsAlpn01("a.test"), alpn = TlsAlpn01("b.test");
  http.type = "http-01";
  ASSERT_TRUE(solver.Perform({http, alpn}).ok());
  solver.Cleanup({http, alpn});
  EXPECT_EQ(log,
            (std::vector<std::string>{"perform http-01 a.test", "perform tls-alpn-01 b.test",
                                      "cleanup http-01 a.test", "cleanup tls-alpn-01 b.test"}));
  log.clear();
  ChallengeSpec dns = TlsAlpn01("c.test");
  dns.type = "dns-01";
  Status s = solver.Perform({http, dns});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(s.error().detail, "this authenticator cannot answer dns-01 (for c.test)");
  EXPECT_TRUE(log.empty());  // nothing published
}

}  // namespace
}  // namespace signet::client
