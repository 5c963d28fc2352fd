// Tests the record names and values built for each DNS challenge type:
// dns-01, dns-account-01 (the CA's account label), dns-persist-01 (issuer,
// accounturi, policy=wildcard for wildcards), and the errors.
#include "client/solvers/dns_records.h"

#include <gtest/gtest.h>

namespace signet::client {
namespace {

constexpr const char* kAccount = "https://example.com/acme/acct/ExampleAccount";

ChallengeInputs Inputs(const char* type, const char* domain = "www.example.test") {
  ChallengeInputs in;
  in.domain = domain;
  in.type = type;
  in.token = std::string(type) == "dns-persist-01" ? "" : "tok";
  in.key_authorization = in.token.empty() ? "" : "tok.thumb";
  in.account_url = kAccount;
  in.issuer_domain_names = {"CA.Example.", "other.example"};
  return in;
}

TEST(DnsRecords, Dns01) {
  auto spec = MakeChallengeSpec(Inputs("dns-01"));
  ASSERT_TRUE(spec.ok());
  // base64url(SHA-256("tok.thumb"))
  EXPECT_EQ(spec->validation, "sYAwVrqDtVOuJZvAHurSAYPoEt5fFV_C4bdSOOW-o5Y");
  auto record = DnsRecordFor(*spec);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->name, "_acme-challenge.www.example.test");
  EXPECT_EQ(record->value, spec->validation);
}

TEST(DnsRecords, DnsAccount01UsesTheAccountLabel) {
  auto spec = MakeChallengeSpec(Inputs("dns-account-01"));
  ASSERT_TRUE(spec.ok()) << spec.error().detail;
  EXPECT_EQ(spec->validation, "sYAwVrqDtVOuJZvAHurSAYPoEt5fFV_C4bdSOOW-o5Y");
  EXPECT_EQ(spec->record_name, "_ujmmovf2vn55tgye._acme-challenge.www.example.test");
  auto record = DnsRecordFor(*spec);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->name, spec->record_name);
  // A wildcard authorization names its base domain.
  auto wild = MakeChallengeSpec(Inputs("dns-account-01", "*.example.test"));
  ASSERT_TRUE(wild.ok());
  EXPECT_EQ(wild->record_name, "_ujmmovf2vn55tgye._acme-challenge.example.test");
}

TEST(DnsRecords, DnsPersist01) {
  auto spec = MakeChallengeSpec(Inputs("dns-persist-01"));
  ASSERT_TRUE(spec.ok()) << spec.error().detail;
  EXPECT_EQ(spec->record_name, "_validation-persist.www.example.test");
  EXPECT_EQ(spec->validation, std::string("ca.example; accounturi=") + kAccount);
  ChallengeInputs wild = Inputs("dns-persist-01", "example.test");
  wild.wildcard = true;
  auto w = MakeChallengeSpec(wild);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->record_name, "_validation-persist.example.test");
  EXPECT_EQ(w->validation, std::string("ca.example; accounturi=") + kAccount + "; policy=wildcard");
}

TEST(DnsRecords, Errors) {
  ChallengeInputs none = Inputs("dns-persist-01");
  none.issuer_domain_names.clear();
  auto e = MakeChallengeSpec(none);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(e.error().detail,
            "the CA's dns-persist-01 challenge for www.example.test lists no issuer-domain-names");
  ChallengeInputs no_account = Inputs("dns-account-01");
  no_account.account_url.clear();
  EXPECT_FALSE(MakeChallengeSpec(no_account).ok());
  ChallengeSpec http;
  http.type = "http-01";
  http.validation = "x";
  EXPECT_FALSE(DnsRecordFor(http).ok());
  ChallengeSpec unnamed;
  unnamed.type = "dns-account-01";
  unnamed.domain = "a.test";
  unnamed.validation = "v";
  auto r = DnsRecordFor(unnamed);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().detail, "dns-account-01 challenge for a.test has no record name");
}

}  // namespace
}  // namespace signet::client
