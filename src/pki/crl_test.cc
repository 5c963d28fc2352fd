#include "pki/crl.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "crypto/digest.h"
#include "pki/cert_builder.h"
#include "pki/crl_test_support.h"

namespace signet::pki {
namespace {

using std::chrono::days;
using std::chrono::hours;
using testing_support::RunCommand;
using testing_support::WriteTestFile;

constexpr char kShardUrl[] = "http://crl.example.test/1/7.crl";

std::time_t AsnTime(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return -1;
  return timegm(&tm);
}

std::string AsnString(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     size_t(ASN1_STRING_length(s)));
}

// The reasonCode of an entry, or -1 when it has none.
int EntryReason(const X509_REVOKED* entry) {
  crypto::Asn1EnumeratedPtr reason(static_cast<ASN1_ENUMERATED*>(
      X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, nullptr, nullptr)));
  return reason ? int(ASN1_ENUMERATED_get(reason.get())) : -1;
}

const X509_REVOKED* FindEntry(X509_CRL* crl, const std::string& serial_hex) {
  BIGNUM* bn_raw = nullptr;
  if (BN_hex2bn(&bn_raw, serial_hex.c_str()) == 0) return nullptr;
  crypto::BignumPtr bn(bn_raw);
  crypto::Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  X509_REVOKED* entry = nullptr;
  return X509_CRL_get0_by_serial(crl, &entry, serial.get()) == 1 ? entry : nullptr;
}

class CrlTest : public testing_support::TestCa {
 protected:
  CrlTemplate Template() const {
    CrlTemplate t;
    t.crl_number = 1700000000123456789;
    t.this_update = Clock::from_time_t(Clock::to_time_t(Clock::now() - hours(1)));
    t.next_update = t.this_update + days(7);
    t.idp_url = kShardUrl;
    return t;
  }

  crypto::X509CrlPtr BuildAndParse(const CrlTemplate& t, const std::vector<RevokedEntry>& list) {
    auto der = BuildCrl(intermediate(), t, list);
    EXPECT_TRUE(der.ok()) << der.error().ToString();
    if (!der.ok()) return nullptr;
    auto crl = ParseCrl(*der);
    EXPECT_TRUE(crl.ok()) << crl.error().ToString();
    if (!crl.ok()) return nullptr;
    EXPECT_EQ(X509_CRL_verify(crl->get(), X509_get0_pubkey(intermediate().cert.get())), 1);
    return std::move(*crl);
  }
};

TEST_F(CrlTest, HeaderFieldsAndExtensions) {
  CrlTemplate t = Template();
  crypto::X509CrlPtr crl = BuildAndParse(t, {});
  ASSERT_TRUE(crl);
  EXPECT_EQ(X509_CRL_get_version(crl.get()), 1);  // v2
  EXPECT_EQ(X509_NAME_cmp(X509_CRL_get_issuer(crl.get()),
                          X509_get_subject_name(intermediate().cert.get())),
            0);
  EXPECT_EQ(AsnTime(X509_CRL_get0_lastUpdate(crl.get())), Clock::to_time_t(t.this_update));
  EXPECT_EQ(AsnTime(X509_CRL_get0_nextUpdate(crl.get())), Clock::to_time_t(t.next_update));
  EXPECT_EQ(X509_CRL_get_REVOKED(crl.get()), nullptr);  // absent when empty

  int critical = -1;
  crypto::Asn1IntegerPtr number(static_cast<ASN1_INTEGER*>(
      X509_CRL_get_ext_d2i(crl.get(), NID_crl_number, &critical, nullptr)));
  ASSERT_TRUE(number);
  int64_t value = 0;
  ASSERT_EQ(ASN1_INTEGER_get_int64(&value, number.get()), 1);
  EXPECT_EQ(value, t.crl_number);
  EXPECT_EQ(critical, 0);

  crypto::AuthorityKeyIdPtr aki(static_cast<AUTHORITY_KEYID*>(
      X509_CRL_get_ext_d2i(crl.get(), NID_authority_key_identifier, &critical, nullptr)));
  ASSERT_TRUE(aki && aki->keyid);
  EXPECT_EQ(critical, 0);
  EXPECT_EQ(AsnString(aki->keyid), AsnString(X509_get0_subject_key_id(intermediate().cert.get())));

  crypto::IssuingDistPointPtr idp(static_cast<ISSUING_DIST_POINT*>(
      X509_CRL_get_ext_d2i(crl.get(), NID_issuing_distribution_point, &critical, nullptr)));
  ASSERT_TRUE(idp && idp->distpoint);
  EXPECT_EQ(critical, 1);
  EXPECT_TRUE(idp->onlyuser);
  EXPECT_FALSE(idp->onlyCA);
  ASSERT_EQ(idp->distpoint->type, 0);  // fullName
  ASSERT_EQ(sk_GENERAL_NAME_num(idp->distpoint->name.fullname), 1);
  const GENERAL_NAME* uri = sk_GENERAL_NAME_value(idp->distpoint->name.fullname, 0);
  ASSERT_EQ(uri->type, GEN_URI);
  EXPECT_EQ(AsnString(uri->d.uniformResourceIdentifier), kShardUrl);
}

TEST_F(CrlTest, NoIssuingDistributionPointWithoutUrl) {
  CrlTemplate t = Template();
  t.idp_url.clear();
  t.crl_number = 0;
  crypto::X509CrlPtr crl = BuildAndParse(t, {});
  ASSERT_TRUE(crl);
  EXPECT_LT(X509_CRL_get_ext_by_NID(crl.get(), NID_issuing_distribution_point, -1), 0);
  EXPECT_GE(X509_CRL_get_ext_by_NID(crl.get(), NID_crl_number, -1), 0);
}

TEST_F(CrlTest, EntriesCarrySerialDateAndReason) {
  Clock::time_point when = Clock::from_time_t(1700000000);
  std::vector<RevokedEntry> list = {
      {"7f01020304050607", when, kReasonUnspecified},
      {"00ABCDEF0123456789", when + hours(1), kReasonKeyCompromise},  // any case, leading zeros
      {"80ff", when + days(1), kReasonSuperseded},                    // needs a 0x00 pad
      {"5", Clock::from_time_t(2600000000), kReasonCessationOfOperation},  // GeneralizedTime
  };
  crypto::X509CrlPtr crl = BuildAndParse(Template(), list);
  ASSERT_TRUE(crl);
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
  ASSERT_EQ(sk_X509_REVOKED_num(revoked), 4);
  // Sorted by serial.
  EXPECT_EQ(crypto::HexEncode(
                AsnString(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, 0)))),
            "05");
  EXPECT_EQ(crypto::HexEncode(
                AsnString(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, 3)))),
            "abcdef0123456789");

  const int expected_reasons[] = {-1, kReasonKeyCompromise, kReasonSuperseded,
                                  kReasonCessationOfOperation};
  const char* lookup[] = {"7f01020304050607", "abcdef0123456789", "80ff", "5"};
  for (size_t i = 0; i < list.size(); ++i) {
    SCOPED_TRACE(list[i].serial);
    const X509_REVOKED* entry = FindEntry(crl.get(), lookup[i]);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(AsnTime(X509_REVOKED_get0_revocationDate(entry)),
              Clock::to_time_t(list[i].revoked_at));
    EXPECT_EQ(EntryReason(entry), expected_reasons[i]);
    int ext = X509_REVOKED_get_ext_by_NID(entry, NID_crl_reason, -1);
    if (ext >= 0) {
      EXPECT_EQ(X509_EXTENSION_get_critical(X509_REVOKED_get_ext(entry, ext)), 0);
    }
  }
  EXPECT_EQ(FindEntry(crl.get(), "7f01020304050608"), nullptr);
}

TEST_F(CrlTest, RefusesBadInput) {
  Clock::time_point now = Clock::now();
  auto build = [&](std::vector<RevokedEntry> list, CrlTemplate t) {
    return BuildCrl(intermediate(), t, list).ok();
  };
  CrlTemplate good = Template();
  EXPECT_TRUE(build({{"01", now, 1}}, good));
  EXPECT_FALSE(build({{"01", now, 1}, {"0001", now, 4}}, good));  // duplicate
  EXPECT_FALSE(build({{"xyz", now, 1}}, good));
  EXPECT_FALSE(build({{"", now, 1}}, good));
  EXPECT_FALSE(build({{std::string(42, 'a'), now, 1}}, good));  // 21+ octets
  EXPECT_TRUE(build({{std::string(40, '7'), now, 1}}, good));   // 20 octets
  for (int reason : {-1, 7, 8, 11}) EXPECT_FALSE(build({{"01", now, reason}}, good)) << reason;
  CrlTemplate t = good;
  t.next_update = t.this_update;
  EXPECT_FALSE(build({}, t));
  t = good;
  t.crl_number = -1;
  EXPECT_FALSE(build({}, t));
  t = good;
  t.idp_url = "http://bad url/";
  EXPECT_FALSE(build({}, t));
  EXPECT_FALSE(BuildCrl(Issuer{}, good, {}).ok());
  EXPECT_FALSE(ParseCrl("not a crl").ok());
}

TEST_F(CrlTest, HundredThousandEntries) {
  std::vector<RevokedEntry> list;
  list.reserve(100000);
  Clock::time_point base = Clock::from_time_t(1700000000);
  for (int i = 0; i < 100000; ++i)
    list.push_back({crypto::HexEncode(RandomSerial()), base + std::chrono::seconds(i / 100),
                    i % 3 == 0 ? kReasonUnspecified : kReasonKeyCompromise});
  crypto::X509CrlPtr crl = BuildAndParse(Template(), list);
  ASSERT_TRUE(crl);
  EXPECT_EQ(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl.get())), 100000);
  const X509_REVOKED* entry = FindEntry(crl.get(), list[12346].serial);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(EntryReason(entry), kReasonKeyCompromise);
}

// Other key types: the AlgorithmIdentifier follows the issuer's key.
TEST_F(CrlTest, SignsWithRsaAndEd25519Issuers) {
  for (crypto::KeyType type :
       {crypto::KeyType::kRsa, crypto::KeyType::kEd25519, crypto::KeyType::kEcP384}) {
    auto key = crypto::Key::Generate(type);
    ASSERT_TRUE(key.ok());
    internal::CertSpec spec{RandomSerial(), Clock::now() - hours(1), Clock::now() + days(1),
                            "Other CA", &*key};
    auto cert = internal::NewCert(spec, nullptr);
    ASSERT_TRUE(cert.ok());
    ASSERT_TRUE(internal::SignCert(cert->get(), *key).ok());  // no SKI: AKI is computed
    Issuer issuer{std::move(*cert), crypto::MemorySigningKey(*key, "test")};
    auto der = BuildCrl(issuer, Template(), {{"0102", Clock::now(), 1}});
    ASSERT_TRUE(der.ok()) << der.error().ToString();
    auto crl = ParseCrl(*der);
    ASSERT_TRUE(crl.ok());
    EXPECT_EQ(X509_CRL_verify(crl->get(), key->get()), 1) << key->Family();
  }
}

// The openssl command line reads the CRL, and `openssl verify -crl_check`
// finds a listed certificate revoked and an unlisted one of the same shard good.
TEST_F(CrlTest, OpensslCommandLineAgrees) {
  crypto::X509Ptr revoked = Leaf("revoked.example.test", kShardUrl);
  crypto::X509Ptr good = Leaf("good.example.test", kShardUrl);
  crypto::X509Ptr other_shard = Leaf("other.example.test", "http://crl.example.test/1/8.crl");
  ASSERT_TRUE(revoked && good && other_shard);
  auto der = BuildCrl(intermediate(), Template(),
                      {{SerialHex(revoked.get()), Clock::now() - hours(2), kReasonKeyCompromise},
                       {"0a0b0c", Clock::now() - hours(2), kReasonSuperseded}});
  ASSERT_TRUE(der.ok()) << der.error().ToString();
  WriteTestFile(Path("crl.der"), *der);
  WriteTestFile(Path("root.pem"), CertToPem(root().cert.get()));
  WriteTestFile(Path("intermediate.pem"), CertToPem(intermediate().cert.get()));
  WriteTestFile(Path("revoked.pem"), CertToPem(revoked.get()));
  WriteTestFile(Path("good.pem"), CertToPem(good.get()));
  WriteTestFile(Path("other.pem"), CertToPem(other_shard.get()));

  auto text =
      RunCommand("openssl crl -inform DER -in " + Path("crl.der").string() + " -noout -text");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  for (const char* want :
       {"Version 2 (0x1)", "X509v3 CRL Number", "X509v3 Authority Key Identifier",
        "X509v3 Issuing Distribution Point: critical", "Only User Certificates", kShardUrl,
        "Key Compromise", "Superseded", "0A0B0C"})
    EXPECT_NE(text.output.find(want), std::string::npos) << want << "\n" << text.output;

  auto pem = RunCommand("openssl crl -inform DER -in " + Path("crl.der").string() + " -out " +
                        Path("crl.pem").string());
  ASSERT_EQ(pem.exit_code, 0) << pem.output;
  std::string verify = "openssl verify -crl_check -CAfile " + Path("root.pem").string() +
                       " -untrusted " + Path("intermediate.pem").string() + " -CRLfile " +
                       Path("crl.pem").string() + " ";
  auto bad = RunCommand(verify + Path("revoked.pem").string());
  EXPECT_NE(bad.exit_code, 0) << bad.output;
  EXPECT_NE(bad.output.find("certificate revoked"), std::string::npos) << bad.output;
  auto ok = RunCommand(verify + Path("good.pem").string());
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find(": OK"), std::string::npos) << ok.output;
  // Another shard's certificate is out of this CRL's scope.
  auto scope = RunCommand(verify + Path("other.pem").string());
  EXPECT_NE(scope.exit_code, 0) << scope.output;
  EXPECT_NE(scope.output.find("different CRL scope"), std::string::npos) << scope.output;
}

}  // namespace
}  // namespace signet::pki
