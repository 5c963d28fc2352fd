#include "http/server.h"

#include <atomic>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace signet::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

Request ToRequest(bhttp::request<bhttp::string_body>&& req, bool tls) {
  Request out;
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  out.host = std::string(req[bhttp::field::host]);
  out.tls = tls;
  for (const auto& f : req) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(req.body());
  return out;
}

bhttp::response<bhttp::string_body> ToBeast(Response&& r, unsigned version, bool keep_alive,
                                            bool head) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
  res.set(bhttp::field::server, "signetd");
  for (auto& [k, v] : r.headers) res.insert(k, v);
  res.keep_alive(keep_alive);
  size_t len = r.body.size();
  if (!head) res.body() = std::move(r.body);
  res.content_length(len);
  return res;
}

Response PlainError(int status, std::string text) {
  Response r;
  r.status = status;
  r.Set("Content-Type", "text/plain");
  r.body = std::move(text);
  return r;
}

}  // namespace

struct Server::Impl {
  ServerConfig config;
  Handler handler;
  asio::io_context ioc;
  std::optional<asio::ssl::context> ssl;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::atomic<bool> stopped{false};

  Impl(ServerConfig c, Handler h) : config(std::move(c)), handler(std::move(h)) {}

  // Reads requests and writes responses on one connection until it closes.
  template <typename Stream>
  asio::awaitable<void> Serve(Stream& stream, beast::tcp_stream& lowest, bool tls) {
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(config.max_body_bytes);
      parser.header_limit(16 * 1024);
      lowest.expires_after(config.idle_timeout);
      auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser,
                                                asio::as_tuple(asio::use_awaitable));
      if (ec == bhttp::error::body_limit) {
        auto res = ToBeast(PlainError(413, "request body too large\n"), 11, false, false);
        co_await bhttp::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
        co_return;
      }
      if (ec) co_return;
      auto req = parser.release();
      unsigned version = req.version();
      bool keep_alive = req.keep_alive();
      bool head = req.method() == bhttp::verb::head;
      Response r = handler(ToRequest(std::move(req), tls));
      auto res = ToBeast(std::move(r), version, keep_alive, head);
      lowest.expires_after(config.idle_timeout);
      auto [wec, wn] = co_await bhttp::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
      if (wec || !keep_alive) co_return;
    }
  }

  asio::awaitable<void> Session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    if (!ssl) {
      co_await Serve(stream, stream, false);
      beast::error_code ec;
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> tls(std::move(stream), *ssl);
    beast::get_lowest_layer(tls).expires_after(config.idle_timeout);
    auto [ec] = co_await tls.async_handshake(asio::ssl::stream_base::server,
                                             asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    co_await Serve(tls, beast::get_lowest_layer(tls), true);
    beast::get_lowest_layer(tls).expires_after(std::chrono::seconds(2));
    co_await tls.async_shutdown(asio::as_tuple(asio::use_awaitable));
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (stopped) co_return;
        continue;
      }
      asio::co_spawn(ioc, Session(std::move(socket)), asio::detached);
    }
  }
};

Server::Server(ServerConfig config, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(handler))) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  Impl& s = *impl_;
  beast::error_code ec;
  if (!s.config.tls_chain_pem.empty()) {
    s.ssl.emplace(asio::ssl::context::tls_server);
    s.ssl->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1);
    s.ssl->use_certificate_chain(asio::buffer(s.config.tls_chain_pem), ec);
    if (!ec) s.ssl->use_private_key(asio::buffer(s.config.tls_key_pem), asio::ssl::context::pem, ec);
    if (ec) return Error(ErrorCode::kServerInternal, "TLS certificate/key: " + ec.message());
    if (!s.config.client_ca_pem.empty()) {
      s.ssl->add_certificate_authority(asio::buffer(s.config.client_ca_pem), ec);
      if (ec) return Error(ErrorCode::kServerInternal, "client CA: " + ec.message());
      s.ssl->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    }
  }
  auto addr = asio::ip::make_address(s.config.address, ec);
  if (ec) return Error(ErrorCode::kMalformed, "bad listen address " + s.config.address);
  tcp::endpoint ep(addr, s.config.port);
  s.acceptor.open(ep.protocol(), ec);
  if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(ep, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Error(ErrorCode::kServerInternal, "cannot listen on " + s.config.address + ":" +
                                                 std::to_string(s.config.port) + ": " + ec.message());
  asio::co_spawn(s.ioc, s.Accept(), asio::detached);
  for (int i = 0; i < std::max(1, s.config.threads); ++i)
    s.threads.emplace_back([&s] { s.ioc.run(); });
  return OkStatus();
}

uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::Stop() {
  Impl& s = *impl_;
  if (s.stopped.exchange(true)) return;
  asio::post(s.ioc, [&s] {
    beast::error_code ec;
    s.acceptor.close(ec);
  });
  s.ioc.stop();
  for (auto& t : s.threads)
    if (t.joinable()) t.join();
}

}  // namespace signet::http
