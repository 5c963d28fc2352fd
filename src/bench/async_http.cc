// The only translation unit of signet-bench that includes Boost.Beast and
// TLS: the pooled asynchronous HTTP/1.1 client (see async_http.h).
#include "bench/async_http.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <filesystem>
#include <list>
#include <map>
#include <optional>
#include <unordered_set>

#include "http/url.h"
#include "crypto/ossl.h"

namespace signet::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using ErrorCodeT = beast::error_code;

using http::Url;

namespace {

constexpr auto kUse = asio::as_tuple(asio::use_awaitable);
constexpr uint32_t kMaxHeaderBytes = 64 * 1024;
using SslSessionPtr = std::unique_ptr<SSL_SESSION, crypto::OsslDeleter<SSL_SESSION_free>>;

std::chrono::microseconds Since(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t);
}

Error NetError(const std::string& url, const ErrorCodeT& ec) {
  if (ec == beast::error::timeout || ec == asio::error::timed_out)
    return Error(ErrorCode::kConnection, "timeout: no answer from " + url + " in time");
  return Error(ErrorCode::kConnection, url + ": " + ec.message());
}

// One kept-alive connection: plain TCP, or TLS over it.
// Registers itself in `live` so that AbortAll() can reach busy connections.
// (Shared: a connection in a coroutine frame may outlive the pool.)
struct Conn;
using ConnRegistry = std::shared_ptr<std::unordered_set<Conn*>>;
struct Conn {
  explicit Conn(ConnRegistry registry) : live(std::move(registry)) { live->insert(this); }
  ~Conn() { live->erase(this); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  ConnRegistry live;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};
using ConnPtr = std::unique_ptr<Conn>;

// A request queued for a connection: Release() hands it one (or the right
// to open one, conn == nullptr) and cancels its timer to wake it.
struct Waiter {
  asio::steady_timer* timer = nullptr;
  bool granted = false;
  ConnPtr conn;
};

// The connections to one scheme://host:port. `open` counts every slot in
// use: idle, busy, or being connected; it never exceeds max_connections.
struct OriginPool {
  std::vector<ConnPtr> idle;
  int open = 0;
  std::list<Waiter*> waiters;
  std::vector<tcp::endpoint> endpoints;  // resolved on first use
  SslSessionPtr session;                 // the newest TLS session, for resumption
};

struct Outcome {
  Result<http::Response> result = Error();
  bool nothing_received = false;  // safe to resend on a new connection
  bool keep_alive = false;
};

// A TLS peer that closed without close_notify after a body delimited by the
// end of the stream still delivered a whole message.
bool FinishTruncatedTls(const ErrorCodeT& ec, bhttp::response_parser<bhttp::string_body>& parser) {
  if (ec != ssl::error::stream_truncated || !parser.is_header_done()) return false;
  if (parser.is_done()) return true;
  if (parser.chunked() || parser.content_length()) return false;
  ErrorCodeT eof_ec;
  parser.put_eof(eof_ec);
  return !eof_ec && parser.is_done();
}

}  // namespace

struct HttpPool::Impl {
  asio::io_context& ioc;
  HttpPoolConfig config;
  std::optional<ssl::context> tls_ctx;
  ConnRegistry live = std::make_shared<std::unordered_set<Conn*>>();  // idle or busy
  std::map<std::string, OriginPool> pools;  // by Url::Origin()
  bool aborted = false;
  int opened = 0;
  int resumed = 0;

  Impl(asio::io_context& io, HttpPoolConfig c) : ioc(io), config(std::move(c)) {}

  // OpenSSL calls this with each new client session (TLS 1.3: per ticket);
  // we keep the newest per origin. Returning 1 takes ownership.
  // Our ex_data slot on each SSL: its OriginPool. (Asio owns SSL app data.)
  static int PoolIndex() {
    static const int kIndex = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return kIndex;
  }

  static int OnNewSession(SSL* ssl, SSL_SESSION* session) {
    auto* pool = static_cast<OriginPool*>(SSL_get_ex_data(ssl, PoolIndex()));
    if (pool == nullptr) return 0;
    pool->session.reset(session);
    return 1;
  }

  Status Init() {
    ssl::context ctx(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    SSL_CTX_set_session_cache_mode(ctx.native_handle(),
                                   SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx.native_handle(), &Impl::OnNewSession);
    ErrorCodeT ec;
    ctx.set_verify_mode(ssl::verify_peer, ec);
    if (config.ca_file.empty()) {
      ctx.set_default_verify_paths(ec);
    } else {
      std::error_code fec;
      if (!std::filesystem::is_regular_file(config.ca_file, fec))
        return Error(ErrorCode::kTls, "cannot read the CA file " + config.ca_file);
      ctx.load_verify_file(config.ca_file, ec);
    }
    if (ec) return Error(ErrorCode::kTls, "cannot load the trust store: " + ec.message());
    tls_ctx.emplace(std::move(ctx));
    return OkStatus();
  }

  // A connection of `pool`, or nullptr meaning "open a new one": either way
  // the caller holds a slot until Release().
  asio::awaitable<Result<ConnPtr>> Acquire(OriginPool& pool, Clock::time_point deadline) {
    if (!pool.idle.empty()) {
      ConnPtr c = std::move(pool.idle.back());
      pool.idle.pop_back();
      co_return std::move(c);
    }
    if (pool.open < config.max_connections) {
      ++pool.open;
      co_return ConnPtr();
    }
    asio::steady_timer timer(ioc);
    timer.expires_at(deadline);
    Waiter w;
    w.timer = &timer;
    auto it = pool.waiters.insert(pool.waiters.end(), &w);
    co_await timer.async_wait(kUse);
    if (!w.granted) {
      pool.waiters.erase(it);
      co_return Error(ErrorCode::kConnection, "timeout: no free connection in time");
    }
    co_return std::move(w.conn);
  }

  // Gives a slot back: a reusable connection, or nullptr for a closed one.
  void Release(OriginPool& pool, ConnPtr conn) {
    if (!pool.waiters.empty()) {
      Waiter* w = pool.waiters.front();
      pool.waiters.pop_front();
      w->granted = true;
      w->conn = std::move(conn);
      w->timer->cancel();
      return;
    }
    if (conn)
      pool.idle.push_back(std::move(conn));
    else
      --pool.open;
  }

  asio::awaitable<Result<ConnPtr>> Connect(OriginPool& pool, const Url& u, const std::string& url,
                                           Clock::time_point deadline) {
    if (pool.endpoints.empty()) {
      ErrorCodeT ec;
      auto addr = asio::ip::make_address(u.host, ec);
      if (!ec) {
        pool.endpoints.emplace_back(addr, u.EffectivePort());
      } else {
        tcp::resolver resolver(ioc);
        auto [rec, results] =
            co_await resolver.async_resolve(u.host, std::to_string(u.EffectivePort()), kUse);
        if (rec) co_return NetError(url, rec);
        for (const auto& r : results) pool.endpoints.push_back(r.endpoint());
      }
    }
    if (aborted) co_return Error(ErrorCode::kConnection, url + ": the run was aborted");
    auto c = std::make_unique<Conn>(live);
    c->plain.emplace(ioc);
    c->plain->expires_at(deadline);
    auto [cec, ep] = co_await c->plain->async_connect(pool.endpoints, kUse);
    if (cec) co_return NetError(url, cec);
    ErrorCodeT ignored;
    c->plain->socket().set_option(tcp::no_delay(true), ignored);
    ++opened;
    if (!u.https()) co_return std::move(c);
    c->tls.emplace(std::move(*c->plain), *tls_ctx);
    c->plain.reset();
    SSL* s = c->tls->native_handle();
    ErrorCodeT aec;
    (void)asio::ip::make_address(u.host, aec);
    const bool literal = !aec;
    bool named = literal ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s), u.host.c_str()) == 1
                         : SSL_set_tlsext_host_name(s, u.host.c_str()) == 1 &&
                               SSL_set1_host(s, u.host.c_str()) == 1;
    if (!named) co_return Error(ErrorCode::kTls, url + ": bad TLS server name");
    SSL_set_ex_data(s, PoolIndex(), &pool);
    if (pool.session) SSL_set_session(s, pool.session.get());
    auto [hec] = co_await c->tls->async_handshake(ssl::stream_base::client, kUse);
    if (hec) {
      long verify = SSL_get_verify_result(s);
      if (verify != X509_V_OK)
        co_return Error(ErrorCode::kTls, url + ": TLS certificate verification failed: " +
                                             X509_verify_cert_error_string(verify));
      if (hec == beast::error::timeout) co_return NetError(url, hec);
      co_return Error(ErrorCode::kTls, url + ": TLS handshake failed: " + hec.message());
    }
    if (SSL_session_reused(s)) ++resumed;
    co_return std::move(c);
  }

  template <typename Stream>
  asio::awaitable<Outcome> Exchange(Stream& stream, Conn& c, bhttp::request<bhttp::string_body>& req,
                                    const std::string& url, Clock::time_point deadline) {
    Outcome out;
    c.lowest().expires_at(deadline);
    auto [wec, wn] = co_await bhttp::async_write(stream, req, kUse);
    if (wec) {
      out.nothing_received = wec != beast::error::timeout;
      out.result = NetError(url, wec);
      co_return out;
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(config.max_body_bytes);
    parser.header_limit(kMaxHeaderBytes);
    if (req.method() == bhttp::verb::head) parser.skip(true);
    auto [rec, rn] = co_await bhttp::async_read(stream, c.buffer, parser, kUse);
    c.lowest().expires_never();
    if (rec && !FinishTruncatedTls(rec, parser)) {
      out.nothing_received = rec != beast::error::timeout && !parser.got_some();
      out.result = NetError(url, rec);
      co_return out;
    }
    auto msg = parser.release();
    out.keep_alive = !rec && msg.keep_alive();
    http::Response res;
    res.status = int(msg.result_int());
    for (const auto& f : msg)
      res.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    res.body = std::move(msg.body());
    out.result = std::move(res);
    co_return out;
  }

  bhttp::request<bhttp::string_body> MakeRequest(
      const std::string& method, const Url& u,
      const std::vector<std::pair<std::string, std::string>>& headers, std::string body) {
    bhttp::request<bhttp::string_body> req;
    bhttp::verb verb = bhttp::string_to_verb(method);
    if (verb == bhttp::verb::unknown)
      req.method_string(method);
    else
      req.method(verb);
    req.target(u.target);
    req.version(11);
    req.set(bhttp::field::host, u.Authority());
    req.set(bhttp::field::user_agent, config.user_agent);
    if (!config.keep_alive) req.keep_alive(false);
    for (const auto& [name, value] : headers) req.insert(name, value);
    req.body() = std::move(body);
    req.prepare_payload();
    return req;
  }

  asio::awaitable<Result<http::Response>> Send(
      std::string method, std::string url, std::vector<std::pair<std::string, std::string>> headers,
      std::string body, ExchangeTiming* timing) {
    auto parsed = http::ParseUrl(url);
    if (!parsed.ok()) co_return std::move(parsed).error();
    if (parsed->scheme != "http" && parsed->scheme != "https")
      co_return Error(ErrorCode::kMalformed, "not an http(s) URL: " + url);
    const Url& u = *parsed;
    if (u.https() && !tls_ctx) co_return Error(ErrorCode::kTls, "HttpPool::Init() was not called");
    const Clock::time_point start = Clock::now(), deadline = start + config.timeout;
    OriginPool& pool = pools[u.Origin()];
    bhttp::request<bhttp::string_body> req = MakeRequest(method, u, headers, std::move(body));
    auto lease = co_await Acquire(pool, deadline);
    if (!lease.ok()) co_return std::move(lease).error();
    ConnPtr conn = std::move(*lease);
    if (timing) timing->pool_wait = Since(start);
    for (int attempt = 0;; ++attempt) {
      const bool reused = conn != nullptr;
      if (!conn) {
        const Clock::time_point connect_start = Clock::now();
        auto fresh = co_await Connect(pool, u, url, deadline);
        if (!fresh.ok()) {
          Release(pool, nullptr);
          co_return std::move(fresh).error();
        }
        conn = std::move(*fresh);
        if (timing) timing->connect += Since(connect_start);
      }
      const Clock::time_point sent = Clock::now();
      // (No ?: here: GCC 12 destroys the temporary of a co_await inside a
      // conditional expression twice.)
      Outcome out;
      if (conn->tls)
        out = co_await Exchange(*conn->tls, *conn, req, url, deadline);
      else
        out = co_await Exchange(*conn->plain, *conn, req, url, deadline);
      if (out.result.ok()) {
        if (timing) timing->exchange = Since(sent);
        Release(pool, out.keep_alive && config.keep_alive ? std::move(conn) : nullptr);
        co_return std::move(out.result);
      }
      conn.reset();
      // The server closed a kept-alive connection as we reused it: once more, fresh.
      if (reused && out.nothing_received && attempt == 0) continue;
      Release(pool, nullptr);
      co_return std::move(out.result).error();
    }
  }

  void AbortAll() {
    aborted = true;
    for (Conn* c : *live) {
      ErrorCodeT ignored;
      c->lowest().socket().close(ignored);
    }
  }

  void Close() {
    for (auto& [origin, pool] : pools) {
      pool.open -= int(pool.idle.size());
      pool.idle.clear();
    }
  }
};

HttpPool::HttpPool(asio::io_context& ioc, HttpPoolConfig config)
    : impl_(std::make_unique<Impl>(ioc, std::move(config))) {}

HttpPool::~HttpPool() = default;

Status HttpPool::Init() { return impl_->Init(); }

asio::awaitable<Result<http::Response>> HttpPool::Send(
    std::string method, std::string url, std::vector<std::pair<std::string, std::string>> headers,
    std::string body, ExchangeTiming* timing) {
  return impl_->Send(std::move(method), std::move(url), std::move(headers), std::move(body),
                     timing);
}

void HttpPool::Close() { impl_->Close(); }

void HttpPool::AbortAll() { impl_->AbortAll(); }

int HttpPool::connections_opened() const { return impl_->opened; }

int HttpPool::tls_resumed() const { return impl_->resumed; }

}  // namespace signet::bench
