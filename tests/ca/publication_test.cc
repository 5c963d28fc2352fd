// Issue 5: CRLs and OCSP as served on the plain-HTTP listener — sharded
// CRLs named by each certificate's CRL Distribution Points, republished on
// revocation with an increasing number and the reason, expired entries
// dropped, caching headers; OCSP good/revoked/unknown with nonce, GET and
// POST, cached answers invalidated by revocation.
#include <thread>

#include "acme_fixture.h"
#include "base/base64url.h"
#include "ca/publisher/publisher.h"
#include "ca/ra/admin.h"
#include "crypto/digest.h"
#include "pki/certificate.h"
#include "pki/crl.h"
#include "pki/ocsp_signing_cert.h"

namespace signet::testing {
namespace {
namespace json = boost::json;
using std::chrono::seconds;

const std::string kPublicBase = "http://127.0.0.1:14080";

template <typename T, typename Encode>
std::string ToDer(T* object, Encode encode) {
  int len = encode(object, nullptr);
  std::string out(len > 0 ? size_t(len) : 0, '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  if (len > 0) encode(object, &p);
  return out;
}

struct Leaf {
  crypto::X509Ptr cert;
  std::string der;
  std::string serial;
};

class PublicationTest : public AcmeTest {
 protected:
  CaOptions Options() const override {
    CaOptions o;
    o.signer.publication.base = kPublicBase;
    o.signer.crl_shards = 2;
    o.signer.ocsp = true;
    o.ocsp = true;
    return o;
  }
  void SetUp() override {
    AcmeTest::SetUp();
    Register();
    StartPublisher();
  }
  void TearDown() override {
    publisher_.reset();
    AcmeTest::TearDown();
  }
  void StartPublisher() {
    ca::PublisherConfig config;
    config.crl.urls.base = kPublicBase;
    config.crl.shards = 2;
    config.crl_interval = std::chrono::hours(1);
    config.feed_poll = std::chrono::milliseconds(50);
    config.ocsp = true;
    publisher_ =
        std::make_unique<ca::Publisher>(*ca_->store, ca_->hierarchy->intermediate(), config);
    ASSERT_TRUE(publisher_->Start().ok());
  }
  X509* intermediate() { return ca_->hierarchy->intermediate().cert.get(); }

  Leaf Issue(const std::string& name) {
    auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    std::string pem;
    Reply done = IssueWithCsr({name}, MakeCsr(*key, {name}), {}, &pem);
    EXPECT_EQ(Str(done.json, "status"), "valid") << done.body;
    auto chain = pki::CertChainFromPem(pem);
    if (!chain.ok() || chain->empty()) return {};
    Leaf leaf{std::move((*chain)[0]), "", ""};
    leaf.der = pki::CertToDer(leaf.cert.get());
    leaf.serial = pki::SerialHex(leaf.cert.get());
    return leaf;
  }
  void Revoke(const Leaf& leaf, int reason) {
    json::value payload =
        json::object{{"certificate", Base64UrlEncode(leaf.der)}, {"reason", reason}};
    ASSERT_EQ(Post(kBase + "/acme/revoke-cert", &payload, key_, kid_).status, 200);
    ASSERT_TRUE(publisher_->WaitForIdle(std::chrono::seconds(10)));
  }
  // The URI of the leaf's CRL Distribution Points.
  static std::string CrlUrl(X509* cert) {
    std::unique_ptr<CRL_DIST_POINTS, crypto::OsslDeleter<CRL_DIST_POINTS_free>> points(
        static_cast<CRL_DIST_POINTS*>(
            X509_get_ext_d2i(cert, NID_crl_distribution_points, nullptr, nullptr)));
    std::string url;
    if (points && sk_DIST_POINT_num(points.get()) == 1) {
      DIST_POINT* dp = sk_DIST_POINT_value(points.get(), 0);
      GENERAL_NAME* name = sk_GENERAL_NAME_value(dp->distpoint->name.fullname, 0);
      if (name->type == GEN_URI)
        url.assign(
            reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.uniformResourceIdentifier)),
            size_t(ASN1_STRING_length(name->d.uniformResourceIdentifier)));
    }
    return url;
  }
  http::Response Get(const std::string& path,
                     std::vector<std::pair<std::string, std::string>> headers = {}) {
    return publisher_->Handle({"GET", path, "127.0.0.1:14080", false, std::move(headers), ""});
  }
  // The CRL at `url`, parsed and verified with the intermediate's key.
  crypto::X509CrlPtr FetchCrl(const std::string& url) {
    http::Response res = Get(url.substr(kPublicBase.size()));
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.Header("Content-Type"), "application/pkix-crl");
    auto crl = pki::ParseCrl(res.body);
    EXPECT_TRUE(crl.ok());
    if (!crl.ok()) return nullptr;
    EXPECT_EQ(X509_CRL_verify(crl->get(), X509_get0_pubkey(intermediate())), 1);
    return std::move(*crl);
  }
  static X509_REVOKED* Find(X509_CRL* crl, X509* cert) {
    X509_REVOKED* entry = nullptr;
    return X509_CRL_get0_by_cert(crl, &entry, cert) == 1 ? entry : nullptr;
  }
  static int64_t Number(X509_CRL* crl) {
    crypto::Asn1IntegerPtr n(
        static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl, NID_crl_number, nullptr, nullptr)));
    int64_t v = -1;
    if (n) ASN1_INTEGER_get_int64(&v, n.get());
    return v;
  }
  std::string OcspRequest(X509* cert, bool nonce, const EVP_MD* md = EVP_sha1()) {
    crypto::OcspRequestPtr request(OCSP_REQUEST_new());
    crypto::OcspCertIdPtr id(OCSP_cert_to_id(md, cert, intermediate()));
    if (OCSP_request_add0_id(request.get(), id.get())) id.release();
    if (nonce) OCSP_request_add1_nonce(request.get(), nullptr, -1);
    return ToDer(request.get(), i2d_OCSP_REQUEST);
  }
  // POSTs `request_der`; returns the single status (V_OCSP_CERTSTATUS_*) and
  // the reason, after verifying the response against the CA chain.
  int OcspStatus(const std::string& request_der, int* reason = nullptr, bool* nonce_ok = nullptr) {
    http::Response res = publisher_->Handle({"POST",
                                             "/ocsp",
                                             "127.0.0.1:14080",
                                             false,
                                             {{"Content-Type", "application/ocsp-request"}},
                                             request_der});
    return Decode(res.body, request_der, reason, nonce_ok);
  }
  int Decode(const std::string& der, const std::string& request_der, int* reason, bool* nonce_ok) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    crypto::OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, long(der.size())));
    if (!response) return -100;
    if (OCSP_response_status(response.get()) != OCSP_RESPONSE_STATUS_SUCCESSFUL)
      return -OCSP_response_status(response.get());
    crypto::OcspBasicRespPtr basic(OCSP_response_get1_basic(response.get()));
    crypto::X509StorePtr store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), ca_->hierarchy->root().cert.get());
    crypto::X509StackPtr untrusted(sk_X509_new_null());
    X509_up_ref(intermediate());
    sk_X509_push(untrusted.get(), intermediate());
    EXPECT_EQ(OCSP_basic_verify(basic.get(), untrusted.get(), store.get(), 0), 1);
    const auto* rp = reinterpret_cast<const unsigned char*>(request_der.data());
    crypto::OcspRequestPtr request(d2i_OCSP_REQUEST(nullptr, &rp, long(request_der.size())));
    if (nonce_ok) *nonce_ok = OCSP_check_nonce(request.get(), basic.get()) == 1;
    OCSP_SINGLERESP* single = OCSP_resp_get0(basic.get(), 0);
    int r = -1;
    int status = OCSP_single_get0_status(single, &r, nullptr, nullptr, nullptr);
    if (reason) *reason = r;
    return status;
  }

  std::unique_ptr<ca::Publisher> publisher_;
};

TEST_F(PublicationTest, CertificatesNameTheirShardAndTheResponder) {
  Leaf leaf = Issue("dp.example.test");
  std::string url = CrlUrl(leaf.cert.get());
  auto record = ca_->store->GetCertificate(leaf.serial);
  ASSERT_TRUE(record.ok() && record->has_value());
  EXPECT_EQ(url, kPublicBase + "/crl/" + std::to_string((*record)->crl_shard) + ".crl");
  EXPECT_LT((*record)->crl_shard, 2);
  crypto::X509CrlPtr crl = FetchCrl(url);
  crypto::IssuingDistPointPtr idp(static_cast<ISSUING_DIST_POINT*>(
      X509_CRL_get_ext_d2i(crl.get(), NID_issuing_distribution_point, nullptr, nullptr)));
  ASSERT_NE(idp, nullptr);
  GENERAL_NAME* name = sk_GENERAL_NAME_value(idp->distpoint->name.fullname, 0);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(
                ASN1_STRING_get0_data(name->d.uniformResourceIdentifier))),
            url);
  crypto::AuthorityInfoAccessPtr aia(static_cast<AUTHORITY_INFO_ACCESS*>(
      X509_get_ext_d2i(leaf.cert.get(), NID_info_access, nullptr, nullptr)));
  ASSERT_NE(aia, nullptr);
  ACCESS_DESCRIPTION* ocsp = sk_ACCESS_DESCRIPTION_value(aia.get(), 0);
  EXPECT_EQ(OBJ_obj2nid(ocsp->method), NID_ad_OCSP);
}

TEST_F(PublicationTest, RevocationIsPublishedWithReasonAndANewNumber) {
  Leaf leaf = Issue("crl.example.test");
  std::string url = CrlUrl(leaf.cert.get());
  crypto::X509CrlPtr before = FetchCrl(url);
  EXPECT_EQ(Find(before.get(), leaf.cert.get()), nullptr);
  Revoke(leaf, 4);
  crypto::X509CrlPtr after = FetchCrl(url);
  X509_REVOKED* entry = Find(after.get(), leaf.cert.get());
  ASSERT_NE(entry, nullptr);
  crypto::Asn1EnumeratedPtr reason(static_cast<ASN1_ENUMERATED*>(
      X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, nullptr, nullptr)));
  ASSERT_NE(reason, nullptr);
  EXPECT_EQ(ASN1_ENUMERATED_get(reason.get()), 4);
  EXPECT_GT(Number(after.get()), Number(before.get()));
  EXPECT_GT(X509_cmp_time(X509_CRL_get0_nextUpdate(after.get()), nullptr), 0);
  // The other shard does not list it.
  int other = url.ends_with("/0.crl") ? 1 : 0;
  EXPECT_EQ(
      Find(FetchCrl(kPublicBase + "/crl/" + std::to_string(other) + ".crl").get(), leaf.cert.get()),
      nullptr);
}

TEST_F(PublicationTest, CrlNumbersIncreaseAcrossRestarts) {
  std::string url = kPublicBase + "/crl/0.crl";
  int64_t first = Number(FetchCrl(url).get());
  publisher_.reset();
  Restart();
  StartPublisher();
  EXPECT_GT(Number(FetchCrl(url).get()), first);
}

TEST_F(PublicationTest, AdminRevocationInAnotherProcessIsPickedUpFromTheFeed) {
  Leaf leaf = Issue("admin.example.test");
  // As `signetd admin revoke` does: a separate store on the same database.
  auto other = storage::SqliteStore::Open((dir_ / "signetd.sqlite3").string());
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(ca::AdminRevoke(**other, leaf.serial, 5).ok());
  bool listed = false;
  for (int i = 0; i < 100 && !listed; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    listed = Find(FetchCrl(CrlUrl(leaf.cert.get())).get(), leaf.cert.get()) != nullptr;
  }
  EXPECT_TRUE(listed);
  int reason = -1;
  EXPECT_EQ(OcspStatus(OcspRequest(leaf.cert.get(), false), &reason), V_OCSP_CERTSTATUS_REVOKED);
  EXPECT_EQ(reason, 5);
}

TEST_F(PublicationTest, ExpiredCertificatesDropOutOfTheCrl) {
  Leaf leaf = Issue("expired.example.test");
  auto record = **ca_->store->GetCertificate(leaf.serial);
  // A copy of the record that expired an hour ago, in the same shard, revoked.
  acme::CertificateRecord expired = record;
  expired.serial = (record.serial.starts_with("7e") ? "7d" : "7e") + record.serial.substr(2);
  expired.not_after = acme::Clock::now() - std::chrono::hours(1);
  auto order = **ca_->store->GetOrder(record.order_id);
  ASSERT_TRUE(ca_->store->FinishIssuance(expired, order).ok());
  ASSERT_TRUE(ca_->store->RevokeCertificate(expired.serial, 1, acme::Clock::now()).ok());
  ASSERT_TRUE(ca_->store->RevokeCertificate(record.serial, 1, acme::Clock::now()).ok());
  ASSERT_TRUE(publisher_->WaitForIdle(std::chrono::seconds(10)));
  crypto::X509CrlPtr crl = FetchCrl(CrlUrl(leaf.cert.get()));
  EXPECT_NE(Find(crl.get(), leaf.cert.get()), nullptr);
  EXPECT_EQ(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl.get())), 1) << "the expired one is gone";
}

TEST_F(PublicationTest, CrlCachingHeaders) {
  http::Response res = Get("/crl/0.crl");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.Header("Cache-Control").substr(0, 22), "public, max-age=3600, ");
  std::string etag(res.Header("ETag"));
  EXPECT_FALSE(etag.empty());
  EXPECT_FALSE(res.Header("Last-Modified").empty());
  EXPECT_FALSE(res.Header("Expires").empty());
  EXPECT_EQ(Get("/crl/0.crl", {{"If-None-Match", etag}}).status, 304);
  EXPECT_EQ(
      Get("/crl/0.crl", {{"If-Modified-Since", std::string(res.Header("Last-Modified"))}}).status,
      304);
  EXPECT_EQ(Get("/crl/0.crl", {{"If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT"}}).status,
            200);
  EXPECT_EQ(Get("/crl/9.crl").status, 404);
  EXPECT_EQ(Get("/crl/x.crl").status, 404);
  EXPECT_EQ(Get("/nothing").status, 404);
}

TEST_F(PublicationTest, OcspGoodRevokedUnknownWithNonce) {
  Leaf leaf = Issue("ocsp.example.test");
  bool nonce_ok = false;
  EXPECT_EQ(OcspStatus(OcspRequest(leaf.cert.get(), true), nullptr, &nonce_ok),
            V_OCSP_CERTSTATUS_GOOD);
  EXPECT_TRUE(nonce_ok);
  std::string cached_request = OcspRequest(leaf.cert.get(), false);
  EXPECT_EQ(OcspStatus(cached_request), V_OCSP_CERTSTATUS_GOOD);  // now cached
  Revoke(leaf, 1);
  int reason = -1;
  EXPECT_EQ(OcspStatus(cached_request, &reason), V_OCSP_CERTSTATUS_REVOKED) << "cache invalidated";
  EXPECT_EQ(reason, 1);
  EXPECT_EQ(OcspStatus(OcspRequest(leaf.cert.get(), false, EVP_sha256()), &reason),
            V_OCSP_CERTSTATUS_REVOKED);

  // Same issuer, a serial we never issued.
  crypto::X509Ptr stranger(X509_dup(leaf.cert.get()));
  ASN1_INTEGER_set(X509_get_serialNumber(stranger.get()), 12345);
  EXPECT_EQ(OcspStatus(OcspRequest(stranger.get(), false)), V_OCSP_CERTSTATUS_UNKNOWN);
}

TEST_F(PublicationTest, OcspOverGetIsCacheable) {
  Leaf leaf = Issue("get.ocsp.example.test");
  std::string request = OcspRequest(leaf.cert.get(), false);
  std::string encoded;
  for (char c : Base64Encode(request)) {  // RFC 6960 A.1: URL-encoded base64
    if (c == '+')
      encoded += "%2B";
    else if (c == '/')
      encoded += "%2F";
    else if (c == '=')
      encoded += "%3D";
    else
      encoded += c;
  }
  http::Response res = Get("/ocsp/" + encoded);
  EXPECT_EQ(res.Header("Content-Type"), "application/ocsp-response");
  EXPECT_EQ(Decode(res.body, request, nullptr, nullptr), V_OCSP_CERTSTATUS_GOOD);
  EXPECT_NE(res.Header("Cache-Control").find("max-age="), std::string_view::npos);
  EXPECT_EQ(
      Get("/ocsp/" + Base64Encode(request), {{"If-None-Match", std::string(res.Header("ETag"))}})
          .status,
      304);
}

TEST_F(PublicationTest, OcspRefusals) {
  EXPECT_EQ(OcspStatus("not DER"), -OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
  Leaf leaf = Issue("refuse.ocsp.example.test");
  crypto::OcspRequestPtr request(OCSP_REQUEST_new());  // asks the root about the intermediate
  crypto::OcspCertIdPtr id(
      OCSP_cert_to_id(EVP_sha1(), intermediate(), ca_->hierarchy->root().cert.get()));
  if (OCSP_request_add0_id(request.get(), id.get())) id.release();
  EXPECT_EQ(OcspStatus(ToDer(request.get(), i2d_OCSP_REQUEST)), -OCSP_RESPONSE_STATUS_UNAUTHORIZED);
  http::Response wrong_type = publisher_->Handle({"POST",
                                                  "/ocsp",
                                                  "h",
                                                  false,
                                                  {{"Content-Type", "text/plain"}},
                                                  OcspRequest(leaf.cert.get(), false)});
  EXPECT_EQ(wrong_type.status, 415);
}

TEST(OcspResponderTest, SigningCertificateIsRenewedBeforeItExpires) {
  auto dir = std::filesystem::temp_directory_path() /
             ("signet-ocsp-" + crypto::HexEncode(crypto::RandomBytes(4)));
  auto hierarchy = pki::CaHierarchy::LoadOrCreate(dir);
  ASSERT_TRUE(hierarchy.ok());
  auto store = storage::SqliteStore::Open((dir / "db.sqlite3").string());
  ASSERT_TRUE(store.ok());
  ca::OcspResponderConfig config;
  config.validity = std::chrono::seconds(1);
  config.signer_lifetime = std::chrono::seconds(2);
  ca::OcspResponder responder(**store, hierarchy->intermediate(), config);
  ASSERT_TRUE(responder.Init().ok());
  std::string first = responder.SignerPem();
  EXPECT_EQ(responder.SignerPem(), first);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // past half its life
  EXPECT_NE(responder.SignerPem(), first);
  std::filesystem::remove_all(dir);
}

// A ceremony-made responder (config.responder) signs every answer, with its
// own certificate in the response; it is never replaced, answers' nextUpdate
// stops at its notAfter, and once it has expired answers are internalError.
TEST(OcspResponderTest, CeremonyResponderSignsUntilItExpires) {
  auto dir = std::filesystem::temp_directory_path() /
             ("signet-ocsp-" + crypto::HexEncode(crypto::RandomBytes(4)));
  auto hierarchy = pki::CaHierarchy::LoadOrCreate(dir);
  ASSERT_TRUE(hierarchy.ok());
  auto store = storage::SqliteStore::Open((dir / "db.sqlite3").string());
  ASSERT_TRUE(store.ok());
  const pki::Issuer& intermediate = hierarchy->intermediate();
  auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
  ASSERT_TRUE(key.ok());
  auto now = pki::Clock::now();
  auto cert = pki::CertifyOcspResponder(intermediate, *key, now - std::chrono::hours(1),
                                        now + std::chrono::seconds(2));
  ASSERT_TRUE(cert.ok()) << cert.error().ToString();
  auto ceremony = std::make_shared<const pki::Issuer>(
      pki::Issuer{std::move(*cert), crypto::MemorySigningKey(std::move(*key), "file ocsp.key")});
  ca::OcspResponderConfig config;
  config.responder = ceremony;
  config.signer_lifetime = std::chrono::seconds(2);  // would renew at once if it issued its own
  ca::OcspResponder responder(**store, intermediate, config);
  ASSERT_TRUE(responder.Init().ok());
  EXPECT_EQ(responder.SignerPem(), pki::CertToPem(ceremony->cert.get()));

  crypto::OcspRequestPtr request(OCSP_REQUEST_new());
  crypto::Asn1IntegerPtr serial(ASN1_INTEGER_new());
  ASN1_INTEGER_set(serial.get(), 4242);
  X509* issuer = intermediate.cert.get();
  OCSP_CERTID* id = OCSP_cert_id_new(EVP_sha1(), X509_get_subject_name(issuer),
                                     X509_get0_pubkey_bitstr(issuer), serial.get());
  ASSERT_TRUE(id && OCSP_request_add0_id(request.get(), id));
  std::string request_der = ToDer(request.get(), i2d_OCSP_REQUEST);

  ca::OcspAnswer answer = responder.Respond(request_der);
  ASSERT_TRUE(answer.successful);
  EXPECT_EQ(answer.next_update, std::chrono::floor<std::chrono::seconds>(
                                    pki::NotAfter(ceremony->cert.get())));
  const auto* p = reinterpret_cast<const unsigned char*>(answer.der.data());
  crypto::OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, long(answer.der.size())));
  ASSERT_TRUE(response);
  crypto::OcspBasicRespPtr basic(OCSP_response_get1_basic(response.get()));
  ASSERT_TRUE(basic);
  const STACK_OF(X509)* certs = OCSP_resp_get0_certs(basic.get());
  ASSERT_EQ(sk_X509_num(certs), 1);
  EXPECT_EQ(X509_cmp(sk_X509_value(certs, 0), ceremony->cert.get()), 0);
  EXPECT_EQ(OCSP_basic_verify(basic.get(), nullptr, nullptr, OCSP_NOVERIFY), 1);

  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // past its notAfter
  // (The cached answer is not served past its nextUpdate either.)
  answer = responder.Respond(request_der);
  EXPECT_FALSE(answer.successful);
  EXPECT_EQ(answer.der, pki::OcspErrorResponse(pki::kOcspInternalError));
  EXPECT_EQ(responder.SignerPem(), "");
  std::filesystem::remove_all(dir);
}

class OcspOffTest : public AcmeTest {};

TEST_F(OcspOffTest, NoResponderMeansNotFound) {
  ca::PublisherConfig config;
  config.crl.urls.base = kPublicBase;
  ca::Publisher publisher(*ca_->store, ca_->hierarchy->intermediate(), config);
  ASSERT_TRUE(publisher.Start().ok());
  EXPECT_EQ(publisher.Handle({"POST", "/ocsp", "h", false, {}, ""}).status, 404);
  EXPECT_EQ(publisher.Handle({"GET", "/crl/0.crl", "h", false, {}, ""}).status, 200);
}

}  // namespace
}  // namespace signet::testing
