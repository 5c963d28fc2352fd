// certbot's "standalone" authenticator: a temporary plain-HTTP server that
// answers http-01 challenges (RFC 8555 8.3) itself.
//
// GET /.well-known/acme-challenge/TOKEN answers 200 with the key
// authorization (no Content-Type, as certbot's acme.standalone) for tokens in
// play, 404 for anything else. The server starts with the first Perform and
// stops once Cleanup has removed the last token in play.
//
// Ownership: owns its http::Server. Thread-safety: Perform/Cleanup must not
// run concurrently with each other; the server's threads read the token table
// under a mutex.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/solvers/solver.h"
#include "http/message.h"

namespace signet::http {
class Server;
}

namespace signet::client {

class StandaloneSolver : public Solver {
 public:
  // `address` "" listens on every interface (IPv6 and IPv4 when the system
  // has IPv6, else IPv4 only), like certbot's --http-01-address default.
  // `port` 0 picks a free port (tests; see port()).
  StandaloneSolver(std::string address, uint16_t port);
  ~StandaloneSolver() override;

  // Fails with certbot's one-line message when the port is in use or needs
  // privileges; only "http-01" challenges are accepted.
  Status Perform(const std::vector<ChallengeSpec>& challenges) override;
  void Cleanup(const std::vector<ChallengeSpec>& challenges) override;

  // The port being served, 0 when not serving.
  uint16_t port() const;

 private:
  Status StartServer();
  http::Response Handle(const http::Request& request) const;

  const std::string address_;
  const uint16_t port_;
  std::unique_ptr<http::Server> server_;

  mutable std::mutex mutex_;
  std::map<std::string, std::string> key_authorizations_;  // by token; GUARDED_BY(mutex_)
};

}  // namespace signet::client
