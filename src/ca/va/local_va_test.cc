// Tests LocalValidationAuthority's dispatch over the challenge type registry
// and dns-persist-01 end to end in the VA: the challenge, then CAA with
// dns-persist-01 as the validation method, also as a remote perspective runs it.
#include "ca/va/va.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "acme/challenge_types.h"
#include "ca/va/dns01.h"
#include "ca/va/remote/remote_va_server.h"
#include "ca/va/remote/wire.h"
#include "dns/static_resolver.h"

namespace signet::va {
namespace {

constexpr char kAccount[] = "https://ca.example.test/acme/acct/7";

LocalVaConfig Config() {
  LocalVaConfig c;
  c.caa.ca_identities = {"signet.test"};
  c.timeout = std::chrono::milliseconds(2000);
  return c;
}

ValidationRequest PersistRequest(const std::string& name, bool wildcard = false) {
  return {"dns", name, wildcard, std::string(acme::kDnsPersist01), "token", "", kAccount};
}

class LocalVaTest : public ::testing::Test {
 protected:
  dns::StaticResolver resolver_;
  LocalValidationAuthority va_{resolver_, Config()};
};

// A type added to acme/challenge_types.h without its row in the VA's table
// would be refused as unknown.
TEST_F(LocalVaTest, EveryRegisteredTypeIsDispatched) {
  for (const acme::ChallengeType& type : acme::AllChallengeTypes()) {
    ValidationRequest r{
        "dns", "nowhere.example.test", false, std::string(type.name), "tok", "tok.thumb", kAccount};
    ValidationResult got = va_.Validate(r);
    ASSERT_FALSE(got.status.ok()) << type.name;
    EXPECT_EQ(got.status.error().detail.find("unknown challenge type"), std::string::npos)
        << type.name << ": " << got.status.error().detail;
  }
  ValidationResult unknown = va_.Validate({"dns", "x.example.test", false, "dns-02", "", "", ""});
  ASSERT_FALSE(unknown.status.ok());
  EXPECT_EQ(unknown.status.error().detail, "unknown challenge type dns-02");
}

TEST_F(LocalVaTest, DnsPersistThenCaaWithItsValidationMethod) {
  resolver_.AddTxt("_validation-persist.persist.example.test",
                   {"signet.test; accounturi=" + std::string(kAccount) + "; policy=wildcard"});
  ValidationResult got = va_.Validate(PersistRequest("persist.example.test", true));
  EXPECT_TRUE(got.status.ok()) << got.status.error().ToString();

  resolver_.AddCaa("persist.example.test", {{0, "issue", "signet.test; validationmethods=dns-01"}});
  got = va_.Validate(PersistRequest("persist.example.test"));
  ASSERT_FALSE(got.status.ok());
  EXPECT_EQ(got.status.error().code, ErrorCode::kCaa) << got.status.error().detail;

  resolver_.AddCaa("persist.example.test",
                   {{0, "issue", "signet.test; validationmethods=dns-persist-01"}});
  got = va_.Validate(PersistRequest("persist.example.test"));
  EXPECT_TRUE(got.status.ok()) << got.status.error().ToString();
}

TEST_F(LocalVaTest, DnsPersistIsForDnsNamesOnly) {
  ValidationRequest r = PersistRequest("192.0.2.1");
  r.identifier_type = "ip";
  ValidationResult got = va_.Validate(r);
  ASSERT_FALSE(got.status.ok());
  EXPECT_EQ(got.status.error().code, ErrorCode::kMalformed);
}

// A resolver whose TXT lookups take `txt_delay` and CAA lookups `caa_delay`.
class SlowResolver : public dns::Resolver {
 public:
  SlowResolver(std::chrono::milliseconds txt_delay, std::chrono::milliseconds caa_delay,
               std::string txt)
      : txt_delay_(txt_delay), caa_delay_(caa_delay), txt_(std::move(txt)) {}

 private:
  Result<std::vector<std::string>> DoLookupHost(const std::string&, dns::Deadline) override {
    return Error(ErrorCode::kDns, "no addresses in this test");
  }
  Result<dns::TxtAnswer> DoLookupTxt(const std::string&, dns::Deadline) override {
    std::this_thread::sleep_for(txt_delay_);
    return dns::TxtAnswer{{txt_}, false, ""};
  }
  Result<dns::CaaAnswer> DoLookupCaa(const std::string&, dns::Deadline) override {
    std::this_thread::sleep_for(caa_delay_);
    return dns::CaaAnswer{};
  }
  std::chrono::milliseconds txt_delay_, caa_delay_;
  std::string txt_;
};

// The CAA climb (a.b.example.test, b.example.test, example.test, test: four
// lookups) runs beside the DNS-01 lookup instead of after it.
TEST(LocalVaTimingTest, CaaRunsBesideTheChallenge) {
  using std::chrono::milliseconds;
  const std::string key_authorization = "token.thumbprint";
  SlowResolver resolver(milliseconds(600), milliseconds(150), Dns01TxtValue(key_authorization));
  LocalValidationAuthority va(resolver, Config());
  const auto start = std::chrono::steady_clock::now();
  ValidationResult got = va.Validate({"dns", "a.b.example.test", false, "dns-01", "token",
                                      key_authorization, kAccount});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(got.status.ok()) << got.status.error().ToString();
  // One after the other: 600 (TXT) + 4 x 150 (CAA) = 1200 ms; beside: 600.
  EXPECT_LT(elapsed, milliseconds(900));
}

// What a remote perspective does with the primary's request: the wire
// carries the wildcard flag and the account URL dns-persist-01 needs.
TEST_F(LocalVaTest, RemotePerspectiveRunsDnsPersist) {
  http::Handler remote = remote::MakeRemoteVaHandler(va_, "ARIN");
  auto ask = [&](const ValidationRequest& r) {
    http::Request req;
    req.method = "POST";
    req.target = "/va/validate";
    req.body = boost::json::serialize(remote::RequestToJson(r));
    http::Response res = remote(req);
    EXPECT_EQ(res.status, 200) << res.body;
    Result<ValidationResult> out = remote::ResultFromJson(boost::json::parse(res.body).as_object());
    EXPECT_TRUE(out.ok());
    return out.ok() ? out->status : Status(out.error());
  };
  resolver_.AddTxt("_validation-persist.remote.example.test",
                   {"signet.test; accounturi=" + std::string(kAccount)});
  Status ok = ask(PersistRequest("remote.example.test"));
  EXPECT_TRUE(ok.ok()) << ok.error().ToString();
  Status wild = ask(PersistRequest("remote.example.test", true));
  ASSERT_FALSE(wild.ok());
  EXPECT_EQ(wild.error().code, ErrorCode::kUnauthorized);
  EXPECT_NE(wild.error().detail.find("lacks policy=wildcard"), std::string::npos)
      << wild.error().detail;
  ValidationRequest other = PersistRequest("remote.example.test");
  other.account_url = std::string(kAccount) + "9";
  Status refused = ask(other);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnauthorized);
}

}  // namespace
}  // namespace signet::va
