// The load generator's ACME transport (RFC 8555 6.2-6.5, 7.2): signed POSTs
// over the pooled asynchronous client, a shared pool of replay nonces (every
// response's Replay-Nonce is kept; newNonce only when the pool is empty),
// badNonce answered by resending with a fresh nonce, problem documents
// (RFC 8555 6.7) turned into Errors, and every exchange recorded in the
// BenchReport: latency by request type, errors by type.
//
// Every Error it returns has a detail that starts with its kind, the key of
// BenchReport::errors: "badNonce: ...", "timeout: ...", "protocol: ...".
//
// NOT thread-safe: one io_context thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "base/result.h"
#include "bench/acme_messages.h"
#include "bench/async_http.h"
#include "bench/report.h"
#include "client/acme/resources.h"

namespace signet::bench {

// A successful (2xx) answer.
struct AcmeReply {
  int status = 0;
  std::string location;     // absolute; "" when absent
  std::string retry_after;  // as sent; "" when absent
  std::string body;
  boost::json::object json;  // the body, when it is a JSON object
};

// The kind of an Error from this module or the order flow ("badNonce",
// "timeout", "connection", "tls", "protocol", ...).
std::string ErrorKind(const Error& error);

class AcmeSession {
 public:
  AcmeSession(HttpPool& http, BenchReport& report);

  // GETs and parses the directory.
  boost::asio::awaitable<Status> LoadDirectory(std::string url);
  const client::Directory& directory() const { return directory_; }

  // A JWS-signed POST of `payload` ("" = POST-as-GET) to `url` as `account`
  // (by kid, or by jwk before it has one). Non-2xx answers are Errors.
  boost::asio::awaitable<Result<AcmeReply>> Post(RequestType type, const BenchAccount& account,
                                                 std::string url, std::string payload);

  // Starts the "longest silence" measurement afresh (start of the order phase).
  void ResetSilenceClock();
  // When the last answer to a JWS-signed request arrived (newNonce and the
  // directory do not count: a deadlocked CA may still hand out nonces).
  std::chrono::steady_clock::time_point last_response() const { return last_response_; }

 private:
  boost::asio::awaitable<Result<std::string>> TakeNonce();
  boost::asio::awaitable<Result<http::Response>> Exchange(
      RequestType type, std::string method, std::string url,
      std::vector<std::pair<std::string, std::string>> headers, std::string body);
  void KeepNonce(const http::Response& response);
  void NoteResponse();

  HttpPool& http_;
  BenchReport& report_;
  client::Directory directory_;
  std::vector<std::string> nonces_;  // newest last
  std::chrono::steady_clock::time_point last_response_;
};

}  // namespace signet::bench
