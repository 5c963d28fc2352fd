// Issue 5: the operator's commands (signetd admin revoke / ari-window) as
// library calls on the store, and their input parsing.
#include "ca/ra/admin.h"

#include "acme_fixture.h"
#include "ca/ra/revocation.h"
#include "pki/certificate.h"

namespace signet::testing {
namespace {

class AdminTest : public AcmeTest {
 protected:
  void SetUp() override {
    AcmeTest::SetUp();
    Register();
  }
  // Issues for `name`; returns (serial, certificate key).
  std::pair<std::string, crypto::Key> Issue(const std::string& name) {
    auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    std::string pem;
    Reply done = IssueWithCsr({name}, MakeCsr(*key, {name}), {}, &pem);
    EXPECT_EQ(Str(done.json, "status"), "valid") << done.body;
    auto chain = pki::CertChainFromPem(pem);
    return {chain.ok() && !chain->empty() ? pki::SerialHex((*chain)[0].get()) : "", *key};
  }
  acme::CertificateRecord Record(const std::string& serial) {
    auto r = ca_->store->GetCertificate(serial);
    EXPECT_TRUE(r.ok() && r->has_value());
    return r.ok() && r->has_value() ? **r : acme::CertificateRecord{};
  }
};

TEST_F(AdminTest, RevokeBySerialRecordsReasonAndFeed) {
  auto [serial, key] = Issue("admin-revoke.example.test");
  std::string typed;  // as `openssl x509 -serial` prints it: upper case, with a prefix
  for (char c : serial) typed += char(std::toupper(c));
  ASSERT_TRUE(ca::AdminRevoke(*ca_->store, "serial=" + typed, 9).ok());
  acme::CertificateRecord rec = Record(serial);
  ASSERT_TRUE(rec.revoked_at.has_value());
  EXPECT_EQ(rec.revoked_reason, 9);
  auto feed = ca_->store->RevocationsSince(0, 10);
  ASSERT_TRUE(feed.ok());
  ASSERT_EQ(feed->size(), 1u);
  EXPECT_EQ((*feed)[0].serial, serial);
  EXPECT_EQ((*feed)[0].crl_shard, rec.crl_shard);
  Status again = ca::AdminRevoke(*ca_->store, serial, 4);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyRevoked);
}

TEST_F(AdminTest, RevokeRefusals) {
  auto [serial, key] = Issue("admin-refuse.example.test");
  EXPECT_EQ(ca::AdminRevoke(*ca_->store, "abcdef0123", 0).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(ca::AdminRevoke(*ca_->store, "not hex", 0).error().code, ErrorCode::kMalformed);
  for (int bad : {2, 6, 8, 11, -1})
    EXPECT_EQ(ca::AdminRevoke(*ca_->store, serial, bad).error().code,
              ErrorCode::kBadRevocationReason)
        << bad;
  EXPECT_FALSE(Record(serial).revoked_at.has_value());
}

TEST_F(AdminTest, KeyCompromiseBlocksTheKey) {
  auto [serial, key] = Issue("admin-key.example.test");
  ASSERT_TRUE(ca::AdminRevoke(*ca_->store, serial, 1).ok());
  auto blocked = ca_->store->IsKeyBlocked(ca::BlockedKeyId(key));
  ASSERT_TRUE(blocked.ok());
  EXPECT_TRUE(*blocked);
  Reply refused =
      IssueWithCsr({"admin-key.example.test"}, MakeCsr(key, {"admin-key.example.test"}));
  EXPECT_EQ(refused.Type(), "badCSR");
}

TEST_F(AdminTest, RenewalWindowIsAllOrNothing) {
  auto [a, ka] = Issue("window-a.example.test");
  auto [b, kb] = Issue("window-b.example.test");
  auto start = *ca::ParseRfc3339("2031-03-01T00:00:00Z");
  auto end = *ca::ParseRfc3339("2031-03-02T12:00:00Z");
  Status unknown = ca::AdminSetRenewalWindow(*ca_->store, {a, "beef"}, start, end, "");
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_NE(unknown.error().detail.find("beef"), std::string::npos);
  EXPECT_FALSE(Record(a).ari_window_start.has_value()) << "nothing changed";
  EXPECT_EQ(ca::AdminSetRenewalWindow(*ca_->store, {a}, end, start, "").error().code,
            ErrorCode::kMalformed);
  ASSERT_TRUE(
      ca::AdminSetRenewalWindow(*ca_->store, {a, b}, start, end, "https://x.test/why").ok());
  for (const std::string& s : {a, b}) {
    acme::CertificateRecord rec = Record(s);
    EXPECT_EQ(rec.ari_window_start, start);
    EXPECT_EQ(rec.ari_window_end, end);
    EXPECT_EQ(rec.ari_explanation_url, "https://x.test/why");
  }
}

TEST(AdminParsing, NormalizeSerial) {
  EXPECT_EQ(*ca::NormalizeSerial("00:0A:bC"), "abc");
  EXPECT_EQ(*ca::NormalizeSerial("serial=7F01"), "7f01");
  EXPECT_EQ(*ca::NormalizeSerial("000"), "0");
  EXPECT_FALSE(ca::NormalizeSerial("").ok());
  EXPECT_FALSE(ca::NormalizeSerial("12g4").ok());
}

TEST(AdminParsing, Rfc3339) {
  auto t = ca::ParseRfc3339("2025-06-01T12:00:00Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(acme::Clock::to_time_t(*t), 1748779200);
  EXPECT_EQ(acme::Clock::to_time_t(*ca::ParseRfc3339("2025-06-01T14:00:00+02:00")), 1748779200);
  EXPECT_EQ(acme::Clock::to_time_t(*ca::ParseRfc3339("2025-06-01T12:00:00.250Z")), 1748779200);
  EXPECT_EQ(acme::Clock::to_time_t(*ca::ParseRfc3339("2025-06-01t11:30:00-00:30")), 1748779200);
  for (const char* bad : {"2025-06-01", "2025-06-01T12:00:00", "2025-13-01T00:00:00Z",
                          "2025-06-01T12:00:00Zjunk", "yesterday"})
    EXPECT_FALSE(ca::ParseRfc3339(bad).ok()) << bad;
}

}  // namespace
}  // namespace signet::testing
