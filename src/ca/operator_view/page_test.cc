#include "ca/operator_view/page.h"

#include <gtest/gtest.h>

#include "ca/operator_view/html.h"

namespace signet::ca::operator_view {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// 2026-12-05 02:00:00Z
const acme::TimePoint kNow = acme::TimePoint(seconds(1796436000));

bool Has(const std::string& page, const std::string& text) {
  return page.find(text) != std::string::npos;
}

TEST(HtmlEscape, EscapesMarkupAndQuotes) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("plain.example.com"), "plain.example.com");
}

TEST(FormatAge, Units) {
  EXPECT_EQ(FormatAge(seconds(42)), "42s");
  EXPECT_EQ(FormatAge(seconds(192)), "3m 12s");
  EXPECT_EQ(FormatAge(seconds(7500)), "2h 05m");
  EXPECT_EQ(FormatAge(hours(76)), "3d 04h");
  EXPECT_EQ(FormatAge(seconds(-5)), "-5s");
}

TEST(FormatTime, Utc) { EXPECT_EQ(FormatTime(kNow), "2026-12-05 02:00:00Z"); }

PageData Sample() {
  PageData d;
  d.version = "1.0";
  d.now = kNow;
  d.activity.issuances.push_back({kNow - minutes(2),
                                  "0a1b2c",
                                  "acct1",
                                  "classic",
                                  {{"dns", "www.example.com"}, {"ip", "192.0.2.7"}},
                                  kNow + hours(24 * 90)});
  ValidationEvent failed{kNow - minutes(3),
                         "acct1",
                         {"dns", "bad.example.com"},
                         false,
                         "http-01",
                         Error(ErrorCode::kConnection, "could not connect to 192.0.2.9:80")};
  ValidationEvent ok{kNow - minutes(4), "acct1", {"dns", "www.example.com"}, true, "dns-01", {}};
  d.activity.validations = {failed, ok};
  storage::CertificateSummary revoked;
  revoked.serial = "0a1b2c";
  revoked.account_id = "acct1";
  revoked.revoked_at = kNow - minutes(1);
  revoked.revoked_reason = 1;
  revoked.identifiers = {{"dns", "www.example.com"}};
  d.revocations.push_back(revoked);
  d.activity.refusals.push_back({kNow - seconds(30), "certificatesPerDomain"});
  d.activity.refusals.push_back({kNow - seconds(20), "certificatesPerDomain"});
  d.crl_shards.push_back({0, true, 7, kNow - seconds(192), kNow + hours(24), 3});
  d.crl_shards.push_back({1, true, 2, kNow - hours(30), kNow - hours(6), 0});
  CrlShardStatus unpublished;
  unpublished.shard = 2;
  d.crl_shards.push_back(unpublished);
  d.series.push_back({"signetd_certificates_issued_total",
                      true,
                      {{kNow - minutes(30), 2}, {kNow - minutes(20), 4}}});
  return d;
}

TEST(RenderPage, ShowsEverySection) {
  std::string page = RenderPage(Sample());
  EXPECT_TRUE(page.starts_with("<!DOCTYPE html>"));
  // Issuances: serial and every name.
  EXPECT_TRUE(Has(page, "0a1b2c"));
  EXPECT_TRUE(Has(page, "dns:www.example.com, ip:192.0.2.7"));
  // A failed validation: its row marked, its problem type and detail.
  EXPECT_TRUE(Has(page, "<tr class=\"failed\">")) << page;
  EXPECT_TRUE(Has(page,
                  "title=\"urn:ietf:params:acme:error:connection\" "
                  "data-type=\"urn:ietf:params:acme:error:connection\">connection</td>"))
      << page;
  EXPECT_TRUE(Has(page, "could not connect to 192.0.2.9:80"));
  EXPECT_TRUE(Has(page, "dns:*.www.example.com"));  // the wildcard one
  // Revocation with its reason's name.
  EXPECT_TRUE(Has(page, "1 (keyCompromise)"));
  // CRL shards: age, a passed nextUpdate flagged, one not published.
  EXPECT_TRUE(Has(page, "<td>3m 12s</td>"));
  EXPECT_TRUE(Has(page, "(passed)"));
  EXPECT_TRUE(Has(page, "not published yet"));
  // Refusals counted by limit.
  EXPECT_TRUE(Has(page, "<code>certificatesPerDomain</code> 2"));
  // A plot, with the counter as a rate per minute (2 over 10 minutes).
  EXPECT_TRUE(Has(page, "<figure class=\"plot\">"));
  EXPECT_TRUE(Has(page, "<polyline"));
  EXPECT_TRUE(Has(page, "<b>4 /min</b>") ||
              Has(page, "<code>signetd_certificates_issued_total</code>"));
  // No script, no external asset.
  EXPECT_FALSE(Has(page, "<script"));
  EXPECT_FALSE(Has(page, "src=\"http"));
  EXPECT_FALSE(Has(page, "href=\"http"));
}

TEST(RenderPage, EmptyStateSaysSo) {
  PageData d;
  d.now = kNow;
  std::string page = RenderPage(d);
  EXPECT_TRUE(Has(page, "No validation since signetd started."));
  EXPECT_TRUE(Has(page, "No certificate issued since signetd started."));
  EXPECT_TRUE(Has(page, "No sample yet."));
  EXPECT_TRUE(Has(page, "No certificate was ever revoked."));
}

TEST(RenderPage, StoreErrorIsShownEscaped) {
  PageData d;
  d.now = kNow;
  d.revocations_error = "serverInternal: <disk> full";
  std::string page = RenderPage(d);
  EXPECT_TRUE(Has(page, "Could not read the revocations: serverInternal: &lt;disk&gt; full"));
}

// Identifiers, problem details, account ids and limit names come from ACME
// clients (or the store): none of them can add markup to the page.
TEST(RenderPage, EscapesHostileValues) {
  const std::string hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&";
  const std::string escaped =
      "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;";
  PageData d;
  d.now = kNow;
  d.version = hostile;
  d.activity.validations.push_back({kNow,
                                    hostile,
                                    {"dns", hostile},
                                    false,
                                    hostile,
                                    Error(ErrorCode::kIncorrectResponse, hostile)});
  d.activity.issuances.push_back({kNow, hostile, hostile, hostile, {{"dns", hostile}}, kNow});
  storage::CertificateSummary revoked;
  revoked.serial = hostile;
  revoked.account_id = hostile;
  revoked.revoked_at = kNow;
  revoked.identifiers = {{"dns", hostile}};
  d.revocations.push_back(revoked);
  d.activity.refusals.push_back({kNow, hostile});
  d.series.push_back({hostile, false, {{kNow, 1}}});
  std::string page = RenderPage(d);
  EXPECT_FALSE(Has(page, "<script")) << page;
  EXPECT_FALSE(Has(page, "<img")) << page;
  EXPECT_FALSE(Has(page, "'&")) << page;
  // Every place it went: version, validation (identifier, type, detail,
  // account), issuance, revocation, refusal, plot caption and label.
  size_t count = 0;
  for (size_t at = page.find(escaped); at != std::string::npos; at = page.find(escaped, at + 1))
    ++count;
  EXPECT_GE(count, 16u) << page;
}

}  // namespace
}  // namespace signet::ca::operator_view
