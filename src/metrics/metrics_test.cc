#include "metrics/metrics.h"

#include <map>

#include <gtest/gtest.h>

namespace signet::metrics {
namespace {

TEST(RenderText, Counter) {
  prometheus::Registry r;
  prometheus::BuildCounter().Name("x_total").Help("Things").Register(r).Add({}).Increment(3);
  EXPECT_EQ(RenderText(r), "# HELP x_total Things\n# TYPE x_total counter\nx_total 3\n");
}

TEST(RenderText, LabelledCounter) {
  prometheus::Registry r;
  auto& f = prometheus::BuildCounter().Name("req_total").Help("Requests").Register(r);
  f.Add({{"code", "200"}, {"endpoint", "/directory"}}).Increment();
  EXPECT_EQ(RenderText(r),
            "# HELP req_total Requests\n# TYPE req_total counter\n"
            "req_total{code=\"200\",endpoint=\"/directory\"} 1\n");
}

TEST(RenderText, Histogram) {
  prometheus::Registry r;
  auto& h = prometheus::BuildHistogram().Name("d_seconds").Help("Latency").Register(r).Add(
      {{"endpoint", "/x"}}, prometheus::Histogram::BucketBoundaries{0.1, 1});
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(2);
  EXPECT_EQ(RenderText(r),
            "# HELP d_seconds Latency\n# TYPE d_seconds histogram\n"
            "d_seconds_count{endpoint=\"/x\"} 3\n"
            "d_seconds_sum{endpoint=\"/x\"} 2.55\n"
            "d_seconds_bucket{endpoint=\"/x\",le=\"0.1\"} 1\n"
            "d_seconds_bucket{endpoint=\"/x\",le=\"1\"} 2\n"
            "d_seconds_bucket{endpoint=\"/x\",le=\"+Inf\"} 3\n");
}

// prometheus-cpp 1.0 escapes label values but not HELP text: signetd's help
// strings are constants without a backslash or a newline.
TEST(RenderText, EscapesLabelValues) {
  prometheus::Registry r;
  auto& f = prometheus::BuildCounter().Name("e_total").Help("Escapes").Register(r);
  f.Add({{"limit", "q\"uote\\back\nline"}}).Increment();
  EXPECT_EQ(RenderText(r),
            "# HELP e_total Escapes\n# TYPE e_total counter\n"
            "e_total{limit=\"q\\\"uote\\\\back\\nline\"} 1\n");
}

TEST(RouteOf, NamesRoutesNotPaths) {
  EXPECT_EQ(RouteOf("/acme/order/abc123"), "/acme/order/");
  EXPECT_EQ(RouteOf("/acme/new-order"), "/acme/new-order");
  EXPECT_EQ(RouteOf("/directory"), "/directory");
  EXPECT_EQ(RouteOf("/acme/order/"), "other");
  EXPECT_EQ(RouteOf("/made/up/path"), "other");
}

TEST(SignetdMetrics, RendersEveryFamilyWithBuildInfo) {
  SignetdMetrics m("1.2.3");
  m.ObserveRequest("/acme/finalize/xyz", 200, 0.2);
  m.CountIssued();
  m.CountRateLimited("certificatesPerDomain");
  m.ObserveValidation("http-01", "valid");
  m.SetOpenConnections([] { return 4.0; });
  std::string text = m.Render();
  EXPECT_NE(text.find("signetd_build_info{version=\"1.2.3\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("signetd_http_requests_total{code=\"200\",endpoint=\"/acme/finalize/\"} 1\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("signetd_certificates_issued_total 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("signetd_rate_limit_refusals_total{limit=\"certificatesPerDomain\"} 1\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("signetd_validations_total{challenge_type=\"http-01\",outcome=\"valid\"} 1\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("signetd_open_connections 4\n"), std::string::npos) << text;
}

TEST(SignetdMetrics, TotalsSumEachFamilyOverItsLabels) {
  SignetdMetrics m("1.2.3");
  m.ObserveRequest("/directory", 200, 0.01);
  m.ObserveRequest("/acme/new-order", 429, 0.02);
  m.ObserveValidation("http-01", "valid");
  m.ObserveValidation("dns-01", "invalid");
  m.CountRateLimited("paused");
  m.SetValidationQueueDepth([] { return 7.0; });
  std::map<std::string, SignetdMetrics::Total> by_name;
  for (const auto& t : m.Totals()) by_name[t.name] = t;
  EXPECT_FALSE(by_name.contains("signetd_build_info"));
  EXPECT_EQ(by_name["signetd_http_requests_total"].value, 2);
  EXPECT_TRUE(by_name["signetd_http_requests_total"].counter);
  EXPECT_EQ(by_name["signetd_http_request_duration_seconds"].value, 2);  // observations
  EXPECT_EQ(by_name["signetd_validations_total"].value, 2);
  EXPECT_EQ(by_name["signetd_rate_limit_refusals_total"].value, 1);
  EXPECT_EQ(by_name["signetd_certificates_issued_total"].value, 0);
  EXPECT_EQ(by_name["signetd_validation_queue_depth"].value, 7);
  EXPECT_FALSE(by_name["signetd_validation_queue_depth"].counter);
}

}  // namespace
}  // namespace signet::metrics

namespace signet::metrics {
namespace {

TEST(SignetdMetrics, CountsCtSubmissionLatencyAndFailuresPerLogAndKind) {
  SignetdMetrics m("1");
  m.ObserveCtSubmission("log a", "precert", true, 0.03);
  m.ObserveCtSubmission("log b", "precert", false, 2);
  m.ObserveCtSubmission("log b", "precert", false, 2);
  m.ObserveCtSubmission("log a", "final", true, 0.01);
  std::string text = m.Render();
  EXPECT_NE(text.find("signetd_ct_submission_duration_seconds_count{kind=\"precert\",log=\"log "
                      "a\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("signetd_ct_submission_failures_total{kind=\"precert\",log=\"log b\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("signetd_ct_submission_failures_total{kind=\"precert\",log=\"log a\"} 0\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("signetd_ct_submission_duration_seconds_count{kind=\"final\",log=\"log "
                      "a\"} 1\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace signet::metrics
