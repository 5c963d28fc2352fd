// An HTTP/1.1 server (HTTPS when given a certificate) on Boost.Beast with
// C++20 coroutines. Each I/O thread runs its own io_context and accepts on
// its own copy of the listening socket; a connection is a coroutine on the
// thread that accepted it (its reads, writes, timers and close never run on
// two threads at once) with its own deadlines; every limit is explicit in
// ServerConfig. The I/O threads accept, handshake, read and write, and
// answer the requests ServerConfig::answer_inline picks (those that never
// wait); every other request goes to the Handler (a pure function that may
// block on storage, signing or DNS) on a separate pool of handler threads,
// so a slow handler never stalls other connections' I/O.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "http/message.h"

namespace signet::http {

struct ServerConfig {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: pick a free port (see Server::port()).
  std::string tls_chain_pem;  // empty: plain HTTP
  std::string tls_key_pem;
  // Mutual TLS: when set, clients must present a certificate chaining to
  // one of these PEM CA certificates, or the handshake fails.
  std::string client_ca_pem;
  int threads = 2;          // I/O threads
  int handler_threads = 8;  // threads running the Handler; 0: on the I/O threads
  // Requests for which this returns true are answered on the I/O thread
  // that read them, saving two thread hand-offs: only those whose handling
  // never waits (no storage, DNS, signing on a token; bounded CPU). Called
  // on the I/O thread; unset: every request goes to the handler threads.
  std::function<bool(const Request&)> answer_inline;
  size_t max_body_bytes = 64 * 1024;
  size_t max_header_bytes = 16 * 1024;
  // A connection is closed when no complete request arrives within this
  // long (waiting for the next request on a kept-alive connection, or a
  // request trickling in byte by byte), or a response cannot be written.
  std::chrono::seconds idle_timeout{30};
  // The TLS handshake must finish within this long of the accept.
  std::chrono::seconds handshake_timeout{10};
  // Open connections at most; past it new connections are closed at once.
  // Also kept below the process's file descriptor limit (RLIMIT_NOFILE).
  size_t max_connections = 10000;
  // Open connections from one client address at most (0: no limit). Behind
  // a load balancer every connection comes from its address: set 0 there.
  size_t max_connections_per_address = 1000;
  // The answer to a request over max_header_bytes (431) or max_body_bytes
  // (413), given the status and a one-line reason; unset: text/plain. (The
  // ACME listener answers a problem document.) The connection is then
  // closed, after reading what the client still sends for up to
  // kLingerTime, so that a client still uploading sees the answer instead of
  // a reset.
  std::function<Response(int status, const std::string& reason)> limit_response;
};
inline constexpr std::chrono::seconds kLingerTime{2};

// A handler pool's size when none is configured. Handlers that compute and
// wait only briefly (JWS checks, signing with a key file, a local SQLite
// commit) need about two threads per core: more only add context switches
// and lock hand-offs (signetd on 2 cores, SQLite: 4 threads used 12-16%
// less CPU per certificate than 16 and issued 15-20% more per second, 10
// and 50 orders in flight). Handlers that wait on the network (a
// PostgreSQL store, a remote VA's validations) keep 16. `cores` 0: unknown.
int DefaultHandlerThreads(unsigned cores, bool waits_on_network);
inline constexpr size_t kLingerBytes = 16 * 1024 * 1024;

// Thread-safe Start/Stop; the handler may be called from several threads.
class Server {
 public:
  Server(ServerConfig config, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts serving on background threads.
  Status Start();
  // The bound port (useful when config.port was 0). REQUIRES: Start() ok.
  uint16_t port() const;
  // Stops accepting, closes connections and joins the threads.
  void Stop();
  // Graceful stop: stops accepting at once; requests already read are
  // handled and answered with "Connection: close"; then Stop() once none is
  // in flight, or at `deadline`. Idle kept-alive connections get nothing
  // more and close when the Server is destroyed. Returns true when every
  // request in flight was answered.
  bool Shutdown(std::chrono::steady_clock::time_point deadline);
  // Whether the I/O threads run a posted task within `timeout` (the
  // systemd watchdog's liveness check); false once stopped.
  bool Responsive(std::chrono::milliseconds timeout);
  // Requests read and not yet answered.
  size_t requests_in_flight() const;
  // Connections open now (accepted and not yet closed).
  size_t open_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace signet::http
