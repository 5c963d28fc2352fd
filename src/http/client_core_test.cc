// The client core on its own: request building, the reading of responses
// held in memory, and, against a loopback TLS server that closes without
// close_notify, the one place that decides when such a response is whole.
#include "http/client_core.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <filesystem>
#include <thread>

#include "crypto/digest.h"
#include "http/server.h"
#include "pki/ca_hierarchy.h"

namespace signet::http {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
namespace fs = std::filesystem;

TEST(ClientCoreTest, BuildsRequests) {
  ClientRequest get{"GET", "/x?y", "ca.test:14000", "agent/1", {{"Accept", "*/*"}}, "", false};
  EXPECT_EQ(SerializeRequest(get),
            "GET /x?y HTTP/1.1\r\nHost: ca.test:14000\r\nUser-Agent: agent/1\r\n"
            "Accept: */*\r\nConnection: close\r\n\r\n");
  ClientRequest post{"POST", "/new", "[::1]", "agent/1", {{"user-agent", "mine"}}, "{}", true};
  EXPECT_EQ(SerializeRequest(post),
            "POST /new HTTP/1.1\r\nHost: [::1]\r\nuser-agent: mine\r\nContent-Length: 2\r\n\r\n{}");
  ClientRequest odd{"PURGE", "/", "h", "", {}, "", true};
  EXPECT_EQ(SerializeRequest(odd), "PURGE / HTTP/1.1\r\nHost: h\r\n\r\n");
}

TEST(ClientCoreTest, ReadsResponsesHeldInMemory) {
  ClientResponse ok;
  ASSERT_FALSE(ParseResponseBytes("HTTP/1.1 201 Created\r\nLocation: /o/1\r\n"
                                  "Content-Length: 2\r\n\r\nhi",
                                  {}, ok));
  EXPECT_EQ(ok.response.status, 201);
  EXPECT_EQ(ok.response.Header("location"), "/o/1");
  EXPECT_EQ(ok.response.body, "hi");
  EXPECT_TRUE(ok.keep_alive);

  ClientResponse big;
  ReadLimits small;
  small.max_body_bytes = 4;
  ASSERT_FALSE(ParseResponseBytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789",
                                  small, big));
  EXPECT_TRUE(big.body_truncated);
  EXPECT_EQ(big.response.status, 200);
  EXPECT_TRUE(big.response.body.empty());
  EXPECT_FALSE(big.keep_alive);

  ClientResponse cut;
  auto e = ParseResponseBytes("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab", {}, cut);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->stage, NetStage::kRead);
  EXPECT_EQ(e->fault, NetFault::kClosed);
  EXPECT_FALSE(e->nothing_received);  // a header arrived: not safe to resend

  ClientResponse nothing;
  auto none = ParseResponseBytes("", {}, nothing);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->nothing_received);
}

// A TLS server on 127.0.0.1 that answers one request with `reply` and then
// closes the TCP connection without sending close_notify.
class TruncatingTlsServer {
 public:
  explicit TruncatingTlsServer(std::string reply)
      : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    fs::path dir = fs::temp_directory_path() /
                   ("signet-core-" + crypto::HexEncode(crypto::RandomBytes(6)));
    auto ca = pki::CaHierarchy::LoadOrCreate(dir);
    EXPECT_TRUE(ca.ok());
    auto cert = ca->IssueTlsServerCert({"tls.test"});
    EXPECT_TRUE(cert.ok());
    fs::remove_all(dir);
    ctx_.use_certificate_chain(asio::buffer(cert->first));
    ctx_.use_private_key(asio::buffer(cert->second), ssl::context::pem);
    thread_ = std::thread([this, reply = std::move(reply)] {
      tcp::socket socket(ioc_);
      acceptor_.accept(socket);
      ssl::stream<tcp::socket&> stream(socket, ctx_);
      boost::system::error_code ec;
      stream.handshake(ssl::stream_base::server, ec);
      std::string got;
      char buf[1024];
      while (!ec && got.find("\r\n\r\n") == std::string::npos)
        got.append(buf, stream.read_some(asio::buffer(buf), ec));
      if (!ec) asio::write(stream, asio::buffer(reply), ec);
      socket.close(ec);  // no SSL_shutdown: the TLS stream is truncated
    });
  }
  ~TruncatingTlsServer() { thread_.join(); }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  ssl::context ctx_{ssl::context::tls_server};
  std::thread thread_;
};

std::optional<NetError> FetchOverTls(uint16_t port, ClientResponse& out) {
  TlsClientOptions options;
  options.verify_peer = false;
  auto tls = TlsClientContext::Create(options);
  EXPECT_TRUE(tls.ok());
  asio::io_context ioc;
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  std::unique_ptr<ClientConnection> conn;
  auto e = RunSync(ioc, ClientConnection::Open(
                            ioc.get_executor(),
                            {tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)}, deadline,
                            conn));
  if (e) return e;
  e = RunSync(ioc, conn->Handshake(**tls, "tls.test", deadline));
  if (e) return e;
  EXPECT_TRUE(conn->is_tls());
  ClientRequest req{"GET", "/", "tls.test", "test", {}, "", true};
  return RunSync(ioc, conn->Exchange(req, {}, deadline, out));
}

TEST(ClientCoreTest, TlsCloseWithoutNotifyEndsABodyDelimitedByTheStream) {
  TruncatingTlsServer server("HTTP/1.1 200 OK\r\n\r\nwhole body");
  ClientResponse out;
  auto e = FetchOverTls(server.port(), out);
  ASSERT_FALSE(e) << e->message;
  EXPECT_EQ(out.response.status, 200);
  EXPECT_EQ(out.response.body, "whole body");
  EXPECT_FALSE(out.keep_alive);
}

TEST(ClientCoreTest, TlsCloseWithoutNotifyBeforeTheContentLengthIsAnError) {
  TruncatingTlsServer server("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart");
  ClientResponse out;
  auto e = FetchOverTls(server.port(), out);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->stage, NetStage::kRead);
  EXPECT_EQ(e->fault, NetFault::kTlsTruncated);
  EXPECT_FALSE(e->nothing_received);
}

TEST(ClientCoreTest, VerifyingContextRefusesAnUntrustedCertificate) {
  TruncatingTlsServer server("HTTP/1.1 200 OK\r\n\r\nx");
  fs::path dir = fs::temp_directory_path() /
                 ("signet-core-ca-" + crypto::HexEncode(crypto::RandomBytes(6)));
  auto other = pki::CaHierarchy::LoadOrCreate(dir);
  ASSERT_TRUE(other.ok());
  const std::string ca_file = (dir / "root.pem").string();
  {
    FILE* f = std::fopen(ca_file.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(other->RootPem().c_str(), f);
    std::fclose(f);
  }
  TlsClientOptions options;
  options.ca_file = ca_file;
  auto tls = TlsClientContext::Create(options);
  ASSERT_TRUE(tls.ok()) << tls.error().detail;
  asio::io_context ioc;
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  std::unique_ptr<ClientConnection> conn;
  ASSERT_FALSE(RunSync(ioc, ClientConnection::Open(
                                ioc.get_executor(),
                                {tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port())},
                                deadline, conn)));
  auto e = RunSync(ioc, conn->Handshake(**tls, "tls.test", deadline));
  conn->Close();
  fs::remove_all(dir);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->stage, NetStage::kHandshake);
  EXPECT_EQ(e->fault, NetFault::kCertificate);
  EXPECT_NE(e->message.find("unable to get local issuer"), std::string::npos) << e->message;
}

// The load generator resumes TLS sessions per origin: the slot keeps the
// ticket the server sent on a connection and offers it on the next, also
// when the first was closed before the next opened (connection per
// request): OpenSSL marks the session of an SSL freed without shutdown
// as not resumable, so a connection that ended cleanly says it did.
TEST(ClientCoreTest, SessionSlotResumesTheNextHandshake) {
  fs::path dir = fs::temp_directory_path() /
                 ("signet-core-res-" + crypto::HexEncode(crypto::RandomBytes(6)));
  auto ca = pki::CaHierarchy::LoadOrCreate(dir);
  ASSERT_TRUE(ca.ok());
  auto cert = ca->IssueTlsServerCert({"tls.test"});
  fs::remove_all(dir);
  ASSERT_TRUE(cert.ok());
  ServerConfig sc;
  sc.threads = 1;
  sc.tls_chain_pem = cert->first;
  sc.tls_key_pem = cert->second;
  Server server(sc, [](const Request&) { return Response{}; });
  ASSERT_TRUE(server.Start().ok());
  TlsClientOptions options;
  options.verify_peer = false;
  options.resume_sessions = true;
  auto tls = TlsClientContext::Create(options);
  ASSERT_TRUE(tls.ok());
  TlsSessionSlot slot;
  asio::io_context ioc;
  std::vector<bool> resumed;
  for (int i = 0; i < 3; ++i) {
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    std::unique_ptr<ClientConnection> conn;
    ASSERT_FALSE(RunSync(
        ioc, ClientConnection::Open(
                 ioc.get_executor(),
                 {tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port())}, deadline,
                 conn)));
    ASSERT_FALSE(RunSync(ioc, conn->Handshake(**tls, "tls.test", deadline, &slot)));
    ClientRequest req{"GET", "/", "tls.test", "test", {}, "", false};
    ClientResponse out;
    ASSERT_FALSE(RunSync(ioc, conn->Exchange(req, {}, deadline, out)));  // reads the ticket
    EXPECT_EQ(out.response.status, 200);
    resumed.push_back(conn->tls_resumed());
  }  // each connection is gone before the next opens
  EXPECT_EQ(resumed, (std::vector<bool>{false, true, true}));
}

TEST(ClientCoreTest, MissingCaFileIsATlsError) {
  TlsClientOptions options;
  options.ca_file = "/nonexistent/ca.pem";
  auto tls = TlsClientContext::Create(options);
  ASSERT_FALSE(tls.ok());
  EXPECT_EQ(tls.error().code, ErrorCode::kTls);
  EXPECT_EQ(tls.error().detail, "cannot read the CA file /nonexistent/ca.pem");
}

}  // namespace
}  // namespace signet::http
