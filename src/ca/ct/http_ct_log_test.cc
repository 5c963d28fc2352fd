// The RFC 6962 HTTP client: what it POSTs (add-pre-chain / add-chain with
// the base64 chain) to a log served by the project's http::Server on
// loopback, how it reads the answer's SCT, and its errors.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "base/base64url.h"
#include "ca/ct/ct_log.h"
#include "http/server.h"

namespace signet::ca::ct {
namespace {

namespace json = boost::json;

std::string Answer(uint64_t timestamp, const std::string& signed_part) {
  return json::serialize(json::object{{"sct_version", 0},
                                      {"id", Base64Encode(std::string(32, '\x07'))},
                                      {"timestamp", timestamp},
                                      {"extensions", ""},
                                      {"signature", Base64Encode(signed_part)}});
}

TEST(SctFromJsonTest, ReadsTheDigitallySignedStructure) {
  auto sct = SctFromJson(Answer(1700000000123, std::string("\x04\x03\x00\x02" "AB", 6)));
  ASSERT_TRUE(sct.ok()) << sct.error().ToString();
  EXPECT_EQ(sct->timestamp_ms, 1700000000123u);
  EXPECT_EQ(sct->log_id, std::string(32, '\x07'));
  EXPECT_EQ(sct->hash_algorithm, 4);
  EXPECT_EQ(sct->signature_algorithm, 3);
  EXPECT_EQ(sct->signature, "AB");
}

TEST(SctFromJsonTest, RefusesWhatIsNotAnSct) {
  auto detail = [](const std::string& body) {
    auto sct = SctFromJson(body);
    EXPECT_FALSE(sct.ok());
    return sct.ok() ? std::string() : sct.error().detail;
  };
  EXPECT_NE(detail("<html>").find("not JSON"), std::string::npos);
  // The signature's length says 3 bytes; 2 follow.
  EXPECT_NE(detail(Answer(1, std::string("\x04\x03\x00\x03" "AB", 6))).find("signature"),
            std::string::npos);
  EXPECT_NE(detail(R"({"sct_version":1,"id":"","timestamp":1,"signature":""})").find("v1"),
            std::string::npos);
  EXPECT_NE(detail(R"({"sct_version":0,"id":"AAAA","timestamp":1,"signature":"BAMAAA=="})")
                .find("32 bytes"),
            std::string::npos);
}

class HttpCtLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http::ServerConfig config;
    config.address = "127.0.0.1";
    config.port = 0;
    server_ = std::make_unique<http::Server>(config, [this](const http::Request& req) {
      http::Response res;
      {
        std::lock_guard lock(mu_);
        seen_ = req.method + " " + std::string(req.Path()) + " " + req.body;
      }
      if (req.Path() == "/log/ct/v1/add-pre-chain") {
        res.body = Answer(42, std::string("\x04\x03\x00\x01" "S", 5));
      } else {
        res.status = 400;
        res.body = "chain does not end in an accepted root";
      }
      return res;
    });
    ASSERT_TRUE(server_->Start().ok());
    url_ = "http://127.0.0.1:" + std::to_string(server_->port()) + "/log/";
  }
  std::string Seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

  std::mutex mu_;
  std::string seen_;  // GUARDED_BY(mu_)
  std::unique_ptr<http::Server> server_;
  std::string url_;
};

TEST_F(HttpCtLogTest, PostsTheChainAndReadsTheSct) {
  HttpCtLog log({url_, ""});
  auto sct = log.Submit(true, {"PRE", "ISSUER"}, std::chrono::milliseconds(5000));
  ASSERT_TRUE(sct.ok()) << sct.error().ToString();
  EXPECT_EQ(sct->timestamp_ms, 42u);
  EXPECT_EQ(Seen(), "POST /log/ct/v1/add-pre-chain {\"chain\":[\"" + Base64Encode("PRE") + "\",\"" +
                        Base64Encode("ISSUER") + "\"]}");
}

TEST_F(HttpCtLogTest, AnHttpErrorIsAConnectionErrorNamingTheAnswer) {
  HttpCtLog log({url_, ""});
  auto sct = log.Submit(false, {"CERT", "ISSUER"}, std::chrono::milliseconds(5000));
  ASSERT_FALSE(sct.ok());
  EXPECT_EQ(sct.error().code, ErrorCode::kConnection);
  EXPECT_NE(sct.error().detail.find("add-chain answered HTTP 400: chain does not end"),
            std::string::npos)
      << sct.error().detail;
}

}  // namespace
}  // namespace signet::ca::ct
