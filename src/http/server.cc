#include "http/server.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace signet::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

Request ToRequest(bhttp::request<bhttp::string_body>&& req, bool tls, const std::string& peer) {
  Request out;
  out.remote_address = peer;
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  out.host = std::string(req[bhttp::field::host]);
  out.tls = tls;
  for (const auto& f : req) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(req.body());
  return out;
}

// The client's address as text ("" if the socket has none); an IPv4 client
// of a dual-stack listener as IPv4.
std::string PeerAddress(const tcp::socket& socket) {
  beast::error_code ec;
  tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) return "";
  asio::ip::address a = remote.address();
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    a = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  return a.to_string();
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

// The configured cap, kept below the descriptor limit with room for the
// process's other files (store, DNS, outgoing connections).
size_t ConnectionCap(size_t configured) {
  constexpr rlim_t kReserve = 128;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return configured;
  size_t room = limit.rlim_cur > 2 * kReserve ? limit.rlim_cur - kReserve : limit.rlim_cur / 2;
  return std::max<size_t>(1, std::min(configured, room));
}

}  // namespace

struct Server::Impl {
  ServerConfig config;
  Handler handler;
  // Declared before io: the connections' coroutines, destroyed with it,
  // release their slots here and use the TLS context.
  mutable std::mutex mu;
  size_t open = 0;                                  // GUARDED_BY(mu)
  std::map<asio::ip::address, size_t> per_address;  // GUARDED_BY(mu)
  std::atomic<bool> draining{false};  // Shutdown(): answer what was read, then close
  std::atomic<size_t> in_flight{0};   // requests read and not yet answered
  std::optional<asio::ssl::context> ssl;
  // One I/O thread: its own io_context, which no other thread runs (its
  // scheduler's lock is taken only by its thread and by handler threads
  // handing back a response), and its own acceptor on a duplicate of the
  // listening socket. A connection stays on the thread that accepted it
  // from accept to close, so it needs no strand.
  struct IoThread {
    asio::io_context ioc{1};
    tcp::acceptor acceptor{ioc};
    std::thread thread;
  };
  std::vector<std::unique_ptr<IoThread>> io;  // set by Start()
  // Declared after io, so destroyed (stopped and joined) before it.
  std::optional<asio::thread_pool> handler_pool;
  std::atomic<bool> stopped{false};
  size_t connection_cap = 0;  // set by Start()

  Impl(ServerConfig c, Handler h) : config(std::move(c)), handler(std::move(h)) {}

  // Takes a connection slot for `peer`, or says there is none.
  bool Admit(const asio::ip::address& peer) {
    std::lock_guard lock(mu);
    if (open >= connection_cap) return false;
    size_t& n = per_address[peer];
    if (config.max_connections_per_address && n >= config.max_connections_per_address) {
      if (n == 0) per_address.erase(peer);
      return false;
    }
    ++n;
    ++open;
    return true;
  }

  void Release(const asio::ip::address& peer) {
    std::lock_guard lock(mu);
    --open;
    auto it = per_address.find(peer);
    if (it != per_address.end() && --it->second == 0) per_address.erase(it);
  }

  // Holds an admitted connection's slot for the life of its Session.
  struct Slot {
    Impl* impl;
    asio::ip::address peer;
    ~Slot() { impl->Release(peer); }
  };

  // Whether `req` is answered on the I/O thread that read it: always
  // without a handler pool; with one, when config.answer_inline says so.
  bool Inline(const Request& req) const {
    return !handler_pool || (config.answer_inline && config.answer_inline(req));
  }

  // Runs the handler on a handler thread; the coroutine resumes on its
  // connection's I/O thread (one post there, no strand).
  asio::awaitable<Response> RunHandler(Request req) {
    return asio::async_initiate<decltype(asio::use_awaitable), void(Response)>(
        [this](auto done, Request req) {
          asio::post(*handler_pool, [this, req = std::move(req), done = std::move(done)]() mutable {
            Response r = CallHandler(handler, req);
            auto io_thread = asio::get_associated_executor(done);
            asio::post(io_thread, [r = std::move(r), done = std::move(done)]() mutable {
              std::move(done)(std::move(r));
            });
          });
        },
        asio::use_awaitable, std::move(req));
  }

  static Response CallHandler(const Handler& handler, const Request& req) {
    try {
      return handler(req);
    } catch (...) {  // handlers return errors as values; this is a bug, not a crash
      return PlainError(500, "internal error\n");
    }
  }

  // Answers a request over a size limit (413 or 431), then reads and drops
  // what the client still sends, for at most kLingerTime and kLingerBytes:
  // closing with unread data would reset the connection, and a client still
  // uploading its body would see the reset, not the answer.
  template <typename Stream>
  asio::awaitable<void> RefuseOversized(Stream& stream, beast::tcp_stream& lowest, bool body) {
    int status = body ? 413 : 431;
    std::string reason =
        body ? "request body larger than " + std::to_string(config.max_body_bytes) + " bytes"
             : "request header larger than " + std::to_string(config.max_header_bytes) + " bytes";
    Response r = config.limit_response ? config.limit_response(status, reason)
                                       : PlainError(status, reason + "\n");
    auto res = ToBeast(std::move(r), 11, false, false);
    lowest.expires_after(config.idle_timeout);
    auto [wec, wn] = co_await bhttp::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
    if (wec) co_return;
    lowest.expires_after(kLingerTime);
    std::vector<char> scratch(16 * 1024);
    for (size_t drained = 0; drained < kLingerBytes;) {
      auto [rec, n] = co_await stream.async_read_some(asio::buffer(scratch),
                                                      asio::as_tuple(asio::use_awaitable));
      if (rec) break;
      drained += n;
    }
  }

  // Reads requests and writes responses on one connection until it closes.
  template <typename Stream>
  asio::awaitable<void> Serve(Stream& stream, beast::tcp_stream& lowest, bool tls) {
    beast::flat_buffer buffer;
    const std::string peer = PeerAddress(lowest.socket());
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(config.max_body_bytes);
      parser.header_limit(static_cast<std::uint32_t>(config.max_header_bytes));
      // One deadline for the whole request: a client trickling its headers
      // holds the connection no longer than an idle one.
      lowest.expires_after(config.idle_timeout);
      auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser,
                                                asio::as_tuple(asio::use_awaitable));
      if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit) {
        co_await RefuseOversized(stream, lowest, ec == bhttp::error::body_limit);
        co_return;
      }
      if (ec) co_return;
      ++in_flight;
      struct Answered {
        std::atomic<size_t>& n;
        ~Answered() { --n; }
      } answered{in_flight};
      auto req = parser.release();
      unsigned version = req.version();
      bool keep_alive = req.keep_alive() && !draining;
      bool head = req.method() == bhttp::verb::head;
      Request request = ToRequest(std::move(req), tls, peer);
      // (Not a conditional expression: GCC 12 miscompiles co_await in one.)
      Response r;
      if (Inline(request))
        r = CallHandler(handler, request);
      else
        r = co_await RunHandler(std::move(request));
      keep_alive = keep_alive && !draining;
      auto res = ToBeast(std::move(r), version, keep_alive, head);
      lowest.expires_after(config.idle_timeout);
      auto [wec, wn] = co_await bhttp::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
      if (wec || !keep_alive) co_return;
    }
  }

  // One connection, on the I/O thread that accepted it (the socket's
  // executor): every operation on the stream, its timer and its close run
  // there, one at a time.
  asio::awaitable<void> Session(tcp::socket socket, asio::ip::address peer) {
    Slot slot{this, peer};
    beast::tcp_stream stream(std::move(socket));
    if (!ssl) {
      co_await Serve(stream, stream, false);
      beast::error_code ec;
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
      co_return;
    }
    // A TLS stream costs ~40 KiB (Asio's record buffers, OpenSSL's SSL):
    // made only once the client has sent something, so a flood of idle
    // connections costs a socket and this frame each.
    auto arrived = SteadyClock::now();
    beast::error_code aec;
    // Usually the ClientHello is in by the time the connection is accepted.
    if (stream.socket().available(aec) == 0 || aec) {
      using namespace boost::asio::experimental::awaitable_operators;
      asio::steady_timer deadline(stream.get_executor(), config.handshake_timeout);
      auto first = co_await (
          stream.socket().async_wait(tcp::socket::wait_read, asio::as_tuple(asio::use_awaitable)) ||
          deadline.async_wait(asio::as_tuple(asio::use_awaitable)));
      if (first.index() != 0 || std::get<0>(std::get<0>(first))) co_return;
    }
    beast::ssl_stream<beast::tcp_stream> tls(std::move(stream), *ssl);
    beast::get_lowest_layer(tls).expires_at(arrived + config.handshake_timeout);
    auto [ec] = co_await tls.async_handshake(asio::ssl::stream_base::server,
                                             asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    co_await Serve(tls, beast::get_lowest_layer(tls), true);
    beast::get_lowest_layer(tls).expires_after(std::chrono::seconds(2));
    co_await tls.async_shutdown(asio::as_tuple(asio::use_awaitable));
  }

  // One I/O thread's accept loop: the connections it accepts are its own.
  asio::awaitable<void> Accept(tcp::acceptor& acceptor) {
    using namespace std::chrono_literals;
    asio::steady_timer pause(acceptor.get_executor());
    std::chrono::milliseconds backoff{0};
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (stopped || ec == asio::error::operation_aborted) co_return;
      if (ec == asio::error::connection_aborted) continue;  // the client gave up first
      if (ec) {
        // Out of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ...):
        // waiting clients stay in the listen queue; retry after a pause
        // that doubles up to a second instead of spinning.
        backoff = std::min<std::chrono::milliseconds>(backoff.count() ? backoff * 2 : 10ms, 1s);
        pause.expires_after(backoff);
        co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      backoff = 0ms;
      beast::error_code pec;
      tcp::endpoint remote = socket.remote_endpoint(pec);
      if (pec || !Admit(remote.address())) {
        socket.close(pec);  // over a limit: refuse at once, keep serving the others
        continue;
      }
      // Every response is written as soon as it is complete: without this,
      // Nagle holds a write back while an earlier segment (a TLS 1.3
      // session ticket, a response's head) waits for the client's delayed
      // ACK, up to 40 ms per request on a new connection.
      socket.set_option(tcp::no_delay(true), pec);
      auto executor = socket.get_executor();
      asio::co_spawn(executor, Session(std::move(socket), remote.address()), asio::detached);
    }
  }
};

int DefaultHandlerThreads(unsigned cores, bool waits_on_network) {
  constexpr int kMost = 16;
  if (waits_on_network || cores == 0) return kMost;
  return std::clamp(2 * int(std::min(cores, 64u)), 4, kMost);
}

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
    // One TLS 1.3 session ticket per full handshake (OpenSSL sends two):
    // clients resume with one, and each ticket costs an encryption and a
    // record. X25519 first (the cheapest key exchange), then P-256.
    SSL_CTX* ctx = s.ssl->native_handle();
    if (SSL_CTX_set_num_tickets(ctx, 1) != 1 || SSL_CTX_set1_groups_list(ctx, "X25519:P-256") != 1)
      return Error(ErrorCode::kServerInternal, "TLS: cannot set session tickets or groups");
    if (!s.config.client_ca_pem.empty()) {
      s.ssl->add_certificate_authority(asio::buffer(s.config.client_ca_pem), ec);
      if (ec) return Error(ErrorCode::kServerInternal, "client CA: " + ec.message());
      s.ssl->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    }
  }
  auto addr = asio::ip::make_address(s.config.address, ec);
  if (ec) return Error(ErrorCode::kMalformed, "bad listen address " + s.config.address);
  for (int i = 0; i < std::max(1, s.config.threads); ++i)
    s.io.push_back(std::make_unique<Impl::IoThread>());
  tcp::endpoint ep(addr, s.config.port);
  tcp::acceptor& first = s.io[0]->acceptor;
  first.open(ep.protocol(), ec);
  if (!ec) first.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) first.bind(ep, ec);
  if (!ec) first.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Error(ErrorCode::kServerInternal, "cannot listen on " + s.config.address + ":" +
                                                 std::to_string(s.config.port) + ": " + ec.message());
  // The other I/O threads accept on duplicates of the one listening socket
  // (one port, one queue): whichever thread is free takes the connection.
  for (size_t i = 1; i < s.io.size(); ++i) {
    int fd = ::fcntl(first.native_handle(), F_DUPFD_CLOEXEC, 0);
    if (fd < 0 || (s.io[i]->acceptor.assign(ep.protocol(), fd, ec), ec)) {
      if (fd >= 0 && ec) ::close(fd);
      return Error(ErrorCode::kServerInternal, "cannot share the listening socket among threads");
    }
  }
  s.connection_cap = ConnectionCap(s.config.max_connections);
  if (s.config.handler_threads > 0) s.handler_pool.emplace(s.config.handler_threads);
  for (auto& t : s.io) {
    asio::co_spawn(t->ioc, s.Accept(t->acceptor), asio::detached);
    t->thread = std::thread([t = t.get()] { t->ioc.run(); });
  }
  return OkStatus();
}

uint16_t Server::port() const { return impl_->io[0]->acceptor.local_endpoint().port(); }

void Server::Stop() {
  Impl& s = *impl_;
  if (s.stopped.exchange(true)) return;
  for (auto& t : s.io) t->ioc.stop();
  for (auto& t : s.io) {
    if (t->thread.joinable()) t->thread.join();
    beast::error_code ec;
    t->acceptor.close(ec);  // no thread runs it now: the port closes at once
  }
  if (s.handler_pool) {  // queued handlers are dropped; running ones finish
    s.handler_pool->stop();
    s.handler_pool->join();
  }
}

bool Server::Shutdown(std::chrono::steady_clock::time_point deadline) {
  Impl& s = *impl_;
  if (s.stopped) return true;
  s.draining = true;
  for (auto& t : s.io) {
    asio::post(t->ioc, [t = t.get()] {
      beast::error_code ec;
      t->acceptor.close(ec);
    });
  }
  // A request whose last bytes arrive now is counted a moment later: two
  // quiet polls in a row before calling it drained.
  int quiet = 0;
  while (quiet < 2 && SteadyClock::now() < deadline) {
    quiet = s.in_flight == 0 ? quiet + 1 : 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  bool drained = s.in_flight == 0;
  Stop();
  return drained;
}

bool Server::Responsive(std::chrono::milliseconds timeout) {
  Impl& s = *impl_;
  if (s.stopped) return false;
  // Every I/O thread, each with its own queue.
  auto deadline = SteadyClock::now() + timeout;
  std::vector<std::future<void>> ran;
  for (auto& t : s.io) {
    auto p = std::make_shared<std::promise<void>>();
    ran.push_back(p->get_future());
    asio::post(t->ioc, [p] { p->set_value(); });
  }
  for (auto& f : ran)
    if (f.wait_until(deadline) != std::future_status::ready) return false;
  return true;
}

size_t Server::requests_in_flight() const { return impl_->in_flight; }

size_t Server::open_connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->open;
}

}  // namespace signet::http
