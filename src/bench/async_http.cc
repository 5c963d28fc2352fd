// The load generator's pooled asynchronous HTTP/1.1 client (see
// async_http.h): a thin layer over the HTTP client core
// (http/client_core.h) that adds per-origin pools with FIFO waiters, cached
// name resolution, TLS session resumption per origin and timings.
#include "bench/async_http.h"

#include <boost/asio.hpp>
#include <list>
#include <map>
#include <optional>
#include <unordered_set>

#include "http/client_core.h"
#include "http/url.h"

namespace signet::bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using http::NetError;
using http::NetFault;
using http::Url;

namespace {

constexpr auto kUse = asio::as_tuple(asio::use_awaitable);

std::chrono::microseconds Since(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t);
}

Error Failed(const std::string& url, const NetError& e) {
  if (e.fault == NetFault::kTimeout || e.fault == NetFault::kSystemTimeout)
    return Error(ErrorCode::kConnection, "timeout: no answer from " + url + " in time");
  if (e.stage == http::NetStage::kHandshake) {
    if (e.fault == NetFault::kCertificate)
      return Error(ErrorCode::kTls, url + ": TLS certificate verification failed: " + e.message);
    if (e.fault == NetFault::kTlsName) return Error(ErrorCode::kTls, url + ": bad TLS server name");
    return Error(ErrorCode::kTls, url + ": TLS handshake failed: " + e.message);
  }
  return Error(ErrorCode::kConnection, url + ": " + e.message);
}

// One kept-alive connection. Registers itself in `live` so that AbortAll()
// can reach busy connections. (Shared: a connection in a coroutine frame
// may outlive the pool.)
struct Conn;
using ConnRegistry = std::shared_ptr<std::unordered_set<Conn*>>;
struct Conn {
  Conn(ConnRegistry registry, std::unique_ptr<http::ClientConnection> c)
      : live(std::move(registry)), conn(std::move(c)) {
    live->insert(this);
  }
  ~Conn() { live->erase(this); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  ConnRegistry live;
  std::unique_ptr<http::ClientConnection> conn;
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
  http::TlsSessionSlot session;          // the newest TLS session, for resumption
};

}  // namespace

struct HttpPool::Impl {
  asio::io_context& ioc;
  HttpPoolConfig config;
  std::unique_ptr<http::TlsClientContext> tls_ctx;
  ConnRegistry live = std::make_shared<std::unordered_set<Conn*>>();  // idle or busy
  std::map<std::string, OriginPool> pools;  // by Url::Origin()
  bool aborted = false;
  int opened = 0;
  int resumed = 0;

  Impl(asio::io_context& io, HttpPoolConfig c) : ioc(io), config(std::move(c)) {}

  Status Init() {
    http::TlsClientOptions options;
    options.ca_file = config.ca_file;
    options.resume_sessions = true;
    auto ctx = http::TlsClientContext::Create(options);
    if (!ctx.ok()) return std::move(ctx).error();
    tls_ctx = std::move(*ctx);
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
      boost::system::error_code ec;
      auto addr = asio::ip::make_address(u.host, ec);
      if (!ec) {
        pool.endpoints.emplace_back(addr, u.EffectivePort());
      } else {
        tcp::resolver resolver(ioc);
        auto [rec, results] =
            co_await resolver.async_resolve(u.host, std::to_string(u.EffectivePort()), kUse);
        if (rec) co_return Error(ErrorCode::kConnection, url + ": " + rec.message());
        for (const auto& r : results) pool.endpoints.push_back(r.endpoint());
      }
    }
    if (aborted) co_return Error(ErrorCode::kConnection, url + ": the run was aborted");
    std::unique_ptr<http::ClientConnection> c;
    std::optional<NetError> e =
        co_await http::ClientConnection::Open(ioc.get_executor(), pool.endpoints, deadline, c);
    if (e) co_return Failed(url, *e);
    ++opened;
    auto conn = std::make_unique<Conn>(live, std::move(c));
    if (!u.https()) co_return std::move(conn);
    e = co_await conn->conn->Handshake(*tls_ctx, u.host, deadline, &pool.session);
    if (e) co_return Failed(url, *e);
    if (conn->conn->tls_resumed()) ++resumed;
    co_return std::move(conn);
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
    const http::ClientRequest req{std::move(method), u.target,      u.Authority(),
                                  config.user_agent, std::move(headers), std::move(body),
                                  config.keep_alive};
    http::ReadLimits limits;
    limits.max_body_bytes = config.max_body_bytes;
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
      http::ClientResponse out;
      std::optional<NetError> e = co_await conn->conn->Exchange(req, limits, deadline, out);
      if (!e && out.body_truncated) {
        Release(pool, nullptr);
        co_return Error(ErrorCode::kConnection, url + ": body limit exceeded");
      }
      if (!e) {
        if (timing) timing->exchange = Since(sent);
        Release(pool, out.keep_alive && config.keep_alive ? std::move(conn) : nullptr);
        co_return std::move(out.response);
      }
      conn.reset();
      // The server closed a kept-alive connection as we reused it: once more, fresh.
      if (reused && e->nothing_received && attempt == 0) continue;
      Release(pool, nullptr);
      co_return Failed(url, *e);
    }
  }

  void AbortAll() {
    aborted = true;
    for (Conn* c : *live) c->conn->Close();
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
