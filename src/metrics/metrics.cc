#include "metrics/metrics.h"

#include <array>
#include <mutex>
#include <utility>

#include <prometheus/text_serializer.h>

namespace signet::metrics {

std::string RenderText(const prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

std::string_view RouteOf(std::string_view path) {
  static constexpr std::array<std::string_view, 21> kRoutes = {
      "/directory",         "/acme/new-nonce",    "/acme/new-acct",    "/acme/acct/",
      "/acme/new-order",    "/acme/order/",       "/acme/finalize/",   "/acme/authz/",
      "/acme/chall/",       "/acme/cert/",        "/acme/revoke-cert", "/acme/key-change",
      "/acme/issuer-cert",  "/acme/root",         "/acme/renewal-info/", "/acme/unpause/",
      "/acme/alt-chain/",   "/",                  "/crl/",             "/ocsp/",
      "/acme/orders/"};
  for (std::string_view r : kRoutes) {
    if (r.size() > 1 && r.back() == '/' ? path.starts_with(r) && path.size() > r.size()
                                        : path == r)
      return r;
  }
  return "other";
}

namespace {
// Request latencies: from a fast GET to a finalize that signs.
const prometheus::Histogram::BucketBoundaries kLatencyBuckets = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}  // namespace

SignetdMetrics::SignetdMetrics(std::string version)
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("signetd_http_requests_total")
                    .Help("ACME HTTP requests answered, by route and status code")
                    .Register(*registry_)),
      latency_(prometheus::BuildHistogram()
                   .Name("signetd_http_request_duration_seconds")
                   .Help("Time to answer an ACME HTTP request, by route")
                   .Register(*registry_)),
      validations_(prometheus::BuildCounter()
                       .Name("signetd_validations_total")
                       .Help("Challenge validations finished, by challenge type and outcome")
                       .Register(*registry_)),
      issued_(prometheus::BuildCounter()
                  .Name("signetd_certificates_issued_total")
                  .Help("Certificates signed")
                  .Register(*registry_)
                  .Add({})),
      revoked_(prometheus::BuildCounter()
                   .Name("signetd_revocations_total")
                   .Help("Certificates revoked")
                   .Register(*registry_)
                   .Add({})),
      rate_limited_(prometheus::BuildCounter()
                        .Name("signetd_rate_limit_refusals_total")
                        .Help("Requests refused by a rate limit, by limit")
                        .Register(*registry_)),
      ct_latency_(prometheus::BuildHistogram()
                      .Name("signetd_ct_submission_duration_seconds")
                      .Help("Time a CT log took to answer a submission, by log and kind "
                            "(precert, final)")
                      .Register(*registry_)),
      ct_failures_(prometheus::BuildCounter()
                       .Name("signetd_ct_submission_failures_total")
                       .Help("CT log submissions that brought back no valid SCT, by log and kind")
                       .Register(*registry_)),
      open_connections_(prometheus::BuildGauge()
                            .Name("signetd_open_connections")
                            .Help("ACME connections open now")
                            .Register(*registry_)
                            .Add({})),
      queue_depth_(prometheus::BuildGauge()
                       .Name("signetd_validation_queue_depth")
                       .Help("Validations and issuances waiting for or running on a worker")
                       .Register(*registry_)
                       .Add({})) {
  prometheus::BuildGauge()
      .Name("signetd_build_info")
      .Help("Always 1; the version label is signetd's version")
      .Register(*registry_)
      .Add({{"version", std::move(version)}})
      .Set(1);
}

void SignetdMetrics::ObserveRequest(std::string_view path, int status, double seconds) {
  std::string route(RouteOf(path));
  requests_.Add({{"endpoint", route}, {"code", std::to_string(status)}}).Increment();
  latency_.Add({{"endpoint", route}}, kLatencyBuckets).Observe(seconds);
}

void SignetdMetrics::ObserveValidation(const std::string& challenge_type,
                                       const std::string& outcome) {
  validations_.Add({{"challenge_type", challenge_type}, {"outcome", outcome}}).Increment();
}

void SignetdMetrics::CountIssued() { issued_.Increment(); }
void SignetdMetrics::CountRevoked() { revoked_.Increment(); }
void SignetdMetrics::CountRateLimited(const std::string& limit) {
  rate_limited_.Add({{"limit", limit}}).Increment();
}

void SignetdMetrics::ObserveCtSubmission(const std::string& log, const std::string& kind,
                                         bool ok, double seconds) {
  ct_latency_.Add({{"log", log}, {"kind", kind}}, kLatencyBuckets).Observe(seconds);
  auto& failures = ct_failures_.Add({{"log", log}, {"kind", kind}});  // shown at 0 too
  if (!ok) failures.Increment();
}

void SignetdMetrics::SetOpenConnections(std::function<double()> read) {
  std::lock_guard lock(read_mu_);
  read_open_connections_ = std::move(read);
}
void SignetdMetrics::SetValidationQueueDepth(std::function<double()> read) {
  std::lock_guard lock(read_mu_);
  read_queue_depth_ = std::move(read);
}

void SignetdMetrics::ReadGauges() {
  std::lock_guard lock(read_mu_);
  if (read_open_connections_) open_connections_.Set(read_open_connections_());
  if (read_queue_depth_) queue_depth_.Set(read_queue_depth_());
}

std::string SignetdMetrics::Render() {
  ReadGauges();
  return RenderText(*registry_);
}

std::vector<SignetdMetrics::Total> SignetdMetrics::Totals() {
  ReadGauges();
  std::vector<Total> out;
  for (const prometheus::MetricFamily& family : registry_->Collect()) {
    Total total{family.name, family.type != prometheus::MetricType::Gauge, 0};
    if (family.type == prometheus::MetricType::Untyped ||
        family.type == prometheus::MetricType::Summary || family.name == "signetd_build_info")
      continue;
    for (const prometheus::ClientMetric& m : family.metric) {
      if (family.type == prometheus::MetricType::Counter) total.value += m.counter.value;
      if (family.type == prometheus::MetricType::Gauge) total.value += m.gauge.value;
      if (family.type == prometheus::MetricType::Histogram)
        total.value += double(m.histogram.sample_count);
    }
    out.push_back(std::move(total));
  }
  return out;
}

}  // namespace signet::metrics
