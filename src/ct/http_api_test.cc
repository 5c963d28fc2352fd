// The HTTP layer of the log (RFC 6962 4): status codes and messages for
// bad requests, query parameters (base64 hashes percent-encoded or not),
// and the JSON shapes of the answers.
#include "ct/http_api.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "base/base64url.h"
#include "ct/ct_test_support.h"
#include "ct/structs.h"
#include "pki/test_support.h"

namespace signet::ct {
namespace {

using namespace testing_support;
namespace json = boost::json;

class HttpApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path());
    root_ = MakeCa("Root", nullptr);
    auto log = Log::Open((dir_.path() / "log.sqlite3").string(),
                         *crypto::Key::Generate(crypto::KeyType::kEcP256),
                         *RootSet::FromPem(PemOf(root_.cert.get())));
    ASSERT_TRUE(log.ok());
    log_ = std::move(*log);
    handler_ = MakeApiHandler(*log_, "log.test");
  }
  http::Response Call(const std::string& method, const std::string& target, std::string body = "") {
    http::Request req;
    req.method = method;
    req.target = target;
    req.body = std::move(body);
    return handler_(req);
  }
  pki::testing_support::ScopedTempDir dir_;
  Issued root_;
  std::unique_ptr<Log> log_;
  http::Handler handler_;
};

TEST_F(HttpApiTest, AddChainAnswersTheRfc6962Json) {
  Issued leaf = MakeLeaf("a.test", root_, false);
  http::Response res = Call("POST", "/ct/v1/add-chain", ChainBody({leaf.cert.get()}));
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.Header("Content-Type"), "application/json");
  json::object o = json::parse(res.body).as_object();
  EXPECT_EQ(o.at("sct_version").as_int64(), 0);
  EXPECT_EQ(*Base64Decode(o.at("id").as_string()), log_->log_id());
  EXPECT_GT(o.at("timestamp").to_number<uint64_t>(), 0u);
  EXPECT_EQ(o.at("extensions").as_string(), "");
  EXPECT_EQ(Base64Decode(o.at("signature").as_string())->substr(0, 2), "\x04\x03");
}

TEST_F(HttpApiTest, OversizedSubmissionIs400AndAddsNothing) {
  Issued leaf = MakeLeaf("a.test", root_, false);
  std::string body = ChainBody({leaf.cert.get()});
  body.insert(body.size() - 1, std::string(kMaxSubmissionBytes, ' '));  // still valid JSON
  http::Response res = Call("POST", "/ct/v1/add-chain", body);
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("larger than 512 KiB"), std::string::npos) << res.body;
  ASSERT_TRUE(log_->Publish(0).ok());
  EXPECT_EQ(log_->Sth().tree_size, 0u);
}

TEST_F(HttpApiTest, WrongMethodsPathsAndParameters) {
  EXPECT_EQ(Call("GET", "/ct/v1/add-chain").status, 405);
  EXPECT_EQ(Call("POST", "/ct/v1/get-sth").status, 405);
  EXPECT_EQ(Call("GET", "/ct/v1/nope").status, 404);
  http::Response res = Call("GET", "/ct/v1/get-entries?start=0");
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("missing query parameter end"), std::string::npos);
  res = Call("GET", "/ct/v1/get-entries?start=-1&end=3");
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("non-negative integer"), std::string::npos);
  EXPECT_EQ(Call("GET", "/ct/v1/get-sth-consistency?first=3&second=2").status, 400);
  EXPECT_EQ(Call("GET", "/ct/v1/get-proof-by-hash?hash=%%%&tree_size=1").status, 400);
}

TEST_F(HttpApiTest, ProofByHashTakesEncodedAndRawBase64) {
  // Two entries, so the path is one hash.
  for (const char* name : {"a.test", "b.test"}) {
    Issued leaf = MakeLeaf(name, root_, false);
    ASSERT_EQ(Call("POST", "/ct/v1/add-chain", ChainBody({leaf.cert.get()})).status, 200);
  }
  ASSERT_TRUE(log_->Publish(0).ok());
  auto entries = log_->Entries(0, 1);
  ASSERT_TRUE(entries.ok());
  std::string hash = Base64Encode(LeafHash((*entries)[1].leaf_input));
  std::string encoded;
  for (char c : hash) {
    encoded += c == '+' ? "%2B" : c == '/' ? "%2F" : c == '=' ? "%3D" : std::string(1, c);
  }
  for (const std::string& h : {hash, encoded}) {
    http::Response res = Call("GET", "/ct/v1/get-proof-by-hash?tree_size=2&hash=" + h);
    ASSERT_EQ(res.status, 200) << res.body;
    json::object o = json::parse(res.body).as_object();
    EXPECT_EQ(o.at("leaf_index").as_int64(), 1);
    ASSERT_EQ(o.at("audit_path").as_array().size(), 1u);
    EXPECT_EQ(*Base64Decode(o.at("audit_path").as_array()[0].as_string()),
              LeafHash((*entries)[0].leaf_input));
  }
  http::Response res = Call("GET", "/ct/v1/get-entries?start=0&end=5");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(json::parse(res.body).at("entries").as_array().size(), 2u);
}

}  // namespace
}  // namespace signet::ct
