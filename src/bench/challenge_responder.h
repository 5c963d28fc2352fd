// The load generator's own HTTP-01 responder (RFC 8555 8.3): a plain HTTP
// server on ADDRESS:PORT (the port the CA validates against) that answers
// GET /.well-known/acme-challenge/TOKEN with the key authorization it was
// given for TOKEN, from memory, and 404 otherwise. One coroutine per
// validation connection; "Connection: close" after each answer; a
// connection that says nothing for 10 s is dropped.
//
// NOT thread-safe: use from the io_context's single thread; the io_context
// must outlive the responder.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/result.h"

namespace boost::asio {
class io_context;
}

namespace signet::bench {

class ChallengeResponder {
 public:
  explicit ChallengeResponder(boost::asio::io_context& ioc);
  ~ChallengeResponder();
  ChallengeResponder(const ChallengeResponder&) = delete;
  ChallengeResponder& operator=(const ChallengeResponder&) = delete;

  // Binds and starts accepting (kConnection if the port is taken).
  Status Listen(const std::string& address, uint16_t port);
  void Stop();

  void Set(const std::string& token, std::string key_authorization);
  void Erase(const std::string& token);

  int64_t served() const;     // 200 answers
  int64_t not_found() const;  // 404 answers

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace signet::bench
