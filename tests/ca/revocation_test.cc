// RFC 8555 7.6: who may revoke, with which reasons, and only once.
#include <atomic>
#include <mutex>
#include <thread>

#include <openssl/x509v3.h>

#include "acme_fixture.h"
#include "base/base64url.h"
#include "ca/va/dns01.h"
#include "pki/certificate.h"

namespace signet::testing {
namespace {
namespace json = boost::json;

class RevocationTest : public AcmeTest {
 protected:
  void SetUp() override {
    AcmeTest::SetUp();
    Register();
  }
  // Issues a certificate for `names` to the current account; returns its DER
  // and the certificate key.
  std::pair<std::string, crypto::Key> Issue(const std::vector<std::string>& names) {
    Reply order = NewOrder(names);
    Authorize(order.json);
    auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    EXPECT_TRUE(key.ok());
    Reply done = PostJson(Str(order.json, "finalize"),
                          json::object{{"csr", Base64UrlEncode(MakeCsr(*key, names))}});
    Reply pem = PostAsGet(Str(done.json, "certificate"));
    auto chain = pki::CertChainFromPem(pem.body);
    EXPECT_TRUE(chain.ok() && !chain->empty());
    return {pki::CertToDer((*chain)[0].get()), *key};
  }
  Reply Revoke(const std::string& der, std::optional<int> reason, const crypto::Key& key,
               const std::string& kid) {
    json::object payload{{"certificate", Base64UrlEncode(der)}};
    if (reason) payload["reason"] = *reason;
    json::value v = payload;
    return Post(kBase + "/acme/revoke-cert", &v, key, kid);
  }
  // Issues a certificate under the shortlived profile (the one that takes IP
  // identifiers) for `dns` and `ips`, with those names in its CSR.
  std::string IssueShortlived(const std::vector<std::string>& dns, const std::vector<std::string>& ips) {
    json::array ids;
    std::string sans;
    for (const auto& n : dns) {
      ids.push_back(json::object{{"type", "dns"}, {"value", n}});
      sans += (sans.empty() ? "DNS:" : ",DNS:") + n;
    }
    for (const auto& ip : ips) {
      ids.push_back(json::object{{"type", "ip"}, {"value", ip}});
      sans += (sans.empty() ? "IP:" : ",IP:") + ip;
    }
    Reply order = PostJson(kBase + "/acme/new-order",
                           json::object{{"identifiers", ids}, {"profile", "shortlived"}});
    EXPECT_EQ(order.status, 201) << order.body;
    Authorize(order.json);
    auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    EXPECT_TRUE(key.ok());
    Reply done = PostJson(Str(order.json, "finalize"),
                          json::object{{"csr", Base64UrlEncode(CsrWithSans(*key, sans))}});
    EXPECT_EQ(Str(done.json, "status"), "valid") << done.body;
    auto chain = pki::CertChainFromPem(PostAsGet(Str(done.json, "certificate")).body);
    EXPECT_TRUE(chain.ok() && !chain->empty());
    return pki::CertToDer((*chain)[0].get());
  }
  static std::string CsrWithSans(const crypto::Key& key, const std::string& sans) {
    crypto::X509ReqPtr req(X509_REQ_new());
    X509_REQ_set_pubkey(req.get(), key.get());
    crypto::ExtStackPtr exts(sk_X509_EXTENSION_new_null());
    sk_X509_EXTENSION_push(exts.get(),
                           X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, sans.c_str()));
    X509_REQ_add_extensions(req.get(), exts.get());
    X509_REQ_sign(req.get(), key.get(), EVP_sha256());
    std::string der(size_t(i2d_X509_REQ(req.get(), nullptr)), '\0');
    auto* out = reinterpret_cast<unsigned char*>(der.data());
    i2d_X509_REQ(req.get(), &out);
    return der;
  }
  // Valid authorizations for the current account, through an order under
  // the shortlived profile.
  void AuthorizeShortlived(const json::array& ids) {
    Reply order = PostJson(kBase + "/acme/new-order",
                           json::object{{"identifiers", ids}, {"profile", "shortlived"}});
    ASSERT_EQ(order.status, 201) << order.body;
    for (const auto& authz : Authorize(order.json)) EXPECT_EQ(Str(authz, "status"), "valid");
  }
  // Answers the dns-01 challenge of each authorization of `order` (the only
  // way to a wildcard's authorization) and waits for them to be valid.
  void AuthorizeByDns01(const json::object& order) {
    for (const auto& url : order.at("authorizations").as_array()) {
      std::string authz_url(url.as_string());
      Reply authz = PostAsGet(authz_url);
      for (const auto& c : authz.json.at("challenges").as_array()) {
        if (Str(c.as_object(), "type") != "dns-01") continue;
        std::string name = Str(authz.json.at("identifier").as_object(), "value");
        ca_->resolver.AddTxt("_acme-challenge." + name,
                             {va::Dns01TxtValue(KeyAuthorization(Str(c.as_object(), "token")))});
        ASSERT_EQ(PostJson(Str(c.as_object(), "url"), json::object{}).status, 200);
      }
      EXPECT_EQ(Str(WaitForAuthz(authz_url).json, "status"), "valid");
    }
  }
  void SwitchToNewAccount() {
    auto other = crypto::Key::Generate(crypto::KeyType::kEcP256);
    ASSERT_TRUE(other.ok());
    key_ = *other;
    Register();
  }
};

TEST_F(RevocationTest, HolderRevokesOnceThenAlreadyRevoked) {
  auto [der, cert_key] = Issue({"rev.example.test"});
  Reply r = Revoke(der, 4, key_, kid_);
  EXPECT_EQ(r.status, 200) << r.body;
  Reply again = Revoke(der, 4, key_, kid_);
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(again.Type(), "alreadyRevoked");
}

// The RA's events (what signetd's metrics count): one http-01 validation
// that succeeded, one issuance, one revocation; a refused revocation is
// not counted.
TEST_F(RevocationTest, TheRaReportsValidationIssuanceAndRevocationEvents) {
  std::mutex mu;
  std::vector<std::string> validated;
  std::atomic<int> issued{0}, revoked{0};
  ca::RegistrationAuthority::Events events;
  events.validated = [&](const std::string& type, bool valid) {
    std::lock_guard lock(mu);
    validated.push_back(type + (valid ? " valid" : " invalid"));
  };
  events.issued = [&] { ++issued; };
  events.revoked = [&] { ++revoked; };
  ca_->ra->SetEvents(events);
  auto [der, cert_key] = Issue({"events.example.test"});
  EXPECT_EQ(issued.load(), 1);
  ASSERT_EQ(Revoke(der, 4, key_, kid_).status, 200);
  ASSERT_EQ(Revoke(der, 4, key_, kid_).Type(), "alreadyRevoked");
  EXPECT_EQ(revoked.load(), 1);
  // The event follows the stored outcome on the worker: wait for it briefly.
  for (int i = 0; i < 100; ++i) {
    {
      std::lock_guard lock(mu);
      if (!validated.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::lock_guard lock(mu);
  EXPECT_EQ(validated, std::vector<std::string>{"http-01 valid"});
}

TEST_F(RevocationTest, UnsupportedReasonsAreRefused) {
  auto [der, cert_key] = Issue({"reason.example.test"});
  for (int bad : {2, 6, 7, 8, 9, 10, -1}) EXPECT_EQ(Revoke(der, bad, key_, kid_).Type(), "badRevocationReason") << bad;
  EXPECT_EQ(Revoke(der, std::nullopt, key_, kid_).status, 200) << "no reason means unspecified";
}

TEST_F(RevocationTest, AnotherAccountNeedsAuthorizationsForEveryName) {
  auto [der, cert_key] = Issue({"a.rev.example.test", "b.rev.example.test"});
  SwitchToNewAccount();
  Reply refused = Revoke(der, 0, key_, kid_);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.Type(), "unauthorized");
  Reply order = NewOrder({"a.rev.example.test"});
  Authorize(order.json);
  EXPECT_EQ(Revoke(der, 0, key_, kid_).Type(), "unauthorized") << "one name is not enough";
  Reply both = NewOrder({"b.rev.example.test"});
  Authorize(both.json);
  EXPECT_EQ(Revoke(der, 0, key_, kid_).status, 200);
}

// An IP-only certificate: no DNS name to check must not mean nothing to check.
TEST_F(RevocationTest, AnotherAccountNeedsTheIpAuthorizationForAnIpOnlyCertificate) {
  std::string der = IssueShortlived({}, {"127.0.0.1"});
  SwitchToNewAccount();
  Reply refused = Revoke(der, 0, key_, kid_);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(refused.Type(), "unauthorized");
  EXPECT_NE(Str(refused.json, "detail").find("ip identifier \"127.0.0.1\""), std::string::npos)
      << refused.body;
  AuthorizeShortlived(json::array{json::object{{"type", "ip"}, {"value", "127.0.0.1"}}});
  Reply revoked = Revoke(der, 0, key_, kid_);
  EXPECT_EQ(revoked.status, 200) << revoked.body;
}

TEST_F(RevocationTest, AnotherAccountNeedsTheIpAuthorizationBesidesTheDnsOnes) {
  std::string der = IssueShortlived({"mixed.rev.example.test"}, {"127.0.0.1"});
  SwitchToNewAccount();
  AuthorizeShortlived(json::array{json::object{{"type", "dns"}, {"value", "mixed.rev.example.test"}}});
  Reply refused = Revoke(der, 0, key_, kid_);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(refused.Type(), "unauthorized");
  EXPECT_NE(Str(refused.json, "detail").find("\"127.0.0.1\""), std::string::npos) << refused.body;
  AuthorizeShortlived(json::array{json::object{{"type", "ip"}, {"value", "127.0.0.1"}}});
  Reply revoked = Revoke(der, 0, key_, kid_);
  EXPECT_EQ(revoked.status, 200) << revoked.body;
}

// A wildcard takes the wildcard authorization of its base name, as issuing
// it did: HTTP-01 for the base name proves no control of the names under it.
TEST_F(RevocationTest, AnotherAccountNeedsTheWildcardAuthorizationForAWildcard) {
  std::string location;
  Reply order = NewOrder({"*.wild.rev.example.test"}, &location);
  AuthorizeByDns01(order.json);
  auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(key.ok());
  Reply done = PostJson(Str(order.json, "finalize"),
                        json::object{{"csr", Base64UrlEncode(MakeCsr(*key, {"*.wild.rev.example.test"}))}});
  ASSERT_EQ(Str(done.json, "status"), "valid") << done.body;
  auto chain = pki::CertChainFromPem(PostAsGet(Str(done.json, "certificate")).body);
  ASSERT_TRUE(chain.ok() && !chain->empty());
  std::string der = pki::CertToDer((*chain)[0].get());

  SwitchToNewAccount();
  Authorize(NewOrder({"wild.rev.example.test"}).json);
  Reply refused = Revoke(der, 0, key_, kid_);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(refused.Type(), "unauthorized");
  EXPECT_NE(Str(refused.json, "detail").find("\"*.wild.rev.example.test\""), std::string::npos)
      << refused.body;
  AuthorizeByDns01(NewOrder({"*.wild.rev.example.test"}).json);
  Reply revoked = Revoke(der, 0, key_, kid_);
  EXPECT_EQ(revoked.status, 200) << revoked.body;
}

// Our CA never issues one, but a stored certificate without any name must
// not pass for one whose every name is covered.
TEST_F(RevocationTest, AnotherAccountMayNotRevokeACertificateWithoutNames) {
  auto [issued_der, cert_key] = Issue({"nosan.rev.example.test"});
  auto issued = pki::CertFromDer(issued_der);
  ASSERT_TRUE(issued.ok());
  auto record = ca_->store->GetCertificate(pki::SerialHex(issued->get()));
  ASSERT_TRUE(record.ok() && record->has_value());
  auto order = ca_->store->GetOrder((*record)->order_id);
  ASSERT_TRUE(order.ok() && order->has_value());
  // The same account's record, for a certificate with a subject and no SAN.
  crypto::X509Ptr bare(X509_new());
  X509_set_version(bare.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(bare.get()), 0x5a17);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(bare.get()), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("nosan.rev.example.test"), -1,
                             -1, 0);
  X509_set_issuer_name(bare.get(), X509_get_subject_name(bare.get()));
  X509_gmtime_adj(X509_getm_notBefore(bare.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(bare.get()), 3600);
  X509_set_pubkey(bare.get(), cert_key.get());
  ASSERT_GT(X509_sign(bare.get(), cert_key.get(), EVP_sha256()), 0);
  acme::CertificateRecord copy = **record;
  copy.serial = pki::SerialHex(bare.get());
  copy.der = pki::CertToDer(bare.get());
  ASSERT_TRUE(ca_->store->FinishIssuance(copy, **order).ok());

  SwitchToNewAccount();
  Reply order_b = NewOrder({"nosan.rev.example.test"});
  Authorize(order_b.json);
  Reply refused = Revoke(copy.der, 0, key_, kid_);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(refused.Type(), "unauthorized");
  EXPECT_NE(Str(refused.json, "detail").find("names no DNS name or IP address"), std::string::npos)
      << refused.body;
  EXPECT_EQ(Revoke(issued_der, 0, key_, kid_).status, 200) << "the authorization itself is fine";
}

TEST_F(RevocationTest, TheCertificateKeyMayRevokeAnotherKeyMayNot) {
  auto [der, cert_key] = Issue({"key.rev.example.test"});
  auto stranger = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(stranger.ok());
  EXPECT_EQ(Revoke(der, 1, *stranger, "").Type(), "unauthorized");
  EXPECT_EQ(Revoke(der, 1, cert_key, "").status, 200);
}

TEST_F(RevocationTest, UnknownCertificateIsNotFound) {
  auto [der, cert_key] = Issue({"unknown.rev.example.test"});
  std::string other = der;
  other[other.size() - 5] ^= 0x01;  // same serial, different bytes (signature)
  EXPECT_EQ(Revoke(other, 0, key_, kid_).status, 404);
  EXPECT_EQ(Revoke("garbage", 0, key_, kid_).Type(), "malformed");
}

}  // namespace
}  // namespace signet::testing
