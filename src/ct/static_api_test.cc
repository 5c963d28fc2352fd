// The static-ct-api read path (c2sp.org/static-ct-api) against the RFC 6962
// view of the same log: the checkpoint's note signature verifies as the
// STH's, level-0 and level-1 tiles hold the tree's hashes, data tiles
// rebuild the very leaves, issuers hash to their fingerprints, and tiles
// past the tree are 404.
#include "ct/static_api.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "base/base64url.h"
#include "crypto/digest.h"
#include "ct/ct_test_support.h"
#include "ct/http_api.h"
#include "ct/structs.h"
#include "pki/test_support.h"

namespace signet::ct {
namespace {

using namespace testing_support;

TEST(TileIndexTest, ParsesTlogTilesPaths) {
  using P = std::optional<std::pair<uint64_t, int>>;
  EXPECT_EQ(ParseTileIndex("067"), P({67, 256}));
  EXPECT_EQ(ParseTileIndex("x001/x234/067"), P({1234067, 256}));
  EXPECT_EQ(ParseTileIndex("x001/x234/067.p/112"), P({1234067, 112}));
  for (const char* bad : {"67", "x1/067", "067.p/0", "067.p/256", "067.p/01", "abc", "", "x067",
                          "001/067", "067.p/", "067/"}) {
    EXPECT_EQ(ParseTileIndex(bad), std::nullopt) << bad;
  }
}

// A TLS reader for the test's own parsing of TileLeafs.
struct In {
  std::string_view s;
  uint64_t Uint(int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = v << 8 | uint8_t(s[size_t(i)]);
    s.remove_prefix(size_t(n));
    return v;
  }
  std::string Bytes(size_t n) {
    std::string out(s.substr(0, n));
    s.remove_prefix(n);
    return out;
  }
  std::string Opaque(int n) { return Bytes(size_t(Uint(n))); }
};

class StaticApiTest : public ::testing::Test {
 protected:
  static constexpr const char* kOrigin = "127.0.0.1:6962/log";
  void SetUp() override {
    std::filesystem::create_directories(dir_.path());
    root_ = MakeCa("Root", nullptr);
    inter_ = MakeCa("Intermediate", &root_);
    key_ = *crypto::Key::Generate(crypto::KeyType::kEcP256);
    auto log = Log::Open((dir_.path() / "log.sqlite3").string(), key_,
                         *RootSet::FromPem(PemOf(root_.cert.get())));
    ASSERT_TRUE(log.ok());
    log_ = std::move(*log);
    handler_ = MakeApiHandler(*log_, kOrigin);
  }
  http::Response Get(const std::string& path) {
    http::Request req;
    req.method = "GET";
    req.target = path;
    return handler_(req);
  }
  pki::testing_support::ScopedTempDir dir_;
  Issued root_, inter_;
  crypto::Key key_;
  std::unique_ptr<Log> log_;
  http::Handler handler_;
};

TEST_F(StaticApiTest, CheckpointIsTheSthAsASignedNote) {
  ASSERT_TRUE(
      log_->Add(ChainBody({MakeLeaf("a.test", inter_, false).cert.get(), inter_.cert.get()}), false)
          .ok());
  ASSERT_TRUE(log_->Publish(0).ok());
  SignedTreeHead sth = log_->Sth();
  http::Response res = Get("/checkpoint");
  ASSERT_EQ(res.status, 200);
  std::string prefix =
      std::string(kOrigin) + "\n1\n" + Base64Encode(sth.root_hash) + "\n\n\u2014 " + kOrigin + " ";
  ASSERT_EQ(res.body.substr(0, prefix.size()), prefix);
  ASSERT_EQ(res.body.back(), '\n');
  auto sig = Base64Decode(res.body.substr(prefix.size(), res.body.size() - prefix.size() - 1));
  ASSERT_TRUE(sig.ok());
  std::string key_id =
      crypto::Sha256(std::string(kOrigin) + "\n" + std::string(1, '\x05') + log_->log_id());
  In in{*sig};
  EXPECT_EQ(in.Bytes(4), key_id.substr(0, 4));
  uint64_t ts = in.Uint(8);
  EXPECT_EQ(ts, sth.timestamp_ms);
  EXPECT_EQ(in.Uint(1), 4u);  // sha256
  EXPECT_EQ(in.Uint(1), 3u);  // ecdsa
  std::string der = in.Opaque(2);
  EXPECT_TRUE(in.s.empty());
  EXPECT_TRUE(
      crypto::VerifyDigest(key_, EVP_sha256(), SthSignatureInput(ts, 1, sth.root_hash), der));
}

TEST_F(StaticApiTest, TilesAndDataTilesMatchTheTree) {
  const int n = 259;
  std::vector<std::string> bodies;
  for (int i = 0; i < n; ++i) {
    Issued leaf = MakeLeaf("n" + std::to_string(i) + ".test", inter_, i % 2 == 1);
    bodies.push_back(ChainBody({leaf.cert.get(), inter_.cert.get()}));
  }
  // From 8 threads, so their fsyncs are shared; the order is whatever it is.
  std::atomic<int> next{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i; (i = next++) < n;) failed += !log_->Add(bodies[size_t(i)], i % 2 == 1).ok();
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(failed.load(), 0);
  ASSERT_TRUE(log_->Publish(0).ok());
  auto entries = log_->Entries(0, 999);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), size_t(n));
  MerkleTree tree;
  for (const auto& e : *entries) tree.Append(LeafHash(e.leaf_input));

  http::Response full = Get("/tile/0/000");
  ASSERT_EQ(full.status, 200);
  ASSERT_EQ(full.body.size(), 256u * 32);
  for (int i = 0; i < 256; ++i) EXPECT_EQ(full.body.substr(size_t(i) * 32, 32), tree.LeafHashAt(i));
  http::Response partial = Get("/tile/0/001.p/3");
  ASSERT_EQ(partial.status, 200);
  EXPECT_EQ(partial.body, tree.LeafHashAt(256) + tree.LeafHashAt(257) + tree.LeafHashAt(258));
  http::Response level1 = Get("/tile/1/000.p/1");
  ASSERT_EQ(level1.status, 200);
  EXPECT_EQ(level1.body, tree.RootHash(256));
  EXPECT_EQ(Get("/tile/0/001.p/4").status, 404);
  EXPECT_EQ(Get("/tile/0/001").status, 404);
  EXPECT_EQ(Get("/tile/1/000.p/2").status, 404);
  EXPECT_EQ(Get("/tile/6/000").status, 400);
  EXPECT_EQ(Get("/tile/0/1").status, 400);

  http::Response data = Get("/tile/data/001.p/3");
  ASSERT_EQ(data.status, 200);
  In in{data.body};
  std::string inter_fp = crypto::Sha256(DerOf(inter_.cert.get()));
  std::string root_fp = crypto::Sha256(DerOf(root_.cert.get()));
  for (int i = 256; i < n; ++i) {
    // TimestampedEntry, [pre_certificate], Fingerprint certificate_chain<0..2^16-1>
    std::string_view start = in.s;
    in.Uint(8);
    uint64_t type = in.Uint(2);
    if (type == 1) in.Bytes(32);
    in.Opaque(3);
    in.Opaque(2);
    std::string entry(start.substr(0, start.size() - in.s.size()));
    EXPECT_EQ(LeafHash(std::string("\0\0", 2) + entry), tree.LeafHashAt(i)) << i;
    EXPECT_EQ(type, uint64_t(ParseMerkleTreeLeaf((*entries)[size_t(i)].leaf_input)->type));
    if (type == 1) {
      EXPECT_EQ(in.Opaque(3).substr(0, 1), "\x30");  // the precertificate's DER
    }
    EXPECT_EQ(in.Opaque(2), inter_fp + root_fp);
  }
  EXPECT_TRUE(in.s.empty());

  http::Response issuer = Get("/issuer/" + crypto::HexEncode(inter_fp));
  ASSERT_EQ(issuer.status, 200);
  EXPECT_EQ(issuer.body, DerOf(inter_.cert.get()));
  EXPECT_EQ(issuer.Header("Content-Type"), "application/pkix-cert");
  EXPECT_EQ(Get("/issuer/" + crypto::HexEncode(root_fp)).body, DerOf(root_.cert.get()));
  EXPECT_EQ(Get("/issuer/" + crypto::HexEncode(crypto::Sha256("x"))).status, 404);
  EXPECT_EQ(Get("/issuer/zz").status, 400);
}

}  // namespace
}  // namespace signet::ct
