// Issuance with CT logs (RFC 6962; issue 11) through the whole CA, the logs
// being fakes behind the CtLog interface: finalize answers "processing",
// the precertificate (poison, same serial) is recorded, SCTs from logs of
// distinct operators are embedded in the final certificate, a failing and a
// slow log do not stop issuance, and too few SCTs fail the order with
// serverInternal while the serial stays recorded as a precertificate only.
#include <gtest/gtest.h>

#include <thread>

#include "base/base64url.h"
#include "ca/ct/fake_ct_log.h"
#include "pki/certificate.h"
#include "pki/sct.h"
#include "acme_fixture.h"

namespace signet::testing {
namespace {

namespace json = boost::json;
using ca::ct::testing_support::FakeCtLog;
using ca::ct::testing_support::FakeLogInfo;
using Mode = FakeCtLog::Mode;
using namespace std::chrono_literals;

struct FakeSpec {
  std::string name, op;
  Mode mode = Mode::kSign;
  std::chrono::milliseconds delay{0};
};

class CtIssuanceTest : public AcmeTest {
 protected:
  // The logs the next SetUp builds the CA with.
  virtual std::vector<FakeSpec> Logs() const = 0;

  CaOptions Options() const override {
    // The CA's files are made here first, so that the submitter knows the
    // issuer the CA under test then loads from the same directory.
    auto hierarchy = pki::CaHierarchy::LoadOrCreate(dir_);
    EXPECT_TRUE(hierarchy.ok());
    std::vector<ca::ct::SubmitterLog> logs;
    fakes_.clear();
    for (const FakeSpec& spec : Logs()) {
      crypto::Key key = *crypto::Key::Generate(crypto::KeyType::kEcP256);
      auto fake = std::make_shared<FakeCtLog>(key, spec.mode, spec.delay);
      fakes_.push_back(fake);
      logs.push_back({FakeLogInfo(key, spec.op, spec.name), fake});
    }
    ca::ct::CtPolicy policy;
    policy.deadline = 1500ms;
    auto submitter = ca::ct::CtSubmitter::Create(
        std::move(logs), policy, {pki::CertToDer(hierarchy->intermediate().cert.get())});
    EXPECT_TRUE(submitter.ok()) << submitter.error().ToString();
    submitter_ = std::move(*submitter);
    CaOptions options;
    options.tune_ra = [s = submitter_.get()](ca::RaConfig& rc) { rc.ct = s; };
    return options;
  }

  // newOrder, HTTP-01, finalize; the order once it left "processing". The
  // serial recorded for signing in *serial.
  Reply IssueAndWait(const std::vector<std::string>& names, std::string* serial) {
    ca_->ra->SetBeforeSignHook([serial](const std::string& s) { *serial = s; });
    std::string location;
    Reply order = NewOrder(names, &location);
    EXPECT_EQ(order.status, 201) << order.body;
    Authorize(order.json);
    crypto::Key cert_key = *crypto::Key::Generate(crypto::KeyType::kEcP256);
    Reply finalize = PostJson(Str(order.json, "finalize"),
                              json::object{{"csr", Base64UrlEncode(MakeCsr(cert_key, names))}});
    EXPECT_EQ(finalize.status, 200) << finalize.body;
    EXPECT_EQ(Str(finalize.json, "status"), "processing");  // the logs are asked in the background
    Reply r;
    for (int i = 0; i < 300; ++i) {
      r = PostAsGet(location);
      if (Str(r.json, "status") != "processing") break;
      std::this_thread::sleep_for(20ms);
    }
    return r;
  }

  mutable std::vector<std::shared_ptr<FakeCtLog>> fakes_;
  mutable std::unique_ptr<ca::ct::CtSubmitter> submitter_;
};

class CtIssuanceWithBadLogsTest : public CtIssuanceTest {
  std::vector<FakeSpec> Logs() const override {
    return {{"down", "Op1", Mode::kFail},
            {"slow", "Op2", Mode::kSign, 5000ms},
            {"a", "Op3"},
            {"b", "Op4"}};
  }
};

TEST_F(CtIssuanceWithBadLogsTest, EmbedsSctsOfTheAnsweringLogsInTheFinalCertificate) {
  Register();
  std::string serial;
  auto start = std::chrono::steady_clock::now();
  Reply order = IssueAndWait({"ct.example.com"}, &serial);
  ASSERT_EQ(Str(order.json, "status"), "valid") << order.body;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s) << "waited for the slow log";
  std::string chain = PostAsGet(Str(order.json, "certificate")).body;
  auto certs = pki::CertChainFromPem(chain);
  ASSERT_TRUE(certs.ok() && !certs->empty());
  X509* leaf = (*certs)[0].get();
  EXPECT_EQ(pki::SerialHex(leaf), serial);
  EXPECT_LT(X509_get_ext_by_NID(leaf, NID_ct_precert_poison, -1), 0);
  // The SCT list extension: an OCTET STRING holding the TLS list, two SCTs
  // from the two logs that answered.
  int at = X509_get_ext_by_NID(leaf, NID_ct_precert_scts, -1);
  ASSERT_GE(at, 0);
  const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(X509_get_ext(leaf, at));
  std::string der(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                  size_t(ASN1_STRING_length(value)));
  ASSERT_GT(der.size(), 2u);
  ASSERT_EQ(uint8_t(der[0]), 0x04);  // OCTET STRING
  auto scts = pki::DecodeSctList(der.substr(der[1] & 0x80 ? 2 + (der[1] & 0x7f) : 2));
  ASSERT_TRUE(scts.ok()) << scts.error().ToString();
  EXPECT_EQ(scts->size(), 2u);
  // The precertificate is on the serial's row: the same serial, poisoned,
  // and what the logs signed is the final certificate minus its SCTs.
  auto record = ca_->store->GetSerial(serial);
  ASSERT_TRUE(record.ok() && record->has_value());
  auto precert = pki::CertFromDer((*record)->precertificate_der);
  ASSERT_TRUE(precert.ok());
  EXPECT_EQ(pki::SerialHex(precert->get()), serial);
  EXPECT_GE(X509_get_ext_by_NID(precert->get(), NID_ct_precert_poison, -1), 0);
  EXPECT_EQ(fakes_[0]->precert_calls(), 1);
  // The final certificate goes to every log in the background (add-chain).
  for (int i = 0; i < 200 && fakes_[2]->final_calls() == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(fakes_[2]->final_calls(), 1);
  EXPECT_EQ(fakes_[3]->final_calls(), 1);
}

class CtIssuanceOneOperatorTest : public CtIssuanceTest {
  std::vector<FakeSpec> Logs() const override {
    return {{"a1", "Op1"}, {"a2", "Op1"}, {"down", "Op2", Mode::kFail}};
  }
};

TEST_F(CtIssuanceOneOperatorTest, TooFewOperatorsFailTheOrderAndRetireTheSerial) {
  Register();
  std::string serial;
  Reply order = IssueAndWait({"ct.example.com"}, &serial);
  ASSERT_EQ(Str(order.json, "status"), "invalid") << order.body;
  const json::object& error = order.json.at("error").as_object();
  EXPECT_EQ(Str(error, "type"), "urn:ietf:params:acme:error:serverInternal");
  const std::string detail = Str(error, "detail");
  EXPECT_NE(detail.find("could not get enough SCTs"), std::string::npos) << detail;
  EXPECT_NE(detail.find("2 from 2 operators are needed"), std::string::npos) << detail;
  EXPECT_NE(detail.find("with a new order"), std::string::npos) << detail;
  // Signed once, as a precertificate, and never as a certificate.
  ASSERT_FALSE(serial.empty());
  auto record = ca_->store->GetSerial(serial);
  ASSERT_TRUE(record.ok() && record->has_value());
  EXPECT_FALSE((*record)->precertificate_der.empty());
  auto cert = ca_->store->GetCertificate(serial);
  EXPECT_TRUE(!cert.ok() || !cert->has_value());
  // A new order for the same names reuses the valid authorizations and gets
  // a fresh serial (still refused by these logs, but never the same serial).
  std::string second;
  Reply again = IssueAndWait({"ct.example.com"}, &second);
  EXPECT_EQ(Str(again.json, "status"), "invalid");
  EXPECT_NE(second, serial);
}

}  // namespace
}  // namespace signet::testing
