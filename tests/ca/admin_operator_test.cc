// Issue 19, operators: the logic behind `signetd admin pause|unpause|paused`,
// `block-key`, `accounts`, `certificates` and `counts`, on a CA that issued
// real certificates; each command's refusals change nothing.
#include "acme_fixture.h"
#include "ca/ra/admin.h"
#include "ca/ra/admin_block_key.h"
#include "ca/ra/admin_pausing.h"
#include "ca/ra/admin_queries.h"
#include "ca/ra/revocation.h"
#include "jose/jwk.h"
#include "pki/certificate.h"
#include "storage/admin_query_builders.h"

namespace signet::testing {
namespace {

namespace json = boost::json;

class AdminOperatorTest : public AcmeTest {
 protected:
  void SetUp() override {
    AcmeTest::SetUp();
    Register();
    account_id_ = kid_.substr(kid_.rfind('/') + 1);
  }
  // Issues for `names`; returns (serial, certificate PEM, certificate key).
  struct Issued {
    std::string serial;
    std::string pem;
    crypto::Key key;
  };
  Issued Issue(const std::vector<std::string>& names) {
    auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    std::string pem;
    Reply done = IssueWithCsr(names, MakeCsr(*key, names), {}, &pem);
    EXPECT_EQ(Str(done.json, "status"), "valid") << done.body;
    auto chain = pki::CertChainFromPem(pem);
    return {chain.ok() && !chain->empty() ? pki::SerialHex((*chain)[0].get()) : "", pem, *key};
  }
  bool Blocked(const std::string& id) {
    auto b = ca_->store->IsKeyBlocked(id);
    return b.ok() && *b;
  }
  std::string account_id_;
};

TEST(AdminIdentifierArg, NormalisesAndRefuses) {
  auto dns = ca::ParseIdentifierArg("dns:Zombie.Example.TEST");
  ASSERT_TRUE(dns.ok());
  EXPECT_EQ(*dns, (acme::Identifier{"dns", "zombie.example.test"}));
  EXPECT_EQ(*ca::ParseIdentifierArg("dns:*.zombie.example.test"),
            (acme::Identifier{"dns", "zombie.example.test"}))
      << "a wildcard's pause is its base name's";
  EXPECT_EQ(*ca::ParseIdentifierArg("ip:127.0.0.1"), (acme::Identifier{"ip", "127.0.0.1"}));
  for (const char* bad : {"zombie.example.test", "smtp:x.example.test", "dns:", "dns:bad_name.test",
                          ":x.example.test"}) {
    auto r = ca::ParseIdentifierArg(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kMalformed) << bad;
  }
}

TEST_F(AdminOperatorTest, PauseRefusesNewOrderUntilUnpause) {
  acme::Identifier id{"dns", "paused.example.test"};
  auto unknown = ca::AdminPause(*ca_->store, "no-such-account", id);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  auto none = ca_->store->ListPaused("", 10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty()) << "a refused pause writes nothing";

  auto paused = ca::AdminPause(*ca_->store, account_id_, id);
  ASSERT_TRUE(paused.ok());
  EXPECT_TRUE(*paused);
  auto again = ca::AdminPause(*ca_->store, account_id_, id);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again) << "already paused";
  Reply refused = NewOrder({"paused.example.test"});
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.Type(), "rateLimited");

  auto listed = ca::AdminListPaused(*ca_->store, account_id_, 10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].identifier, id);
  EXPECT_EQ(ca::AdminListPaused(*ca_->store, "", 0).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(ca::AdminListPaused(*ca_->store, "nobody", 10).error().code, ErrorCode::kNotFound);

  auto other =
      ca::AdminUnpause(*ca_->store, account_id_, acme::Identifier{"dns", "x.example.test"});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kNotFound);
  EXPECT_NE(other.error().detail.find("not paused for dns:x.example.test"), std::string::npos);
  EXPECT_EQ(ca::AdminUnpause(*ca_->store, "nobody", std::nullopt).error().code,
            ErrorCode::kNotFound);
  auto unpaused = ca::AdminUnpause(*ca_->store, account_id_, std::nullopt);
  ASSERT_TRUE(unpaused.ok());
  EXPECT_EQ(*unpaused, std::vector<acme::Identifier>{id});
  EXPECT_EQ(NewOrder({"paused.example.test"}).status, 201);
}

TEST_F(AdminOperatorTest, BlockKeyBySpkiHashAndByCertificate) {
  Issued cert = Issue({"blocked.example.test"});
  std::string id = ca::BlockedKeyId(cert.key);
  // Refusals first: nothing is blocked by them.
  for (const char* bad : {"", "abc", "zz9f", "0123456789abcdef"}) {
    auto r = ca::AdminBlockKeyBySpkiHash(*ca_->store, bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
  }
  auto garbage = ca::AdminBlockKeyByCertificate(*ca_->store, "not a certificate");
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().code, ErrorCode::kMalformed);
  EXPECT_FALSE(Blocked(id));

  auto blocked = ca::AdminBlockKeyByCertificate(*ca_->store, cert.pem);
  ASSERT_TRUE(blocked.ok()) << blocked.error().ToString();
  EXPECT_EQ(blocked->spki_sha256, id);
  EXPECT_EQ(blocked->serial, cert.serial);
  EXPECT_FALSE(blocked->already);
  EXPECT_TRUE(Blocked(id));
  Reply refused =
      IssueWithCsr({"blocked.example.test"}, MakeCsr(cert.key, {"blocked.example.test"}));
  EXPECT_EQ(refused.Type(), "badCSR");
  EXPECT_NE(Str(refused.json, "detail").find("blocked"), std::string::npos);
  auto cert_record = ca_->store->GetCertificate(cert.serial);
  ASSERT_TRUE(cert_record.ok() && cert_record->has_value());
  EXPECT_FALSE((*cert_record)->revoked_at.has_value()) << "blocking revokes nothing";

  // By hash: any case, colons allowed; a second time says so.
  auto other = crypto::Key::Generate(crypto::KeyType::kEcP256);
  std::string other_id = ca::BlockedKeyId(*other);
  std::string typed;
  for (size_t i = 0; i < other_id.size(); ++i)
    typed += std::string(i && i % 2 == 0 ? ":" : "") + char(std::toupper(other_id[i]));
  auto by_hash = ca::AdminBlockKeyBySpkiHash(*ca_->store, typed);
  ASSERT_TRUE(by_hash.ok()) << by_hash.error().ToString();
  EXPECT_EQ(by_hash->spki_sha256, other_id);
  EXPECT_TRUE(Blocked(other_id));
  EXPECT_TRUE(ca::AdminBlockKeyBySpkiHash(*ca_->store, other_id)->already);
  // A blocked key cannot be an account key either.
  json::value payload = json::object{{"termsOfServiceAgreed", true}};
  Reply account = Post(kBase + "/acme/new-acct", &payload, *other, "");
  EXPECT_EQ(account.Type(), "badPublicKey");
}

TEST_F(AdminOperatorTest, AccountsByIdContactThumbprintWithPages) {
  crypto::Key second = *crypto::Key::Generate(crypto::KeyType::kEcP256);
  json::value payload = json::object{{"termsOfServiceAgreed", true},
                                     {"contact", json::array{"mailto:second@other.test"}}};
  ASSERT_EQ(Post(kBase + "/acme/new-acct", &payload, second, "").status, 201);
  auto& store = *ca_->store;
  auto all = ca::AdminFindAccounts(store, {});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->items.size(), 2u);
  EXPECT_FALSE(all->more);
  auto by_contact = ca::AdminFindAccounts(store, storage::Accounts().Contact("OPS@example"));
  ASSERT_TRUE(by_contact.ok());
  ASSERT_EQ(by_contact->items.size(), 1u);
  EXPECT_EQ(by_contact->items[0].id, account_id_);
  auto by_tp =
      ca::AdminFindAccounts(store, storage::Accounts().Thumbprint(jose::Thumbprint(second)));
  ASSERT_TRUE(by_tp.ok());
  ASSERT_EQ(by_tp->items.size(), 1u);
  EXPECT_EQ(by_tp->items[0].contacts, std::vector<std::string>{"mailto:second@other.test"});
  auto by_id = ca::AdminFindAccounts(store, storage::Accounts().Id(account_id_));
  ASSERT_TRUE(by_id.ok());
  ASSERT_EQ(by_id->items.size(), 1u);
  auto first_page = ca::AdminFindAccounts(store, storage::Accounts().Limit(1));
  ASSERT_TRUE(first_page.ok());
  ASSERT_EQ(first_page->items.size(), 1u);
  EXPECT_TRUE(first_page->more);
  auto second_page =
      ca::AdminFindAccounts(store, storage::Accounts().After(first_page->items[0].id).Limit(1));
  ASSERT_TRUE(second_page.ok());
  ASSERT_EQ(second_page->items.size(), 1u);
  EXPECT_FALSE(second_page->more);
  EXPECT_NE(second_page->items[0].id, first_page->items[0].id);
  EXPECT_EQ(ca::AdminFindAccounts(store, storage::Accounts().Limit(0)).error().code,
            ErrorCode::kMalformed);
  EXPECT_EQ(ca::AdminFindAccounts(store, storage::Accounts().After("nobody")).error().code,
            ErrorCode::kNotFound);
}

TEST_F(AdminOperatorTest, CertificatesBySerialNameAccountAndCounts) {
  Issued a = Issue({"list-a.example.test", "www.list-a.example.test"});
  Issued b = Issue({"list-b.example.test"});
  auto& store = *ca_->store;
  std::string typed;  // upper case with colons, as openssl prints serials
  for (size_t i = 0; i < a.serial.size(); ++i)
    typed += std::string(i && i % 2 == 0 ? ":" : "") + char(std::toupper(a.serial[i]));
  auto by_serial = ca::AdminFindCertificates(store, storage::Certificates().Serial(typed));
  ASSERT_TRUE(by_serial.ok()) << by_serial.error().ToString();
  ASSERT_EQ(by_serial->items.size(), 1u);
  EXPECT_EQ(by_serial->items[0].identifiers.size(), 2u);
  EXPECT_EQ(by_serial->items[0].account_id, account_id_);
  auto by_name =
      ca::AdminFindCertificates(store, storage::Certificates().Name("WWW.List-A.example.test"));
  ASSERT_TRUE(by_name.ok());
  ASSERT_EQ(by_name->items.size(), 1u);
  EXPECT_EQ(by_name->items[0].serial, a.serial);
  auto by_account = ca::AdminFindCertificates(store, storage::Certificates().Account(account_id_));
  ASSERT_TRUE(by_account.ok());
  EXPECT_EQ(by_account->items.size(), 2u);
  auto paged = ca::AdminFindCertificates(store, storage::Certificates().Limit(1));
  ASSERT_TRUE(paged.ok());
  EXPECT_TRUE(paged->more);
  EXPECT_EQ(ca::AdminFindCertificates(store, storage::Certificates().Serial("xyz")).error().code,
            ErrorCode::kMalformed);
  EXPECT_EQ(
      ca::AdminFindCertificates(store, storage::Certificates().Account("nobody")).error().code,
      ErrorCode::kNotFound);
  EXPECT_EQ(ca::AdminFindCertificates(store, storage::Certificates().After("abcdef")).error().code,
            ErrorCode::kNotFound);

  ASSERT_TRUE(ca::AdminRevoke(store, b.serial, 4).ok());
  ASSERT_TRUE(ca::AdminPause(store, account_id_, {"dns", "p.example.test"}).ok());
  ASSERT_EQ(NewOrder({"pending.example.test"}).status, 201);
  auto c = ca::AdminCounts(store, acme::Clock::now());
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->accounts_valid, 1);
  EXPECT_EQ(c->orders_valid, 2);
  EXPECT_EQ(c->orders_pending, 1);
  EXPECT_EQ(c->certificates_valid, 1);
  EXPECT_EQ(c->certificates_revoked, 1);
  EXPECT_EQ(c->certificates_expired, 0);
  EXPECT_EQ(c->authorizations_pending, 1);
  EXPECT_EQ(c->paused_pairs, 1);
  auto later = ca::AdminCounts(store, acme::Clock::now() + std::chrono::hours(24 * 400));
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->certificates_expired, 1) << "the unrevoked one, a year and more later";
  EXPECT_EQ(later->authorizations_pending, 0);
}

}  // namespace
}  // namespace signet::testing
