// --json documents: every documented key is present (null when unknown),
// times are RFC 3339 UTC, statuses and outcomes land in their lists.
#include "client/agent/report.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace signet::client {
namespace {

namespace json = boost::json;

TimePoint At(const char* t) { return *ParseRfc3339Time(t); }

LineageInfo Sample() {
  LineageInfo l;
  l.name = "a.example";
  l.domains = {"a.example", "www.a.example"};
  l.serial = "1a2b";
  l.key_type = "ECDSA";
  l.not_before = At("2027-01-01T00:00:00Z");
  l.not_after = At("2027-04-01T00:00:00Z");
  l.cert_path = "/le/live/a.example/cert.pem";
  l.chain_path = "/le/live/a.example/chain.pem";
  l.fullchain_path = "/le/live/a.example/fullchain.pem";
  l.privkey_path = "/le/live/a.example/privkey.pem";
  l.required_profile = "tlsserver";
  l.server = "https://ca.example/directory";
  return l;
}

TEST(Report, ALineage) {
  LineageInfo l = Sample();
  l.ari = AriState{"KkSH.AIdl", At("2027-03-01T00:00:00Z"), At("2027-03-03T00:00:00Z"),
                   At("2027-03-02T00:00:00Z"), At("2027-01-10T06:00:00Z"), ""};
  json::object o = LineageJson(l, At("2027-01-10T00:00:00Z"));
  EXPECT_EQ(json::serialize(o),
            R"j({"name":"a.example","domains":["a.example","www.a.example"],"serial":"1a2b",)j"
            R"j("key_type":"ECDSA","not_before":"2027-01-01T00:00:00Z",)j"
            R"j("expiry":"2027-04-01T00:00:00Z","status":"valid","error":null,)j"
            R"j("paths":{"cert":"/le/live/a.example/cert.pem","chain":"/le/live/a.example/chain.pem",)j"
            R"j("fullchain":"/le/live/a.example/fullchain.pem",)j"
            R"j("privkey":"/le/live/a.example/privkey.pem"},"preferred_profile":null,)j"
            R"j("required_profile":"tlsserver","server":"https://ca.example/directory",)j"
            R"j("ari":{"cert_id":"KkSH.AIdl","window_start":"2027-03-01T00:00:00Z",)j"
            R"j("window_end":"2027-03-03T00:00:00Z","renew_at":"2027-03-02T00:00:00Z",)j"
            R"j("next_poll":"2027-01-10T06:00:00Z","explanation_url":null}})j");
}

TEST(Report, ExpiredAndUnreadableLineages) {
  LineageInfo broken;
  broken.name = "b.example";
  broken.error = "no such file";
  json::object doc = CertificatesJson({Sample(), broken}, At("2027-05-01T00:00:00Z"));
  const json::array& certs = doc.at("certificates").as_array();
  ASSERT_EQ(certs.size(), 2u);
  EXPECT_EQ(certs[0].at("status").as_string(), "expired");
  EXPECT_TRUE(certs[0].at("ari").is_null());
  EXPECT_EQ(certs[1].at("status").as_string(), "unreadable");
  EXPECT_EQ(certs[1].at("error").as_string(), "no such file");
  EXPECT_TRUE(certs[1].at("expiry").is_null());
  EXPECT_TRUE(certs[1].at("paths").at("privkey").is_null());
  EXPECT_EQ(json::serialize(CertificatesJson({}, At("2027-05-01T00:00:00Z"))),
            R"j({"certificates":[]})j");
}

TEST(Report, ARenewRun) {
  RunOutcome renewed;
  renewed.kind = RunOutcome::kRenewed;
  renewed.name = "a.example";
  renewed.domains = {"a.example"};
  renewed.reason = "renewal time 2027-03-02T00:00:00Z has passed (ARI window ...)";
  renewed.serial = "3c";
  renewed.expiry = At("2027-06-01T00:00:00Z");
  renewed.cert_path = "/le/live/a.example/fullchain.pem";
  RunOutcome skipped;
  skipped.kind = RunOutcome::kSkipped;
  skipped.name = "b.example";
  skipped.domains = {"b.example"};
  skipped.reason = "not due until 2027-03-02T00:00:00Z (ARI window ...)";
  skipped.basis = "ari";
  skipped.renew_at = At("2027-03-02T00:00:00Z");
  RunOutcome failed;
  failed.kind = RunOutcome::kFailed;
  failed.name = "c.example";
  failed.reason = "failed to renew c.example: rateLimited: too many certificates";
  json::object doc = RunJson("renew", false, {renewed, skipped, failed});
  EXPECT_EQ(json::serialize(doc),
            R"j({"command":"renew","dry_run":false,)j"
            R"j("renewed":[{"name":"a.example","domains":["a.example"],)j"
            R"j("reason":"renewal time 2027-03-02T00:00:00Z has passed (ARI window ...)",)j"
            R"j("serial":"3c","expiry":"2027-06-01T00:00:00Z",)j"
            R"j("cert_path":"/le/live/a.example/fullchain.pem"}],"obtained":[],)j"
            R"j("skipped":[{"name":"b.example","domains":["b.example"],)j"
            R"j("reason":"not due until 2027-03-02T00:00:00Z (ARI window ...)","basis":"ari",)j"
            R"j("renew_at":"2027-03-02T00:00:00Z"}],)j"
            R"j("failed":[{"name":"c.example","domains":[],)j"
            R"j("error":"failed to renew c.example: rateLimited: too many certificates"}]})j");
}

}  // namespace
}  // namespace signet::client
