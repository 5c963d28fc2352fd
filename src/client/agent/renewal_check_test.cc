// DecideRenewal with a fake clock, fake randomness and a fake CA: the ARI
// window wins over the expiry rule, a random time within it is chosen and
// kept while the window stays, Retry-After bounds how often the CA is
// asked, and the expiry rule applies only without ARI.
#include "client/agent/renewal_check.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "crypto/digest.h"
#include "pki/certificate.h"

namespace signet::client {
namespace {

using namespace std::chrono_literals;

// Issued by "ari-test-ca" with AKI 2A:44:87:..:95, serial 0x0087654321,
// 2026-12-04T23:58:38Z .. 2027-03-04T23:58:38Z (90 days).
constexpr char kLeaf[] = R"(-----BEGIN CERTIFICATE-----
MIIBgzCCASmgAwIBAgIFAIdlQyEwCgYIKoZIzj0EAwIwFjEUMBIGA1UEAwwLYXJp
LXRlc3QtY2EwHhcNMjYxMjA0MjM1ODM4WhcNMjcwMzA0MjM1ODM4WjAbMRkwFwYD
VQQDDBBhcmkuZXhhbXBsZS50ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
WGDQ62JirNGWxhKCuIDudG5Id6pOjhQJAhES7sNQu7BN5ZiR0sY/qP23yi3gukik
SjNjzBkXEDpin95JOaPYR6NfMF0wHwYDVR0jBBgwFoAUKkSHrZh2sz01tVikojcn
NRn3ApUwGwYDVR0RBBQwEoIQYXJpLmV4YW1wbGUudGVzdDAdBgNVHQ4EFgQUzLVj
YEAQ9Pet9lv3KztOkdg1ygEwCgYIKoZIzj0EAwIDSAAwRQIgD8r0slHlA/IPP5cu
j+Pn2Luq6gTHaXyu+ylIZ3q0ipYCIQDH9hYpfMgbAxysxC3fK6kj52avWIpxu3zu
3mXX8BtwQA==
-----END CERTIFICATE-----
)";
constexpr char kCertId[] = "KkSHrZh2sz01tVikojcnNRn3ApU.AIdlQyE";

TimePoint At(const char* rfc3339) { return *ParseRfc3339Time(rfc3339); }

class RenewalCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cert = pki::CertFromPem(kLeaf);
    ASSERT_TRUE(cert.ok());
    cert_ = std::move(*cert);
    env_.now = At("2027-01-01T00:00:00Z");  // 27 days in: not due by expiry
    env_.uniform01 = [this] { return uniform_; };
    env_.fetch = [this](const std::string& id) -> Result<std::optional<RenewalInfo>> {
      ++fetches_;
      asked_ = id;
      if (fail_) return Error(ErrorCode::kConnection, "connection refused");
      return answer_;
    };
  }
  RenewalCheck Decide(const std::optional<AriState>& cached = std::nullopt,
                      const std::string& rbe = "") {
    return DecideRenewal(cert_.get(), cached, rbe, env_);
  }
  static RenewalInfo Window(const char* start, const char* end,
                            std::optional<std::chrono::seconds> retry = std::nullopt) {
    return RenewalInfo{At(start), At(end), "", retry};
  }

  crypto::X509Ptr cert_;
  RenewalEnv env_;
  double uniform_ = 0.5;
  std::optional<RenewalInfo> answer_;
  bool fail_ = false;
  int fetches_ = 0;
  std::string asked_;
};

TEST_F(RenewalCheckTest, AsksForTheCertIdOfRfc9773) {
  answer_ = Window("2027-02-01T00:00:00Z", "2027-02-03T00:00:00Z");
  RenewalCheck c = Decide();
  EXPECT_EQ(asked_, kCertId);
  EXPECT_EQ(c.cert_id, kCertId);
}

TEST_F(RenewalCheckTest, AFutureWindowIsNotDueAndAUniformTimeIsChosen) {
  answer_ = Window("2027-02-01T00:00:00Z", "2027-02-03T00:00:00Z", 3600s);
  answer_->explanation_url = "https://ca.example/why";
  uniform_ = 0.25;
  RenewalCheck c = Decide();
  EXPECT_FALSE(c.due);
  EXPECT_EQ(c.basis, "ari");
  EXPECT_EQ(c.renew_at, At("2027-02-01T12:00:00Z"));
  EXPECT_EQ(c.reason,
            "not due until 2027-02-01T12:00:00Z (ARI window 2027-02-01T00:00:00Z .. "
            "2027-02-03T00:00:00Z)");
  ASSERT_TRUE(c.ari);
  EXPECT_EQ(c.ari->next_poll, env_.now + 1h);
  EXPECT_EQ(c.ari->explanation_url, "https://ca.example/why");
  EXPECT_TRUE(c.state_changed);
}

TEST_F(RenewalCheckTest, ARenewalTimeThatHasPassedIsDue) {
  answer_ = Window("2026-12-31T00:00:00Z", "2027-01-02T00:00:00Z");
  uniform_ = 0.4;  // 2026-12-31T19:12Z: before now
  EXPECT_TRUE(Decide().due);
  uniform_ = 0.6;  // 2027-01-01T04:48Z: after now
  EXPECT_FALSE(Decide().due);
}

TEST_F(RenewalCheckTest, AWindowInThePastRenewsNow) {
  // The CA wants the certificate replaced (revocation, incident) long
  // before the expiry rule would.
  answer_ = Window("2026-12-20T00:00:00Z", "2026-12-20T00:30:00Z");
  uniform_ = 0.99;
  RenewalCheck c = Decide();
  EXPECT_TRUE(c.due);
  EXPECT_EQ(c.reason.rfind("renewal time 2026-12-20T00:29", 0), 0u) << c.reason;
}

TEST_F(RenewalCheckTest, TheCacheIsUsedUntilRetryAfter) {
  answer_ = Window("2027-02-01T00:00:00Z", "2027-02-03T00:00:00Z", 7200s);
  RenewalCheck first = Decide();
  ASSERT_EQ(fetches_, 1);
  env_.now += 1h;
  RenewalCheck cached = Decide(first.ari);
  EXPECT_EQ(fetches_, 1) << "asked again before Retry-After";
  EXPECT_EQ(cached.basis, "ari-cached");
  EXPECT_FALSE(cached.state_changed);
  EXPECT_EQ(cached.renew_at, first.renew_at);
  env_.refresh = true;  // as renew asks
  Decide(first.ari);
  EXPECT_EQ(fetches_, 2) << "refresh did not ask";
  env_.refresh = false;
  env_.now += 1h;  // Retry-After has passed
  uniform_ = 0.9;  // a re-roll would move renew_at
  RenewalCheck again = Decide(first.ari);
  EXPECT_EQ(fetches_, 3);
  EXPECT_EQ(again.basis, "ari");
  EXPECT_EQ(again.renew_at, first.renew_at) << "the same window keeps its chosen time";
  // A moved window is drawn from again.
  answer_ = Window("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z");
  env_.now += 7h;  // no Retry-After last time: 6 hours
  RenewalCheck moved = Decide(again.ari);
  EXPECT_EQ(fetches_, 4);
  EXPECT_TRUE(moved.due);
}

TEST_F(RenewalCheckTest, RetryAfterIsClamped) {
  EXPECT_EQ(NextRenewalInfoPoll(env_.now, 1s), env_.now + 60s);
  EXPECT_EQ(NextRenewalInfoPoll(env_.now, 30 * 24h), env_.now + 24h);
  EXPECT_EQ(NextRenewalInfoPoll(env_.now, std::nullopt), env_.now + 6h);
}

TEST_F(RenewalCheckTest, TheCacheOfAnotherCertificateIsIgnored) {
  AriState old{"other.AQ", At("2026-01-01T00:00:00Z"), At("2026-01-02T00:00:00Z"),
               At("2026-01-01T00:00:00Z"), env_.now + 24h, ""};
  answer_ = Window("2027-02-01T00:00:00Z", "2027-02-03T00:00:00Z");
  RenewalCheck c = Decide(old);
  EXPECT_EQ(fetches_, 1);
  EXPECT_FALSE(c.due);
}

TEST_F(RenewalCheckTest, WithoutAriTheExpiryRuleApplies) {
  // No renewalInfo in the directory: a third of 90 days left is
  // 2027-02-02T23:58:38Z.
  RenewalCheck c = Decide();
  EXPECT_EQ(c.basis, "expiry");
  EXPECT_FALSE(c.due);
  EXPECT_EQ(c.fallback_reason, "the CA offers no renewal information");
  EXPECT_EQ(c.renew_at, At("2027-02-02T23:58:38Z") + std::chrono::system_clock::duration(1));
  env_.now = At("2027-02-03T00:00:00Z");
  EXPECT_TRUE(Decide().due);
  // renew_before_expiry from the conf.
  env_.now = At("2027-02-20T00:00:00Z");
  EXPECT_FALSE(Decide(std::nullopt, "10 days").due);
}

TEST_F(RenewalCheckTest, AFailedLookupFallsBackToTheExpiryRule) {
  fail_ = true;
  env_.now = At("2027-02-10T00:00:00Z");
  RenewalCheck c = Decide();
  EXPECT_EQ(c.basis, "expiry");
  EXPECT_TRUE(c.due);
  EXPECT_NE(c.fallback_reason.find("connection refused"), std::string::npos);
}

TEST_F(RenewalCheckTest, TheStateFileRoundTrips) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("ari_state_" + crypto::HexEncode(crypto::RandomBytes(6)));
  StoreLayout layout(dir);
  AriState s{kCertId, At("2027-02-01T00:00:00Z"), At("2027-02-03T00:00:00Z"),
             At("2027-02-01T12:00:00Z"), At("2027-01-01T06:00:00Z"), "https://ca.example/why"};
  ASSERT_TRUE(SaveAriState(AriStatePath(layout, "a.example"), s).ok());
  EXPECT_EQ(AriStatePath(layout, "a.example"), dir / "ari" / "a.example.json");
  auto loaded = LoadAriState(AriStatePath(layout, "a.example"));
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->cert_id, s.cert_id);
  EXPECT_EQ(loaded->renew_at, s.renew_at);
  EXPECT_EQ(loaded->next_poll, s.next_poll);
  EXPECT_EQ(loaded->explanation_url, s.explanation_url);
  EXPECT_FALSE(LoadAriState(dir / "ari" / "missing.json"));
  std::filesystem::remove_all(dir);
}

TEST(RenewalInfoParse, RejectsWindowsRfc9773CallsInvalid) {
  auto parse = [](const char* text) {
    return ParseRenewalInfo(boost::json::parse(text).as_object(), "https://ca/ri/X");
  };
  auto ok = parse(R"({"suggestedWindow": {"start": "2027-02-01T00:00:00Z",
                      "end": "2027-02-03T00:00:00Z"}, "explanationURL": "https://ca/why"})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->explanation_url, "https://ca/why");
  for (const char* bad :
       {R"({})", R"({"suggestedWindow": {"start": "2027-02-01T00:00:00Z"}})",
        R"({"suggestedWindow": {"start": "yesterday", "end": "2027-02-03T00:00:00Z"}})",
        R"({"suggestedWindow": {"start": "2027-02-03T00:00:00Z", "end": "2027-02-03T00:00:00Z"}})"}) {
    auto r = parse(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kServerInternal);
    EXPECT_EQ(r.error().detail.rfind("the renewal information at https://ca/ri/X is invalid: ", 0),
              0u)
        << r.error().detail;
  }
}

TEST(Rfc3339, ParsesAndFormats) {
  EXPECT_EQ(FormatRfc3339Time(At("2025-01-02T03:04:05Z")), "2025-01-02T03:04:05Z");
  EXPECT_EQ(At("2025-01-02T05:04:05.123+02:00"), At("2025-01-02T03:04:05Z"));
  for (const char* bad : {"", "2025-01-02", "2025-01-02T03:04:05", "2025-13-02T03:04:05Z",
                          "2025-01-02T03:04:05Zjunk"})
    EXPECT_FALSE(ParseRfc3339Time(bad)) << bad;
}

// Found by renewal_info_fuzz (UBSan: signed overflow converting to
// nanoseconds): years system_clock cannot hold are refused, not wrapped.
TEST(Rfc3339, TimesSystemClockCannotHoldAreRefused) {
  for (const char* far : {"4052-12-01T00:00:00Z", "9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z",
                          "1677-01-01T00:00:00Z", "2262-06-01T00:00:00Z"})
    EXPECT_FALSE(ParseRfc3339Time(far)) << far;
  EXPECT_EQ(FormatRfc3339Time(At("2261-12-31T23:59:59Z")), "2261-12-31T23:59:59Z");
  EXPECT_EQ(FormatRfc3339Time(At("1700-01-01T00:00:00Z")), "1700-01-01T00:00:00Z");
}

}  // namespace
}  // namespace signet::client
