#include "test_ca.h"

#include <gtest/gtest.h>

#include "crypto/digest.h"

namespace signet::client {

TestCa::TestCa(const signet::testing::CaOptions& options)
    : dir_(std::filesystem::temp_directory_path() /
           ("signet-agent-ca-" + crypto::HexEncode(crypto::RandomBytes(6)))) {
  challenges_ = std::make_unique<signet::testing::ChallengeServer>();
  ca_ = std::make_unique<signet::testing::CaUnderTest>(dir_, challenges_->port(), options);
  auto tls = ca_->hierarchy->IssueTlsServerCert({"127.0.0.1", "localhost"});
  EXPECT_TRUE(tls.ok());
  http::ServerConfig config;
  config.threads = 2;
  config.tls_chain_pem = tls->first;
  config.tls_key_pem = tls->second;
  server_ =
      std::make_unique<http::Server>(config, [this](const http::Request& r) { return Handle(r); });
  Status started = server_->Start();
  EXPECT_TRUE(started.ok()) << started.error().ToString();
}

TestCa::~TestCa() {
  server_.reset();
  ca_.reset();
  challenges_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string TestCa::DirectoryUrl() const {
  return "https://127.0.0.1:" + std::to_string(server_->port()) + "/directory";
}

void TestCa::SetMiddleware(Middleware m) {
  std::lock_guard<std::mutex> lock(mu_);
  middleware_ = std::move(m);
}

http::Response TestCa::Handle(const http::Request& req) {
  Next ca = [this](const http::Request& r) { return ca_->wfe->Handle(r); };
  Middleware m;
  {
    std::lock_guard<std::mutex> lock(mu_);
    m = middleware_;
  }
  return m ? m(req, ca) : ca(req);
}

}  // namespace signet::client
