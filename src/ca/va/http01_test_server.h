// Test-only helpers for http01_test.cc: in-process HTTP and HTTPS servers on
// 127.0.0.1 (ephemeral ports), a listener that never answers, a closed port.
// Header-only on purpose: one Beast translation unit for the whole test.
#pragma once

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "dns/resolver.h"

namespace signet::va::test_support {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

struct Reply {
  unsigned status = 200;
  std::string body;
  std::string location;
};

// What the server saw of one request.
struct Seen {
  std::string host;
  std::string target;
  std::string user_agent;
  std::string sni;
};

using Handler = std::function<Reply(const Seen&)>;

// A one-thread blocking HTTP(S) server on 127.0.0.1:0; one request per
// connection. The handler may be replaced between tests.
class TestServer {
 public:
  explicit TestServer(ssl::context* tls) : tls_(tls), acceptor_(ioc_) {
    tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { Run(); });
  }

  ~TestServer() {
    stop_ = true;
    beast::error_code ec;
    tcp::socket poke(ioc_);
    poke.connect(acceptor_.local_endpoint(), ec);  // Wakes the blocking accept.
    thread_.join();
  }

  uint16_t port() const { return port_; }
  void SetHandler(Handler h) {
    std::lock_guard lock(mu_);
    handler_ = std::move(h);
  }
  // Drops the handler (requests then get 404) and the request log.
  void Reset() {
    std::lock_guard lock(mu_);
    handler_ = nullptr;
    seen_.clear();
  }
  std::vector<Seen> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  void Run() {
    while (!stop_) {
      beast::error_code ec;
      tcp::socket socket(ioc_);
      acceptor_.accept(socket, ec);
      if (ec || stop_) continue;
      timeval tv{5, 0};  // Never block forever on a silent client.
      setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      if (tls_ == nullptr) {
        Serve(socket, Seen{});
        continue;
      }
      ssl::stream<tcp::socket&> stream(socket, *tls_);
      stream.handshake(ssl::stream_base::server, ec);
      if (ec) continue;
      const char* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
      Seen seen;
      seen.sni = sni ? sni : "";
      Serve(stream, std::move(seen));
    }
  }

  template <typename Stream>
  void Serve(Stream& stream, Seen seen) {
    beast::error_code ec;
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    http::read(stream, buffer, req, ec);
    if (ec) return;
    seen.host = std::string(req[http::field::host]);
    seen.target = std::string(req.target());
    seen.user_agent = std::string(req[http::field::user_agent]);
    Handler handler;
    {
      std::lock_guard lock(mu_);
      seen_.push_back(seen);
      handler = handler_;
    }
    Reply reply = handler ? handler(seen) : Reply{404, "no handler", ""};
    http::response<http::string_body> resp{static_cast<http::status>(reply.status), 11};
    if (!reply.location.empty()) resp.set(http::field::location, reply.location);
    resp.set(http::field::connection, "close");
    resp.body() = reply.body;
    resp.prepare_payload();
    http::write(stream, resp, ec);
  }

  ssl::context* tls_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  Handler handler_;
  std::vector<Seen> seen_;
};

// A TLS server context with a fresh self-signed P-256 certificate.
inline std::unique_ptr<ssl::context> MakeTlsContext() {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("va-test"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_sign(cert, key, EVP_sha256());
  SSL_CTX_use_certificate(ctx->native_handle(), cert);
  SSL_CTX_use_PrivateKey(ctx->native_handle(), key);
  X509_free(cert);
  EVP_PKEY_free(key);
  return ctx;
}

// A listening socket that never accepts: the kernel completes the TCP
// handshake, then nothing is ever answered.
class SilentListener {
 public:
  SilentListener() : acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {}
  uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  net::io_context ioc_;
  tcp::acceptor acceptor_;
};

// A loopback port with nothing listening (bound, then released).
inline uint16_t ClosedPort() {
  net::io_context ioc;
  tcp::acceptor probe(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  return probe.local_endpoint().port();
}

// A Resolver returning fixed addresses in the given order.
class OrderedResolver : public dns::Resolver {
 public:
  explicit OrderedResolver(std::vector<std::string> addrs) : addrs_(std::move(addrs)) {}

 private:
  Result<std::vector<std::string>> DoLookupHost(const std::string&, dns::Deadline) override {
    return addrs_;
  }
  Result<dns::TxtAnswer> DoLookupTxt(const std::string&, dns::Deadline) override {
    return dns::TxtAnswer{};
  }
  Result<dns::CaaAnswer> DoLookupCaa(const std::string&, dns::Deadline) override {
    return dns::CaaAnswer{};
  }

  std::vector<std::string> addrs_;
};

}  // namespace signet::va::test_support
