// The load generator's HTTP/1.1 client: asynchronous (C++20 coroutines on a
// Boost.Asio io_context), with a pool of kept-alive connections per origin.
// Each connection carries one request at a time; when all max_connections
// of an origin are busy, callers queue (FIFO) for the next free one, so a
// thousand orders in flight share a bounded number of connections. HTTPS
// verifies the server against ca_file (or the system store) and the URL's
// host, and resumes TLS sessions when the server offers tickets.
//
// Why not http::Client: it is synchronous (one request blocks its thread),
// and the generator must keep hundreds of requests in flight on one thread.
// Both are thin layers over the same core (http/client_core.h): this one
// runs the core's coroutines directly.
//
// NOT thread-safe: construct, Send and Close from the io_context's single
// thread. The io_context must outlive the pool.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "base/result.h"
#include "http/message.h"

namespace boost::asio {
class io_context;
}

namespace signet::bench {

struct HttpPoolConfig {
  std::string ca_file;       // PEM bundle to trust for https; "" = the system store
  int max_connections = 16;  // per origin
  std::chrono::milliseconds timeout{30000};  // per request, queueing and connecting included
  std::string user_agent = "signet-bench/0.1";
  size_t max_body_bytes = 1 << 20;
  // false: "Connection: close" and a new connection (TCP + TLS, resumed
  // when the server gave a ticket) for every request, as uacme and
  // curl-based shell clients do.
  bool keep_alive = true;
};

// Where one request's time went.
struct ExchangeTiming {
  std::chrono::microseconds pool_wait{0};  // queued for a connection
  std::chrono::microseconds connect{0};    // TCP + TLS handshake; 0 on a kept-alive connection
  std::chrono::microseconds exchange{0};   // write the request, read the whole response
};

class HttpPool {
 public:
  HttpPool(boost::asio::io_context& ioc, HttpPoolConfig config);
  ~HttpPool();
  HttpPool(const HttpPool&) = delete;
  HttpPool& operator=(const HttpPool&) = delete;

  // Loads the trust store (kTls if ca_file cannot be used).
  Status Init();

  // Sends `method url` with `headers` (Host, User-Agent, Content-Length are
  // added) and `body`. An HTTP error status is a Response, not an Error.
  // Errors: kConnection (detail starting "timeout" when the deadline passed),
  // kTls, kMalformed for a bad URL. A kept-alive connection the server closed
  // before answering is replaced once, transparently.
  boost::asio::awaitable<Result<http::Response>> Send(
      std::string method, std::string url,
      std::vector<std::pair<std::string, std::string>> headers, std::string body,
      ExchangeTiming* timing);

  // Closes every idle connection; requests in progress finish.
  void Close();
  // Closes every connection, busy ones too (their requests fail at once),
  // and refuses new ones: for a server that stopped answering.
  void AbortAll();

  int connections_opened() const;
  int tls_resumed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace signet::bench
