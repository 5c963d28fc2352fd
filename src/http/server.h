// An HTTP/1.1 server (HTTPS when given a certificate) on Boost.Beast with
// C++20 coroutines. Each connection is a coroutine with its own deadline;
// every limit is explicit in ServerConfig. Requests are handed to a Handler
// (a pure function) on one of the server's threads.
#pragma once

#include <chrono>
#include <cstdint>
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
  int threads = 2;
  size_t max_body_bytes = 64 * 1024;
  std::chrono::seconds idle_timeout{30};
};

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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace signet::http
