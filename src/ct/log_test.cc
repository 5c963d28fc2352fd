// The log end to end below HTTP: SCTs checked by OpenSSL's own CT code
// (SCT_validate with a CTLOG_STORE holding the log's key), for a
// certificate and a precertificate; resubmissions; refusals that change
// nothing; STHs, proofs and entries against the RFC's structures; and the
// tree surviving a restart.
#include "ct/log.h"

#include <gtest/gtest.h>
#include <openssl/ct.h>
#include <openssl/err.h>

#include <fstream>

#include "crypto/digest.h"
#include "ct/ct_test_support.h"
#include "ct/structs.h"
#include "pki/test_support.h"

namespace signet::ct {
namespace {

using namespace testing_support;
using SctPtr = std::unique_ptr<SCT, crypto::OsslDeleter<SCT_free>>;
using CtlogStorePtr = std::unique_ptr<CTLOG_STORE, crypto::OsslDeleter<CTLOG_STORE_free>>;
using PolicyCtxPtr =
    std::unique_ptr<CT_POLICY_EVAL_CTX, crypto::OsslDeleter<CT_POLICY_EVAL_CTX_free>>;

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path());
    root_ = MakeCa("Test Root", nullptr);
    inter_ = MakeCa("Test Intermediate", &root_);
    key_ = *crypto::Key::Generate(crypto::KeyType::kEcP256);
    Reopen();
  }
  void Reopen() {
    log_.reset();
    auto roots = RootSet::FromPem(PemOf(root_.cert.get()));
    ASSERT_TRUE(roots.ok());
    LogOptions options;
    options.clock = [this] { return ++now_ms_; };
    options.leaf_index_extension = leaf_index_extension_;
    options.not_after_start_s = window_.first;
    options.not_after_end_s = window_.second;
    auto log = Log::Open((dir_.path() / "log.sqlite3").string(), key_, std::move(*roots), options);
    ASSERT_TRUE(log.ok()) << log.error().detail;
    log_ = std::move(*log);
  }

  // OpenSSL's verdict on `sct` for `cert` issued by `issuer`.
  int OpensslValidates(const Sct& sct, X509* cert, X509* issuer, ct_log_entry_type_t type) {
    std::string tls(1, '\0');  // SCT v1, then log id, timestamp, extensions, signature
    tls += log_->log_id();
    PutUint(&tls, sct.timestamp_ms, 8);
    PutOpaque(&tls, sct.extensions, 2);
    tls += sct.signature;
    const unsigned char* p = reinterpret_cast<const unsigned char*>(tls.data());
    SctPtr parsed(o2i_SCT(nullptr, &p, tls.size()));
    if (!parsed) return -100;
    SCT_set_log_entry_type(parsed.get(), type);
    std::string conf = (dir_.path() / "ct_logs.cnf").string();
    std::ofstream(conf) << "enabled_logs = test\n[test]\ndescription = test\nkey = "
                        << Base64Encode(key_.PublicDer()) << "\n";
    CtlogStorePtr store(CTLOG_STORE_new());
    if (CTLOG_STORE_load_file(store.get(), conf.c_str()) != 1) return -101;
    PolicyCtxPtr ctx(CT_POLICY_EVAL_CTX_new());
    CT_POLICY_EVAL_CTX_set1_cert(ctx.get(), cert);
    CT_POLICY_EVAL_CTX_set1_issuer(ctx.get(), issuer);
    CT_POLICY_EVAL_CTX_set_shared_CTLOG_STORE(ctx.get(), store.get());
    CT_POLICY_EVAL_CTX_set_time(ctx.get(), now_ms_ + 1000);
    int rc = SCT_validate(parsed.get(), ctx.get());
    ERR_clear_error();
    return rc;
  }

  pki::testing_support::ScopedTempDir dir_;
  Issued root_, inter_;
  crypto::Key key_;
  uint64_t now_ms_ = 1'700'000'000'000;
  bool leaf_index_extension_ = false;
  std::pair<int64_t, int64_t> window_{0, 0};
  std::unique_ptr<Log> log_;
};

TEST_F(LogTest, CertificateSctVerifiesWithOpensslCtCode) {
  Issued leaf = MakeLeaf("a.example.test", inter_, false);
  auto sct = log_->Add(ChainBody({leaf.cert.get(), inter_.cert.get()}), false);
  ASSERT_TRUE(sct.ok()) << sct.error().detail;
  EXPECT_EQ(OpensslValidates(*sct, leaf.cert.get(), inter_.cert.get(), CT_LOG_ENTRY_TYPE_X509), 1);
  Sct tampered = *sct;
  tampered.timestamp_ms += 1;
  EXPECT_EQ(OpensslValidates(tampered, leaf.cert.get(), inter_.cert.get(), CT_LOG_ENTRY_TYPE_X509),
            0);
}

TEST_F(LogTest, PrecertificateSctVerifiesWithOpensslCtCode) {
  Issued pre = MakeLeaf("b.example.test", inter_, true);
  auto sct = log_->Add(ChainBody({pre.cert.get(), inter_.cert.get(), root_.cert.get()}), true);
  ASSERT_TRUE(sct.ok()) << sct.error().detail;
  // OpenSSL removes the poison itself and hashes the issuer's key: the
  // signature covers the PreCert (RFC 6962 3.2) it rebuilds.
  EXPECT_EQ(OpensslValidates(*sct, pre.cert.get(), inter_.cert.get(), CT_LOG_ENTRY_TYPE_PRECERT),
            1);
  EXPECT_EQ(OpensslValidates(*sct, pre.cert.get(), root_.cert.get(), CT_LOG_ENTRY_TYPE_PRECERT), 0);
}

TEST_F(LogTest, LeafIndexExtensionIsSignedAndVerifiesWithOpenssl) {
  leaf_index_extension_ = true;
  Reopen();
  ASSERT_TRUE(log_->Add(ChainBody({MakeLeaf("a.example.test", inter_, false).cert.get(),
                                   inter_.cert.get()}),
                        false)
                  .ok());
  Issued pre = MakeLeaf("b.example.test", inter_, true);
  std::string body = ChainBody({pre.cert.get(), inter_.cert.get()});
  auto sct = log_->Add(body, true);
  ASSERT_TRUE(sct.ok()) << sct.error().detail;
  // static-ct-api: leaf_index(0), 5 bytes, index 1.
  EXPECT_EQ(sct->extensions, std::string("\0\0\x05\0\0\0\0\x01", 8));
  EXPECT_EQ(OpensslValidates(*sct, pre.cert.get(), inter_.cert.get(), CT_LOG_ENTRY_TYPE_PRECERT),
            1);
  auto again = log_->Add(body, true);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->extensions, sct->extensions);
  EXPECT_EQ(again->signature, sct->signature);
}

TEST_F(LogTest, TemporalIntervalRefusesOtherNotAfters) {
  // MakeLeaf's certificates expire in 24 hours.
  int64_t now = int64_t(std::time(nullptr));
  window_ = {now + 2 * 86400, now + 3 * 86400};
  Reopen();
  Issued leaf = MakeLeaf("a.example.test", inter_, false);
  auto sct = log_->Add(ChainBody({leaf.cert.get(), inter_.cert.get()}), false);
  ASSERT_FALSE(sct.ok());
  EXPECT_EQ(sct.error().code, ErrorCode::kMalformed);
  EXPECT_NE(sct.error().detail.find("outside this log's temporal interval"), std::string::npos)
      << sct.error().detail;
  window_ = {now, now + 2 * 86400};
  Reopen();
  EXPECT_TRUE(log_->Add(ChainBody({leaf.cert.get(), inter_.cert.get()}), false).ok());
}

TEST_F(LogTest, ResubmissionReturnsTheSameSctAndAddsNothing) {
  Issued leaf = MakeLeaf("a.example.test", inter_, false);
  std::string body = ChainBody({leaf.cert.get(), inter_.cert.get()});
  auto first = log_->Add(body, false);
  auto again = log_->Add(body, false);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->timestamp_ms, again->timestamp_ms);
  EXPECT_EQ(first->signature, again->signature);
  ASSERT_TRUE(log_->Publish(0).ok());
  EXPECT_EQ(log_->Sth().tree_size, 1u);
}

TEST_F(LogTest, RefusalsSayWhyAndChangeNothing) {
  Issued leaf = MakeLeaf("a.example.test", inter_, false);
  Issued pre = MakeLeaf("b.example.test", inter_, true);
  Issued other_root = MakeCa("Other Root", nullptr);
  Issued stranger = MakeLeaf("c.example.test", other_root, false);
  // RFC 6962 3.1's precertificate signing certificate: refused, with the reason.
  Issued pre_signer = MakeCert("Precert Signer", &inter_,
                               {{NID_basic_constraints, "critical,CA:TRUE"},
                                {NID_ext_key_usage, "1.3.6.1.4.1.11129.2.4.4"},
                                {NID_subject_key_identifier, "hash"}});
  Issued signed_by_pre_signer = MakeLeaf("d.example.test", pre_signer, true);
  Issued non_critical_poison =
      MakeCert("e.example.test", &inter_, {{NID_ct_precert_poison, "NULL"}});
  struct Case {
    std::string body;
    bool precert;
    std::string says;
  };
  std::vector<Case> cases = {
      {ChainBody({pre.cert.get(), inter_.cert.get()}), false, "submit it to add-pre-chain"},
      {ChainBody({leaf.cert.get(), inter_.cert.get()}), true, "no CT poison extension"},
      {ChainBody({stranger.cert.get(), other_root.cert.get()}), false, "accepted root"},
      {ChainBody({leaf.cert.get()}), false, "accepted root"},
      {ChainBody({signed_by_pre_signer.cert.get(), pre_signer.cert.get(), inter_.cert.get()}), true,
       "precertificate signing certificate"},
      {ChainBody({non_critical_poison.cert.get(), inter_.cert.get()}), true, "must be critical"},
      {"{\"chain\":", false, "not JSON"},
      {"{\"chain\":[]}", false, "chain is empty"},
      {"{\"chain\":[\"!!\"]}", false, "not base64"},
      {"{\"chain\":[\"AAAA\"]}", false, "not a DER X.509 certificate"},
      {"[1]", false, "\"chain\" array"},
  };
  for (const Case& c : cases) {
    auto sct = log_->Add(c.body, c.precert);
    ASSERT_FALSE(sct.ok()) << c.says;
    EXPECT_EQ(sct.error().code, ErrorCode::kMalformed);
    EXPECT_NE(sct.error().detail.find(c.says), std::string::npos) << sct.error().detail;
  }
  ASSERT_TRUE(log_->Publish(0).ok());
  EXPECT_EQ(log_->Sth().tree_size, 0u);
}

TEST_F(LogTest, SthEntriesAndProofsFollowRfc6962) {
  std::vector<Issued> leaves;
  std::vector<Sct> scts;
  for (int i = 0; i < 5; ++i) {
    leaves.push_back(MakeLeaf("n" + std::to_string(i) + ".example.test", inter_, i % 2 == 1));
    auto sct = log_->Add(ChainBody({leaves.back().cert.get(), inter_.cert.get()}), i % 2 == 1);
    ASSERT_TRUE(sct.ok()) << sct.error().detail;
    scts.push_back(*sct);
  }
  ASSERT_TRUE(log_->Publish(0).ok());
  SignedTreeHead sth = log_->Sth();
  ASSERT_EQ(sth.tree_size, 5u);
  // tree_head_signature: DigitallySigned(sha256=4, ecdsa=3) over TreeHeadSignature.
  ASSERT_EQ(sth.signature.substr(0, 2), std::string("\x04\x03", 2));
  EXPECT_TRUE(crypto::VerifyDigest(key_, EVP_sha256(),
                                   SthSignatureInput(sth.timestamp_ms, 5, sth.root_hash),
                                   sth.signature.substr(4)));

  auto entries = log_->Entries(0, 99);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 5u);
  MerkleTree tree;
  for (const StoredEntry& e : *entries) tree.Append(LeafHash(e.leaf_input));
  EXPECT_EQ(tree.RootHash(5), sth.root_hash);
  // Entry 0: MerkleTreeLeaf v1 timestamped_entry, timestamp, x509_entry, the DER, no extensions.
  std::string expect("\0\0", 2);
  PutUint(&expect, scts[0].timestamp_ms, 8);
  PutUint(&expect, 0, 2);
  PutOpaque(&expect, DerOf(leaves[0].cert.get()), 3);
  PutOpaque(&expect, "", 2);
  EXPECT_EQ((*entries)[0].leaf_input, expect);
  // extra_data: the verified chain up to the root.
  std::string chain;
  PutOpaque(&chain, DerOf(inter_.cert.get()), 3);
  PutOpaque(&chain, DerOf(root_.cert.get()), 3);
  std::string extra;
  PutOpaque(&extra, chain, 3);
  EXPECT_EQ((*entries)[0].extra_data, extra);

  auto proof = log_->ProofByHash(LeafHash((*entries)[3].leaf_input), 5);
  ASSERT_TRUE(proof.ok());
  EXPECT_EQ(proof->first, 3u);
  EXPECT_TRUE(
      VerifyAuditPath(3, 5, LeafHash((*entries)[3].leaf_input), proof->second, sth.root_hash));
  auto consistency = log_->Consistency(3, 5);
  ASSERT_TRUE(consistency.ok());
  EXPECT_TRUE(VerifyConsistency(3, 5, tree.RootHash(3), sth.root_hash, *consistency));

  EXPECT_EQ(log_->Entries(5, 6).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(log_->Consistency(2, 6).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(log_->ProofByHash(crypto::Sha256("nope"), 5).error().code, ErrorCode::kNotFound);
}

TEST_F(LogTest, EntriesSurviveARestartWithTheirScts) {
  Issued leaf = MakeLeaf("a.example.test", inter_, false);
  std::string body = ChainBody({leaf.cert.get(), inter_.cert.get()});
  auto sct = log_->Add(body, false);
  ASSERT_TRUE(sct.ok());
  ASSERT_TRUE(
      log_->Add(ChainBody({MakeLeaf("b.example.test", inter_, true).cert.get(), inter_.cert.get()}),
                true)
          .ok());
  ASSERT_TRUE(log_->Publish(0).ok());
  SignedTreeHead before = log_->Sth();
  Reopen();
  SignedTreeHead after = log_->Sth();
  EXPECT_EQ(after.tree_size, 2u);
  EXPECT_EQ(after.root_hash, before.root_hash);
  EXPECT_GT(after.timestamp_ms, before.timestamp_ms);
  auto again = log_->Add(body, false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->signature, sct->signature);
}

}  // namespace
}  // namespace signet::ct
