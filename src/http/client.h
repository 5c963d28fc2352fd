// An HTTP/1.1 client for the agent (the ACME client's transport): absolute
// http:// and https:// URLs, one request at a time, answered as a plain
// Response value so nothing above this module sees Beast.
//
// HTTPS verifies the server's certificate chain against ClientConfig::ca_file
// or, when that is empty, the system's default store, and checks that the
// certificate names the URL's host (DNS name or IP literal; RFC 6125). SNI is
// sent for names. One connection per scheme://host:port is kept alive and
// reused; a reused connection that turns out to have been closed by the
// server is replaced once, transparently. Every request has one deadline
// (ClientConfig::timeout) covering connect, TLS handshake, send and receive,
// except that name resolution (getaddrinfo) cannot be interrupted once begun.
//
// Errors: kMalformed for a URL we cannot use, kTls for certificate or
// handshake failures ("cannot connect to URL: TLS ..."), kConnection for
// everything else on the network ("cannot connect to URL: reason"). An HTTP
// error status is not an Error: it comes back as a Response.
//
// NOT thread-safe: a Client owns its io_context and connections; use one per
// thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "http/message.h"

namespace signet::http {

struct ClientConfig {
  std::string ca_file;  // PEM bundle to trust; empty = the system default store
  // Client certificate for mutual TLS (PEM chain and key); empty = none.
  std::string client_cert_pem;
  std::string client_key_pem;
  std::chrono::milliseconds timeout{30000};  // per request, connect included
  std::string user_agent = "signet/0.1";
  size_t max_body_bytes = 4 << 20;  // larger responses are an error
};

// The CA bundle certbot users point at: $REQUESTS_CA_BUNDLE, else
// $SSL_CERT_FILE, else "" (the system store).
std::string DefaultCaFileFromEnv();

class Client {
 public:
  explicit Client(ClientConfig config);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends `method url` with `headers` (Host, User-Agent unless given, and
  // Content-Length are added) and `body`, and returns the response. A HEAD
  // response has an empty body.
  Result<Response> Send(const std::string& method, const std::string& url,
                        std::vector<std::pair<std::string, std::string>> headers = {},
                        std::string body = "");

  // How many connections Send has opened so far (keep-alive makes this
  // smaller than the number of requests). For tests and diagnostics.
  int connections_opened() const;

  // Closes every kept-alive connection.
  void CloseIdleConnections();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace signet::http
