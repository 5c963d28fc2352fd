// Test-only: the whole CA (tests/ca/acme_fixture.h's CaUnderTest) served
// over real HTTPS on 127.0.0.1:0 with a certificate from its own
// intermediate, plus the HTTP-01 responder its VA connects to. A middleware
// may look at or replace any exchange (fault injection: badNonce, garbage,
// Retry-After).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "acme_fixture.h"
#include "http/message.h"
#include "http/server.h"

namespace signet::client {

class TestCa {
 public:
  using Next = std::function<http::Response(const http::Request&)>;
  using Middleware = std::function<http::Response(const http::Request&, const Next& ca)>;

  explicit TestCa(const signet::testing::CaOptions& options = {});
  ~TestCa();

  std::string DirectoryUrl() const;
  std::string RootFile() const { return (dir_ / "root.pem").string(); }
  std::string RootPem() const { return ca_->hierarchy->RootPem(); }
  signet::testing::ChallengeServer& challenges() { return *challenges_; }
  // A nonce the CA will accept, for injected answers.
  std::string FreshNonce() { return ca_->nonces.Issue(); }
  void SetMiddleware(Middleware m);
  // The CA's parts (its store for EAB keys, ...).
  signet::testing::CaUnderTest& parts() { return *ca_; }

 private:
  http::Response Handle(const http::Request& req);

  std::filesystem::path dir_;
  std::unique_ptr<signet::testing::ChallengeServer> challenges_;
  std::unique_ptr<signet::testing::CaUnderTest> ca_;
  std::mutex mu_;
  Middleware middleware_;                 // GUARDED_BY(mu_)
  std::unique_ptr<http::Server> server_;  // last: stops before the CA goes
};

}  // namespace signet::client
