#include "acme_fixture.h"

#include <chrono>
#include <thread>

#include "base/base64url.h"
#include "crypto/digest.h"
#include "crypto/ossl.h"
#include "jose/jwk.h"
#include "jose/jws.h"
#include "pki/certificate.h"

namespace signet::testing {
namespace json = boost::json;

std::string Str(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string Reply::Type() const {
  std::string t = Str(json, "type");
  const std::string prefix = "urn:ietf:params:acme:error:";
  return t.rfind(prefix, 0) == 0 ? t.substr(prefix.size()) : t;
}

ChallengeServer::ChallengeServer() {
  http::ServerConfig config;
  config.port = 0;
  config.threads = 1;
  server_ = std::make_unique<http::Server>(config, [this](const http::Request& req) {
    http::Response res;
    const std::string prefix = "/.well-known/acme-challenge/";
    std::string path(req.Path());
    std::lock_guard<std::mutex> lock(mu_);
    auto it = path.rfind(prefix, 0) == 0 ? files_.find(path.substr(prefix.size())) : files_.end();
    if (it == files_.end()) {
      res.status = 404;
      res.body = "not found";
    } else {
      res.status = it->second.first;
      res.body = it->second.second;
    }
    return res;
  });
  Status s = server_->Start();
  EXPECT_TRUE(s.ok());
}

void ChallengeServer::Set(const std::string& token, const std::string& body, int status) {
  std::lock_guard<std::mutex> lock(mu_);
  files_[token] = {status, body};
}

CaUnderTest::CaUnderTest(const std::filesystem::path& dir, uint16_t http01_port,
                         const CaOptions& options)
    : resolver({}, "127.0.0.1"), nonces(options.nonce_capacity) {
  auto h = pki::CaHierarchy::LoadOrCreate(dir);
  EXPECT_TRUE(h.ok()) << h.error().ToString();
  hierarchy = std::move(*h);
  if (options.shared_store) {
    db = options.shared_store;
  } else {
    auto s = storage::SqliteStore::Open((dir / "signetd.sqlite3").string());
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    store = std::move(*s);
    db = store.get();
  }
  if (options.rate_limits)
    rate_limiter = std::make_unique<ca::ratelimit::RateLimiter>(*db, *options.rate_limits);
  va::LocalVaConfig vc;
  vc.http01.http_port = http01_port;
  vc.http01.allow_loopback = true;
  vc.http01.total_timeout = std::chrono::seconds(3);
  vc.tlsalpn01.allow_loopback = true;
  vc.caa.ca_identities = {"signet.test"};
  va = std::make_unique<va::LocalValidationAuthority>(resolver, vc);
  ca::SignerConfig signer_config = options.signer;
  // As signetd sets it: a certificate without caIssuers fails the lint
  // e_aia_ca_issuers_missing (BR 7.1.2.7.7) and is not signed.
  if (signer_config.ca_issuers_url.empty())
    signer_config.ca_issuers_url = kBase + "/acme/issuer-cert";
  signer = std::make_unique<ca::Signer>(*hierarchy, signer_config);
  ca::RaConfig rc;
  rc.allow_test_names = true;
  rc.validation_workers = 2;
  rc.account_url_prefix = kBase + "/acme/acct/";
  rc.ocsp = options.ocsp;
  if (options.profiles) rc.profiles = *options.profiles;
  rc.external_account_required = options.eab_required;
  rc.rate_limiter = rate_limiter.get();
  if (options.tune_ra) options.tune_ra(rc);
  if (options.wrap_va) wrapped_va = options.wrap_va(*va);
  ra = std::make_unique<ca::RegistrationAuthority>(
      *db, *signer, wrapped_va ? *wrapped_va : static_cast<va::ValidationAuthority&>(*va), rc);
  EXPECT_TRUE(ra->Recover().ok());
  ca::WfeConfig wc;
  wc.issuer_der = pki::CertToDer(hierarchy->intermediate().cert.get());
  wc.issuer_chain_pem = hierarchy->IntermediatePem();
  if (hierarchy->cross_signed_intermediate())  // as signetd: only when the ceremony made one
    wc.alternate_issuer_chains = {hierarchy->CrossSignedIntermediatePem()};
  wc.external_account_required = options.eab_required;
  wc.caa_identities = vc.caa.ca_identities;  // as signetd: one list for both
  wfe = std::make_unique<ca::WebFrontEnd>(*ra, nonces, wc);
}

void AcmeTest::SetUp() {
  dir_ = std::filesystem::temp_directory_path() /
         ("signet-acme-" + crypto::HexEncode(crypto::RandomBytes(6)));
  challenges_ = std::make_unique<ChallengeServer>();
  ca_ = std::make_unique<CaUnderTest>(dir_, challenges_->port(), Options());
  auto k = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(k.ok());
  key_ = *k;
}

void AcmeTest::TearDown() {
  ca_.reset();
  challenges_.reset();
  std::filesystem::remove_all(dir_);
}

void AcmeTest::Restart() {
  ca_.reset();
  ca_ = std::make_unique<CaUnderTest>(dir_, challenges_->port(), Options());
}

Reply AcmeTest::Send(http::Request req) {
  req.host = kHost;
  req.tls = true;
  if (req.remote_address.empty()) req.remote_address = client_address_;
  Reply r;
  r.raw = ca_->wfe->Handle(req);
  r.status = r.raw.status;
  r.body = r.raw.body;
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  if (!ec && v.is_object()) r.json = v.get_object();
  return r;
}

std::string AcmeTest::Nonce() {
  Reply r = Send({"HEAD", "/acme/new-nonce", "", true, {}, ""});
  return r.Header("Replay-Nonce");
}

Reply AcmeTest::Post(const std::string& url, const json::value* payload, const crypto::Key& key,
                     const std::string& kid) {
  json::object header{{"nonce", Nonce()}, {"url", url}};
  if (kid.empty()) header["jwk"] = jose::PublicJwk(key);
  else header["kid"] = kid;
  auto body = jose::Sign(key, header, payload ? json::serialize(*payload) : std::string());
  EXPECT_TRUE(body.ok());
  http::Request req{"POST", url.substr(kBase.size()), "", true,
                    {{"Content-Type", "application/jose+json"}}, *body};
  return Send(std::move(req));
}

void AcmeTest::Register() {
  json::value payload = json::object{{"termsOfServiceAgreed", true},
                                     {"contact", json::array{"mailto:ops@example.com"}}};
  Reply r = Post(kBase + "/acme/new-acct", &payload, key_, "");
  ASSERT_EQ(r.status, 201) << r.body;
  kid_ = r.Header("Location");
  ASSERT_FALSE(kid_.empty());
}

Reply AcmeTest::NewOrder(const std::vector<std::string>& names, std::string* location) {
  json::array ids;
  for (const auto& n : names) ids.push_back(json::object{{"type", "dns"}, {"value", n}});
  Reply r = PostJson(kBase + "/acme/new-order", json::object{{"identifiers", ids}});
  if (location) *location = r.Header("Location");
  return r;
}

std::string AcmeTest::KeyAuthorization(const std::string& token) const {
  return token + "." + jose::Thumbprint(key_);
}

Reply AcmeTest::WaitForAuthz(const std::string& url) {
  Reply r;
  for (int i = 0; i < 200; ++i) {
    r = PostAsGet(url);
    if (Str(r.json, "status") != "pending") return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return r;
}

std::vector<json::object> AcmeTest::Authorize(const json::object& order, bool serve) {
  std::vector<json::object> out;
  for (const auto& a : order.at("authorizations").as_array()) {
    std::string url(a.as_string());
    Reply authz = PostAsGet(url);
    EXPECT_EQ(authz.status, 200) << authz.body;
    const json::object& chall = authz.json.at("challenges").as_array()[0].as_object();
    std::string token = Str(chall, "token");
    if (serve) challenges_->Set(token, KeyAuthorization(token));
    Reply started = PostJson(Str(chall, "url"), json::object{});
    EXPECT_EQ(started.status, 200) << started.body;
    out.push_back(WaitForAuthz(url).json);
  }
  return out;
}

Reply AcmeTest::IssueWithCsr(const std::vector<std::string>& names, const std::string& csr_der,
                             const json::object& extra, std::string* chain_pem) {
  json::array ids;
  for (const auto& n : names) ids.push_back(json::object{{"type", "dns"}, {"value", n}});
  json::object payload = extra;
  payload["identifiers"] = ids;
  Reply order = PostJson(kBase + "/acme/new-order", payload);
  if (order.status != 201) return order;
  Authorize(order.json);
  Reply done = PostJson(Str(order.json, "finalize"),
                        json::object{{"csr", Base64UrlEncode(csr_der)}});
  if (chain_pem && Str(done.json, "status") == "valid")
    *chain_pem = PostAsGet(Str(done.json, "certificate")).body;
  return done;
}

std::string MakeCsr(const crypto::Key& key, const std::vector<std::string>& names) {
  crypto::X509ReqPtr req(X509_REQ_new());
  X509_REQ_set_version(req.get(), 0);
  X509_NAME* subject = X509_REQ_get_subject_name(req.get());
  if (!names.empty())
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(names[0].c_str()), -1, -1, 0);
  X509_REQ_set_pubkey(req.get(), key.get());
  std::string san;
  for (const auto& n : names) san += (san.empty() ? "DNS:" : ",DNS:") + n;
  crypto::ExtStackPtr exts(sk_X509_EXTENSION_new_null());
  if (!san.empty()) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.c_str());
    sk_X509_EXTENSION_push(exts.get(), ext);
    X509_REQ_add_extensions(req.get(), exts.get());
  }
  X509_REQ_sign(req.get(), key.get(), EVP_sha256());
  unsigned char* der = nullptr;
  int len = i2d_X509_REQ(req.get(), &der);
  std::string out(reinterpret_cast<char*>(der), size_t(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace signet::testing
