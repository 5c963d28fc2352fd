// Issue 5: certificate profiles (classic, tlsserver, shortlived and
// configured ones). Each issued certificate is read back with the openssl
// command line, field by field: subject, validity, extensions.
#include <cstdio>
#include <ctime>
#include <fstream>
#include <set>

#include "acme_fixture.h"
#include "base/base64url.h"
#include "crypto/digest.h"
#include "pki/certificate.h"

namespace signet::testing {
namespace {
namespace json = boost::json;
using std::chrono::hours;

// `openssl x509 -noout -text` of the leaf of `chain_pem`.
std::string OpensslText(const std::string& chain_pem, const std::filesystem::path& dir) {
  std::filesystem::path file = dir / ("cert-" + crypto::HexEncode(crypto::RandomBytes(4)) + ".pem");
  std::ofstream(file) << chain_pem;
  std::string cmd = "openssl x509 -noout -text -in " + file.string() + " 2>&1";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
    pclose(p);
  }
  return out;
}

// The value after "LABEL" on its line, trimmed ("" when absent).
std::string Field(const std::string& text, const std::string& label) {
  size_t at = text.find(label);
  if (at == std::string::npos) return "";
  size_t start = at + label.size(), end = text.find('\n', start);
  std::string v = text.substr(start, end - start);
  v.erase(0, v.find_first_not_of(' '));
  return v;
}

// The line after the extension header "NAME" (its value), trimmed.
std::string ExtensionValue(const std::string& text, const std::string& name) {
  size_t at = text.find(name);
  if (at == std::string::npos) return "";
  size_t start = text.find('\n', at) + 1;
  std::string v = text.substr(start, text.find('\n', start) - start);
  v.erase(0, v.find_first_not_of(' '));
  return v;
}

// Extension headers: "X509v3 Key Usage: critical", "Authority Information Access", ...
std::set<std::string> Extensions(const std::string& text) {
  std::set<std::string> out;
  size_t begin = text.find("X509v3 extensions:");
  size_t end = text.find("Signature Algorithm:", begin);
  for (size_t pos = text.find('\n', begin) + 1; pos < end;) {
    size_t eol = text.find('\n', pos);
    std::string line = text.substr(pos, eol - pos);
    if (line.size() > 12 && line.find_first_not_of(' ') == 12) {
      line.erase(0, 12);
      if (line.back() == ' ') line.pop_back();
      if (line.back() == ':') line.pop_back();
      out.insert(line);
    }
    pos = eol + 1;
  }
  return out;
}

std::time_t OpensslDate(const std::string& s) {  // "Nov 22 12:24:12 2026 GMT"
  std::tm tm{};
  strptime(s.c_str(), "%b %d %H:%M:%S %Y GMT", &tm);
  return timegm(&tm);
}

class ProfilesTest : public AcmeTest {
 protected:
  CaOptions Options() const override {
    CaOptions o;
    o.signer.ca_issuers_url = kBase + "/acme/issuer-cert";
    o.signer.publication.base = "http://127.0.0.1:14080";
    o.signer.crl_shards = 4;
    return o;
  }
  void SetUp() override {
    AcmeTest::SetUp();
    Register();
  }
  // Issues for `names` under `profile` ("" = none given); the openssl text.
  std::string IssueText(const std::vector<std::string>& names, const std::string& profile) {
    json::object extra;
    if (!profile.empty()) extra["profile"] = profile;
    auto key = crypto::Key::Generate(crypto::KeyType::kEcP256);
    std::string pem;
    Reply done = IssueWithCsr(names, MakeCsr(*key, names), extra, &pem);
    EXPECT_EQ(Str(done.json, "status"), "valid") << done.body;
    EXPECT_EQ(Str(done.json, "profile"), profile.empty() ? "classic" : profile);
    return OpensslText(pem, dir_);
  }
  static std::chrono::seconds Lifetime(const std::string& text) {
    return std::chrono::seconds(OpensslDate(Field(text, "Not After :")) -
                                OpensslDate(Field(text, "Not Before:")) + 1);
  }
  static std::set<std::string> BaseExtensions(bool critical_san) {
    return {"X509v3 Basic Constraints: critical",
            "X509v3 Key Usage: critical",
            "X509v3 Extended Key Usage",
            "X509v3 Subject Key Identifier",
            "X509v3 Authority Key Identifier",
            "Authority Information Access",
            "X509v3 CRL Distribution Points",
            "X509v3 Certificate Policies",
            critical_san ? "X509v3 Subject Alternative Name: critical"
                         : "X509v3 Subject Alternative Name"};
  }
};

TEST_F(ProfilesTest, DirectoryListsTheProfiles) {
  Reply dir = Send({"GET", "/directory", "", true, {}, ""});
  const json::object& profiles = dir.json.at("meta").as_object().at("profiles").as_object();
  EXPECT_EQ(profiles.size(), 3u);
  for (const char* name : {"classic", "tlsserver", "shortlived"})
    EXPECT_FALSE(Str(profiles, name).empty()) << name;
}

TEST_F(ProfilesTest, ClassicIsTheDefault) {
  std::string text = IssueText({"classic.example.test"}, "");
  EXPECT_EQ(Field(text, "Subject:"), "CN = classic.example.test");
  EXPECT_EQ(Lifetime(text), hours(24 * 90));
  EXPECT_EQ(ExtensionValue(text, "X509v3 Extended Key Usage"),
            "TLS Web Server Authentication, TLS Web Client Authentication");
  EXPECT_EQ(ExtensionValue(text, "X509v3 Key Usage: critical"), "Digital Signature");
  EXPECT_EQ(ExtensionValue(text, "X509v3 Basic Constraints: critical"), "CA:FALSE");
  EXPECT_EQ(Extensions(text), BaseExtensions(false)) << text;
  EXPECT_NE(text.find("CA Issuers - URI:" + kBase + "/acme/issuer-cert"), std::string::npos);
  EXPECT_EQ(text.find("OCSP - URI:"), std::string::npos) << "OCSP is off";
  EXPECT_NE(text.find("URI:http://127.0.0.1:14080/crl/"), std::string::npos) << text;
  // Non-critical (the header has no ": critical"), the CA/B Forum DV policy.
  EXPECT_EQ(ExtensionValue(text, "X509v3 Certificate Policies"), "Policy: 2.23.140.1.2.1");
}

// Baseline Requirements 7.1.2.10: the intermediate is a TLS subordinate CA,
// limited to the purposes of the leaves it signs.
TEST_F(ProfilesTest, TheIntermediateIsATlsSubordinateCa) {
  std::string text = OpensslText(ca_->hierarchy->IntermediatePem(), dir_);
  EXPECT_EQ(ExtensionValue(text, "X509v3 Basic Constraints: critical"), "CA:TRUE, pathlen:0");
  EXPECT_EQ(ExtensionValue(text, "X509v3 Extended Key Usage"),
            "TLS Web Server Authentication, TLS Web Client Authentication")
      << text;
  EXPECT_EQ(ExtensionValue(text, "X509v3 Key Usage: critical"),
            "Digital Signature, Certificate Sign, CRL Sign");
}

TEST_F(ProfilesTest, TlsServerHasNoCommonNameAndOnlyServerAuth) {
  std::string text = IssueText({"tls.example.test", "www.tls.example.test"}, "tlsserver");
  EXPECT_EQ(Field(text, "Subject:"), "");
  EXPECT_EQ(Lifetime(text), hours(24 * 45));
  EXPECT_EQ(ExtensionValue(text, "X509v3 Extended Key Usage"), "TLS Web Server Authentication");
  EXPECT_EQ(ExtensionValue(text, "X509v3 Subject Alternative Name: critical"),
            "DNS:tls.example.test, DNS:www.tls.example.test");
  EXPECT_EQ(Extensions(text), BaseExtensions(true)) << text;
}

TEST_F(ProfilesTest, ShortLivedIs160Hours) {
  std::string text = IssueText({"short.example.test"}, "shortlived");
  EXPECT_EQ(Field(text, "Subject:"), "");
  EXPECT_EQ(Lifetime(text), hours(160));
  EXPECT_EQ(ExtensionValue(text, "X509v3 Extended Key Usage"), "TLS Web Server Authentication");
  EXPECT_EQ(Extensions(text), BaseExtensions(true)) << text;
}

TEST_F(ProfilesTest, UnknownProfileIsInvalidProfile) {
  Reply r = PostJson(
      kBase + "/acme/new-order",
      json::object{
          {"identifiers", json::array{json::object{{"type", "dns"}, {"value", "x.example.test"}}}},
          {"profile", "longlived"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Type(), "invalidProfile");
  Reply wrong_type = PostJson(
      kBase + "/acme/new-order",
      json::object{
          {"identifiers", json::array{json::object{{"type", "dns"}, {"value", "x.example.test"}}}},
          {"profile", 7}});
  EXPECT_EQ(wrong_type.Type(), "malformed");
}

TEST_F(ProfilesTest, IpIdentifiersOnlyUnderShortLived) {
  json::array ip{json::object{{"type", "ip"}, {"value", "127.0.0.1"}}};
  for (const char* profile : {"classic", "tlsserver"}) {
    Reply r = PostJson(kBase + "/acme/new-order",
                       json::object{{"identifiers", ip}, {"profile", profile}});
    EXPECT_EQ(r.status, 400) << profile;
    EXPECT_EQ(r.Type(), "rejectedIdentifier") << profile;
    EXPECT_NE(Str(r.json, "detail").find("shortlived"), std::string::npos) << r.body;
  }
  Reply ok = PostJson(kBase + "/acme/new-order",
                      json::object{{"identifiers", ip}, {"profile", "shortlived"}});
  EXPECT_EQ(ok.status, 201) << ok.body;
}

TEST_F(ProfilesTest, PendingAuthorizationLifetimeFollowsTheProfile) {
  Reply order = PostJson(
      kBase + "/acme/new-order",
      json::object{{"identifiers",
                    json::array{json::object{{"type", "dns"}, {"value", "pending.example.test"}}}},
                   {"profile", "shortlived"}});
  ASSERT_EQ(order.status, 201);
  Reply authz = PostAsGet(std::string(order.json.at("authorizations").as_array()[0].as_string()));
  std::tm tm{};
  strptime(Str(authz.json, "expires").c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  auto left = std::chrono::seconds(timegm(&tm) - std::time(nullptr));
  EXPECT_LE(left, hours(7));
  EXPECT_GT(left, hours(6));
}

class ConfiguredProfilesTest : public ProfilesTest {
 protected:
  CaOptions Options() const override {
    CaOptions o = ProfilesTest::Options();
    ca::Profile client;
    client.name = "client";
    client.description = "client certificates";
    client.lifetime = hours(24 * 10);
    client.common_name = true;
    client.ext_key_usages = {"clientAuth"};
    client.max_names = 1;
    auto set = ca::ProfileSet::Create({client}, "client");
    EXPECT_TRUE(set.ok());
    o.profiles = *set;
    return o;
  }
};

TEST_F(ConfiguredProfilesTest, ConfiguredProfileIsIssuedExactly) {
  std::string text = IssueText({"client.example.test"}, "client");
  EXPECT_EQ(Field(text, "Subject:"), "CN = client.example.test");
  EXPECT_EQ(Lifetime(text), hours(24 * 10));
  EXPECT_EQ(ExtensionValue(text, "X509v3 Extended Key Usage"), "TLS Web Client Authentication");
  Reply two = NewOrder({"a.client.example.test", "b.client.example.test"});
  EXPECT_EQ(two.Type(), "rejectedIdentifier") << "max_names = 1";
  Reply classic = PostJson(
      kBase + "/acme/new-order",
      json::object{
          {"identifiers", json::array{json::object{{"type", "dns"}, {"value", "c.example.test"}}}},
          {"profile", "classic"}});
  EXPECT_EQ(classic.Type(), "invalidProfile") << "only configured profiles are offered";
}

// A profile whose schedule moved an hour ago: what is in force now is the
// step's lifetime and reuse window, both for signing and for new orders.
class ScheduledProfilesTest : public ProfilesTest {
 protected:
  CaOptions Options() const override {
    CaOptions o = ProfilesTest::Options();
    ca::Profile stepped = ca::DefaultProfiles()[0];
    stepped.name = "stepped";
    stepped.schedule = {{acme::Clock::now() - hours(1), hours(24 * 64), hours(0)},
                        {acme::Clock::now() + hours(24), hours(24 * 45), hours(7)}};
    auto set = ca::ProfileSet::Create({ca::DefaultProfiles()[0], stepped}, "classic");
    EXPECT_TRUE(set.ok());
    o.profiles = *set;
    return o;
  }
  // The status of the first authorization of a new order under `profile`.
  std::string SecondOrderAuthzStatus(const std::string& name, const std::string& profile) {
    Reply order = PostJson(
        kBase + "/acme/new-order",
        json::object{{"identifiers", json::array{json::object{{"type", "dns"}, {"value", name}}}},
                     {"profile", profile}});
    EXPECT_EQ(order.status, 201) << order.body;
    return Str(PostAsGet(std::string(order.json.at("authorizations").as_array()[0].as_string()))
                   .json,
               "status");
  }
};

TEST_F(ScheduledProfilesTest, TheStepInForceSetsLifetimeAndReuse) {
  EXPECT_EQ(Lifetime(IssueText({"stepped.example.test"}, "stepped")), hours(24 * 64));
  EXPECT_EQ(SecondOrderAuthzStatus("stepped.example.test", "stepped"), "pending")
      << "the step's reuse window is 0: the validation is not reused";
  EXPECT_EQ(Lifetime(IssueText({"plain.example.test"}, "classic")), hours(24 * 90));
  EXPECT_EQ(SecondOrderAuthzStatus("plain.example.test", "classic"), "valid")
      << "classic (its first step is in 2027) reuses it for 30 days";
}

TEST(ProfileSetTest, RejectsBadConfigurations) {
  ca::Profile p = ca::DefaultProfiles()[0];
  EXPECT_FALSE(ca::ProfileSet::Create({}, "classic").ok());
  EXPECT_FALSE(ca::ProfileSet::Create({p, p}, "classic").ok()) << "duplicate";
  EXPECT_FALSE(ca::ProfileSet::Create({p}, "tlsserver").ok()) << "default not defined";
  ca::Profile bad = p;
  bad.identifier_types = {"email"};
  EXPECT_FALSE(ca::ProfileSet::Create({bad}, "classic").ok());
  bad = p;
  bad.ext_key_usages = {"codeSigning"};
  EXPECT_FALSE(ca::ProfileSet::Create({bad}, "classic").ok());
  bad = p;
  bad.lifetime = std::chrono::seconds(0);
  EXPECT_FALSE(ca::ProfileSet::Create({bad}, "classic").ok());
}

}  // namespace
}  // namespace signet::testing
