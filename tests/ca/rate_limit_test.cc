// Issue 19, rate limits: each of the seven limits refuses through the front
// end with rateLimited (429), Retry-After and a detail naming the limit, the
// key and when to retry; renewals are exempt as Let's Encrypt exempts them.
#include "acme_fixture.h"
#include "base/base64url.h"
#include "jose/jwk.h"
#include "pki/ari_cert_id.h"
#include "pki/certificate.h"

namespace signet::testing {
namespace {
namespace json = boost::json;
namespace rl = ca::ratelimit;
using std::chrono::hours;

class RateLimitTest : public AcmeTest {
 protected:
  CaOptions Options() const override {
    CaOptions o;
    o.rate_limits = limits_;
    return o;
  }
  // Set before SetUp (the constructor of each test's fixture).
  void Limit(rl::LimitName name, int64_t count, std::chrono::seconds period) {
    limits_.Set(name, {count, period});
  }
  // A new account (a fresh key) from `address`.
  Reply NewAccountFrom(const std::string& address) {
    client_address_ = address;
    auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    json::value payload = json::object{{"termsOfServiceAgreed", true}};
    return Post(kBase + "/acme/new-acct", &payload, *key, "");
  }
  // The certificate for `names`, through the whole flow; its ARI CertID.
  std::string Issue(const std::vector<std::string>& names, const json::object& extra = {}) {
    auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    std::string pem;
    Reply done = IssueWithCsr(names, MakeCsr(*key, names), extra, &pem);
    EXPECT_EQ(Str(done.json, "status"), "valid") << done.body;
    auto chain = pki::CertChainFromPem(pem);
    if (!chain.ok() || chain->empty()) return "";
    return pki::AriCertIdOf((*chain)[0].get());
  }
  std::string AccountId() const { return kid_.substr(kid_.rfind('/') + 1); }

  rl::Limits limits_ = rl::Limits::LetsEncryptDefaults();
};

// The refusal as a client sees it: the problem type, 429, a Retry-After of
// at least a second, and a detail naming the limit, what it counted and the
// time to retry (RFC 3339).
void ExpectRateLimited(const Reply& r, const std::string& limit, const std::string& key) {
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(r.Type(), "rateLimited") << r.body;
  std::string retry_after = r.Header("Retry-After");
  ASSERT_FALSE(retry_after.empty()) << "no Retry-After";
  EXPECT_GE(std::stoll(retry_after), 1);
  const std::string detail = Str(r.json, "detail");
  EXPECT_NE(detail.find("(limit " + limit + ")"), std::string::npos) << detail;
  EXPECT_NE(detail.find(key), std::string::npos) << detail;
  EXPECT_NE(detail.find(": retry after 20"), std::string::npos) << detail;
  EXPECT_EQ(detail.back(), ')') << detail;
}

class PerIpTest : public RateLimitTest {
 protected:
  void SetUp() override {
    Limit(rl::LimitName::kNewRegistrationsPerIp, 2, hours(3));
    Limit(rl::LimitName::kNewRegistrationsPerIpv6Range, 2, hours(3));
    AcmeTest::SetUp();
  }
};

TEST_F(PerIpTest, NewRegistrationsPerIp) {
  EXPECT_EQ(NewAccountFrom("192.0.2.7").status, 201);
  EXPECT_EQ(NewAccountFrom("192.0.2.7").status, 201);
  Reply refused = NewAccountFrom("192.0.2.7");
  ExpectRateLimited(refused, "new_registrations_per_ip", "from IP address 192.0.2.7");
  EXPECT_NE(Str(refused.json, "detail").find("too many new accounts (2 per 3h0m0s)"),
            std::string::npos);
  EXPECT_EQ(std::stoll(refused.Header("Retry-After")), 90 * 60);  // one each 90 minutes
  EXPECT_EQ(NewAccountFrom("192.0.2.8").status, 201);  // another address
}

TEST_F(PerIpTest, NewRegistrationsPerIpv6Range) {
  EXPECT_EQ(NewAccountFrom("2001:db8:1:1::1").status, 201);
  EXPECT_EQ(NewAccountFrom("2001:db8:1:2::1").status, 201);
  ExpectRateLimited(NewAccountFrom("2001:db8:1:3::1"), "new_registrations_per_ipv6_range",
                    "from IPv6 range 2001:db8:1::/48");
  EXPECT_EQ(NewAccountFrom("2001:db8:2::1").status, 201);  // another /48
}

// A newAccount that fails after its limits were spent (here: the key is
// already an account's, as when two newAccounts race with one key) gives
// them back.
TEST_F(PerIpTest, AFailedNewAccountGivesItsRegistrationBack) {
  client_address_ = "192.0.2.50";
  Register();
  auto failed = ca_->ra->NewAccount(json::serialize(jose::PublicJwk(key_)),
                                    jose::Thumbprint(key_), {}, true, nullptr, "192.0.2.60");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(NewAccountFrom("192.0.2.60").status, 201);
  EXPECT_EQ(NewAccountFrom("192.0.2.60").status, 201);  // the limit is 2
  EXPECT_EQ(NewAccountFrom("192.0.2.60").status, 429);
}

class NewOrdersTest : public RateLimitTest {
 protected:
  void SetUp() override {
    Limit(rl::LimitName::kNewOrdersPerAccount, 2, hours(3));
    AcmeTest::SetUp();
    Register();
  }
};

TEST_F(NewOrdersTest, NewOrdersPerAccount) {
  EXPECT_EQ(NewOrder({"a.orders.test"}).status, 201);
  EXPECT_EQ(NewOrder({"b.orders.test"}).status, 201);
  ExpectRateLimited(NewOrder({"c.orders.test"}), "new_orders_per_account",
                    "too many new orders (2 per 3h0m0s) for account " + AccountId());
}

// Renewals (the exact names of a certificate the account holds) do not
// count against new orders nor certificates per domain; other orders do.
TEST_F(NewOrdersTest, RenewalsAreExemptFromNewOrdersAndCertificatesPerDomain) {
  ca_->rate_limiter->Reload([] {
    rl::Limits l = rl::Limits::LetsEncryptDefaults();
    l.Set(rl::LimitName::kNewOrdersPerAccount, {1, hours(3)});
    l.Set(rl::LimitName::kCertificatesPerDomain, {1, hours(168)});
    return l;
  }());
  Issue({"www.renew.test", "renew.test"});
  Issue({"renew.test", "www.renew.test"});  // the same set, in another order
  Issue({"renew.test", "www.renew.test"});
  // Not renewals: a new name under the domain, and a name elsewhere.
  ExpectRateLimited(NewOrder({"other.renew.test"}), "certificates_per_domain", "renew.test");
  ExpectRateLimited(NewOrder({"other.elsewhere.test"}), "new_orders_per_account", AccountId());
}

class PendingTest : public RateLimitTest {
 protected:
  void SetUp() override {
    Limit(rl::LimitName::kPendingAuthorizationsPerAccount, 3, hours(168));
    AcmeTest::SetUp();
    Register();
  }
};

// Each new authorization counts while pending; validating gives it back.
TEST_F(PendingTest, PendingAuthorizationsPerAccount) {
  Reply first = NewOrder({"a.pending.test", "b.pending.test"});
  ASSERT_EQ(first.status, 201) << first.body;
  ExpectRateLimited(NewOrder({"c.pending.test", "d.pending.test"}),
                    "pending_authorizations_per_account", "for account " + AccountId());
  Authorize(first.json);
  EXPECT_EQ(NewOrder({"c.pending.test", "d.pending.test"}).status, 201);
}

class FailedAuthzTest : public RateLimitTest {
 protected:
  void SetUp() override {
    Limit(rl::LimitName::kFailedAuthorizationsPerIdentifierPerAccount, 1, hours(1));
    AcmeTest::SetUp();
    Register();
  }
};

TEST_F(FailedAuthzTest, FailedAuthorizationsPerIdentifierPerAccount) {
  Reply order = NewOrder({"fail.test"});
  ASSERT_EQ(order.status, 201) << order.body;
  auto authzs = Authorize(order.json, /*serve=*/false);
  ASSERT_EQ(Str(authzs[0], "status"), "invalid");
  ExpectRateLimited(NewOrder({"fail.test"}), "failed_authorizations_per_identifier_per_account",
                    "for dns identifier fail.test by account " + AccountId());
  EXPECT_EQ(NewOrder({"ok.fail2.test"}).status, 201);  // another identifier
}

class IssuanceLimitsTest : public RateLimitTest {
 protected:
  void SetUp() override {
    Limit(rl::LimitName::kCertificatesPerDomain, 1, hours(168));
    Limit(rl::LimitName::kCertificatesPerExactSet, 1, hours(168));
    AcmeTest::SetUp();
    Register();
  }
};

TEST_F(IssuanceLimitsTest, CertificatesPerDomain) {
  Issue({"a.example.test"});
  ExpectRateLimited(NewOrder({"b.example.test"}), "certificates_per_domain",
                    "too many certificates issued (1 per 168h0m0s) for registered domain "
                    "example.test");
  EXPECT_EQ(NewOrder({"b.example2.test"}).status, 201);
}

// A same-set renewal is still a duplicate certificate; an ARI renewal
// (RFC 9773 "replaces") is exempt from every limit.
TEST_F(IssuanceLimitsTest, CertificatesPerExactSetAndTheAriExemption) {
  std::string cert_id = Issue({"dup.test"});
  ExpectRateLimited(NewOrder({"dup.test"}), "certificates_per_exact_set",
                    "for the exact set of identifiers [dup.test]");
  Issue({"dup.test"}, json::object{{"replaces", cert_id}});
}

}  // namespace
}  // namespace signet::testing
