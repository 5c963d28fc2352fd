// The HTTP/1.1 client core under Signet's three clients: the agent's
// http::Client (synchronous, kept-alive connections), the VA's HTTP-01 fetch
// (one GET to a fixed address, no certificate check) and signet-bench's
// pooled asynchronous HttpPool. Each of those is a thin layer that resolves
// names, pools connections and words errors its own way; the core does the
// rest once: TCP connect by a deadline, TLS with SNI, verification of the
// chain and of the host name or IP (RFC 6125) and session resumption,
// request building, response reading with header and body limits, and the
// reading of a TLS peer that closed without close_notify.
//
// Every operation is a C++20 coroutine on the connection's executor; a
// synchronous caller runs one with RunSync on its own io_context. The only
// translation unit of the clients that includes Boost.Beast is
// client_core.cc.
//
// NOT thread-safe: a ClientConnection and a TlsSessionSlot belong to the
// thread running their executor. A TlsClientContext may be shared by
// connections of one thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "http/message.h"

namespace signet::http {

using Clock = std::chrono::steady_clock;

// What went wrong on the network, for each client to word its own way.
enum class NetFault {
  kTimeout,        // the deadline passed
  kSystemTimeout,  // the kernel gave up (ETIMEDOUT)
  kRefused,        // connection refused
  kReset,          // connection reset by peer
  kUnreachable,    // network or host unreachable
  kClosed,         // the peer closed before a complete response
  kTlsTruncated,   // a TLS peer closed without close_notify, message incomplete
  kCertificate,    // certificate verification failed; message says why
  kTlsName,        // the host could not be set as SNI or verification name
  kOther,          // message says what
};

enum class NetStage { kConnect, kHandshake, kWrite, kRead };

struct NetError {
  NetStage stage = NetStage::kConnect;
  NetFault fault = NetFault::kOther;
  std::string message;            // the system's or OpenSSL's words
  bool nothing_received = false;  // the request may be sent again on a new connection
};

struct TlsClientOptions {
  bool verify_peer = true;  // chain and host name; false: anything goes (HTTP-01)
  std::string ca_file;      // PEM bundle to trust; "" = the system store
  std::string client_cert_pem;  // mutual TLS; "" = none
  std::string client_key_pem;
  bool resume_sessions = false;  // keep sessions in TlsSessionSlots (see Handshake)
};

// An OpenSSL client context (TLS 1.2 or later).
class TlsClientContext {
 public:
  // kTls "cannot read the CA file X", "cannot load trusted certificates
  // from X: ...", "cannot load the system trust store: ...", "cannot load
  // the client certificate: ...".
  static Result<std::unique_ptr<TlsClientContext>> Create(const TlsClientOptions& options);
  ~TlsClientContext();

  struct Impl;

 private:
  explicit TlsClientContext(std::unique_ptr<Impl> impl);
  friend class ClientConnection;
  std::unique_ptr<Impl> impl_;
};

// The newest TLS session of one origin, for resumption. Must outlive the
// handshakes and connections that use it.
class TlsSessionSlot {
 public:
  TlsSessionSlot();
  ~TlsSessionSlot();
  TlsSessionSlot(const TlsSessionSlot&) = delete;
  TlsSessionSlot& operator=(const TlsSessionSlot&) = delete;

  struct Impl;

 private:
  friend class ClientConnection;
  std::unique_ptr<Impl> impl_;
};

// A request as the core writes it: "METHOD target HTTP/1.1", Host, then
// User-Agent (unless `headers` has one), `headers` in order, "Connection:
// close" unless keep_alive, and Content-Length where the method or body
// calls for one.
struct ClientRequest {
  std::string method;
  std::string target;  // origin form
  std::string host;    // the Host header
  std::string user_agent;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool keep_alive = true;
};

struct ReadLimits {
  size_t max_body_bytes = 4 << 20;
  uint32_t max_header_bytes = 64 * 1024;
  // Records each response read, as Beast serializes it, for this fuzz
  // target (base/fuzz_record.h); "" = none.
  std::string_view fuzz_target;
};

struct ClientResponse {
  Response response;            // a HEAD response has an empty body
  bool body_truncated = false;  // longer than max_body_bytes: the body is dropped
  bool keep_alive = false;      // the connection may carry another request
};

// One connection: TCP, and TLS over it after Handshake.
class ClientConnection {
 public:
  ~ClientConnection();
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  // Connects to the first of `endpoints` that accepts, by `deadline`
  // (TCP_NODELAY set). Errors at NetStage::kConnect.
  static boost::asio::awaitable<std::optional<NetError>> Open(
      boost::asio::any_io_executor executor, std::vector<boost::asio::ip::tcp::endpoint> endpoints,
      Clock::time_point deadline, std::unique_ptr<ClientConnection>& out);

  // TLS client handshake by `deadline`. `host` (a name, or an IP literal) is
  // sent as SNI if it is a name, and is what the certificate must name when
  // `tls` verifies. With a `session` slot and a context made with
  // resume_sessions, offers the slot's session and keeps the server's new
  // ones there. Errors at NetStage::kHandshake.
  boost::asio::awaitable<std::optional<NetError>> Handshake(TlsClientContext& tls,
                                                            const std::string& host,
                                                            Clock::time_point deadline,
                                                            TlsSessionSlot* session = nullptr);

  // Writes `request` and reads the response, by `deadline`. A body past
  // limits.max_body_bytes is dropped (body_truncated), not an error. A TLS
  // peer that closed without close_notify after a body delimited by the end
  // of the stream still delivered a whole message.
  boost::asio::awaitable<std::optional<NetError>> Exchange(const ClientRequest& request,
                                                           const ReadLimits& limits,
                                                           Clock::time_point deadline,
                                                           ClientResponse& out);

  bool is_tls() const;
  bool tls_resumed() const;  // the handshake resumed a session
  // For a connection kept idle: true if the peer closed it or sent anything
  // (a close_notify, junk) while no request was outstanding.
  bool IdleLooksClosed();
  // Closes the socket; operations in progress fail at once.
  void Close();

  struct Impl;

 private:
  explicit ClientConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The reading of Exchange on a whole response held in memory, `raw` being
// every byte the server sent before closing (for fuzz targets).
std::optional<NetError> ParseResponseBytes(std::string_view raw, const ReadLimits& limits,
                                           ClientResponse& out);

// Builds the request Exchange writes, serialized (for tests).
std::string SerializeRequest(const ClientRequest& request);

// Runs `op` to completion on `ioc`, which no other thread runs; exceptions
// the coroutine throws are rethrown.
template <typename T>
T RunSync(boost::asio::io_context& ioc, boost::asio::awaitable<T> op) {
  std::optional<T> result;
  std::exception_ptr error;
  boost::asio::co_spawn(ioc, std::move(op), [&](std::exception_ptr e, T value) {
    error = e;
    if (!e) result.emplace(std::move(value));
  });
  ioc.restart();
  ioc.run();
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

}  // namespace signet::http
