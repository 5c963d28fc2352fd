#include "bench/report.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace signet::bench {
namespace {

namespace json = boost::json;
using std::chrono::microseconds;

BenchReport Sample() {
  BenchReport r;
  r.directory_url = "https://127.0.0.1:14000/directory";
  r.accounts = 10;
  r.concurrency = 50;
  r.connections = 50;
  r.orders_limit = 4;
  r.cert_keys = "pooled";
  r.wall_seconds = 2.0;
  r.orders_started = 5;
  r.orders_completed = 4;
  r.orders_failed = 1;
  for (int i = 0; i < 4; ++i) {
    r.latency[size_t(RequestType::kNewOrder)].Record(microseconds(1000 * (i + 1)));
    r.latency[size_t(RequestType::kPoll)].Record(microseconds(500));
    r.latency[size_t(RequestType::kPoll)].Record(microseconds(700));
  }
  r.latency[size_t(RequestType::kNewNonce)].Record(microseconds(100));
  r.errors["badNonce"] = 3;
  r.errors["timeout"] = 1;
  r.failed_orders["timeout"] = 1;
  r.nonce_retries = 3;
  r.server = ServerStats{.pid = 77, .cpu_seconds = 0.5, .rss_idle_kb = 1024, .rss_max_kb = 4096,
                         .hwm_kb = 5000};
  r.client_cpu_seconds = 0.1;
  return r;
}

TEST(Report, Counts) {
  BenchReport r = Sample();
  EXPECT_DOUBLE_EQ(r.OrdersPerSecond(), 2.0);
  EXPECT_EQ(r.RequestCount(), 13);
  EXPECT_EQ(r.SignedRequestCount(), 12);  // newNonce carries no JWS
  EXPECT_FALSE(IsSignedRequest(RequestType::kDirectory));
  EXPECT_TRUE(IsSignedRequest(RequestType::kCert));
  EXPECT_STREQ(RequestTypeName(RequestType::kNewNonce), "newNonce");
  EXPECT_STREQ(RequestTypeName(RequestType::kCert), "cert");
}

TEST(Report, JsonCarriesWhatScriptsRead) {
  json::value v = json::parse(json::serialize(ReportToJson(Sample())));
  const json::object& o = v.as_object();
  EXPECT_EQ(o.at("orders_per_second").as_double(), 2.0);
  EXPECT_EQ(o.at("orders").at("completed").as_int64(), 4);
  EXPECT_EQ(o.at("orders").at("failed").as_int64(), 1);
  const json::object& lat = o.at("latency").as_object();
  EXPECT_EQ(lat.size(), kRequestTypeCount);
  EXPECT_EQ(lat.at("newOrder").at("count").as_int64(), 4);
  EXPECT_DOUBLE_EQ(lat.at("newOrder").at("max_ms").as_double(), 4.0);
  EXPECT_NEAR(lat.at("newOrder").at("p50_ms").as_double(), 2.0, 2.0 / 64);
  EXPECT_EQ(o.at("errors").at("badNonce").as_int64(), 3);
  EXPECT_EQ(o.at("failed_orders").at("timeout").as_int64(), 1);
  EXPECT_DOUBLE_EQ(o.at("requests").at("signed_per_certificate").as_double(), 3.0);
  EXPECT_DOUBLE_EQ(o.at("requests").at("per_certificate").at("poll").as_double(), 2.0);
  EXPECT_DOUBLE_EQ(o.at("server").at("cpu_seconds_per_cert").as_double(), 0.125);
  EXPECT_EQ(o.at("server").at("rss_max_kb").as_int64(), 4096);
  EXPECT_DOUBLE_EQ(o.at("client").at("cpu_seconds_per_cert").as_double(), 0.025);
  EXPECT_EQ(o.at("workload").at("concurrency").as_int64(), 50);
}

TEST(Report, WorkloadNamesTheClientProfile) {
  BenchReport r = Sample();
  r.profile = "dns01-caa";
  r.challenge = "dns-01";
  r.caa = true;
  r.keep_alive = true;
  r.poll_initial_ms = 25;
  json::object o = ReportToJson(r);
  const json::value& w = o.at("workload");
  EXPECT_EQ(w.at("profile").as_string(), "dns01-caa");
  EXPECT_EQ(w.at("challenge").as_string(), "dns-01");
  EXPECT_TRUE(w.at("caa").as_bool());
  EXPECT_FALSE(w.at("account_per_order").as_bool());
  EXPECT_TRUE(w.at("keep_alive").as_bool());
  EXPECT_EQ(w.at("poll_initial_ms").as_int64(), 25);
  std::string t = FormatReport(r);
  EXPECT_NE(t.find("profile dns01-caa: dns-01, CAA present"), std::string::npos) << t;
}

TEST(Report, NoServerNoCertificates) {
  BenchReport r;
  json::object o = ReportToJson(r);
  EXPECT_FALSE(o.contains("server"));
  EXPECT_EQ(o.at("orders_per_second").as_double(), 0.0);
  EXPECT_EQ(o.at("client").at("cpu_seconds_per_cert").as_double(), 0.0);
}

TEST(Report, TableNamesEveryRequestType) {
  std::string t = FormatReport(Sample());
  for (size_t i = 0; i < kRequestTypeCount; ++i)
    EXPECT_NE(t.find(RequestTypeName(RequestType(i))), std::string::npos) << i;
  EXPECT_NE(t.find("2.0 orders/s"), std::string::npos) << t;
  EXPECT_NE(t.find("badNonce=3"), std::string::npos) << t;
  EXPECT_NE(t.find("125.000 ms CPU/cert"), std::string::npos) << t;
}

}  // namespace
}  // namespace signet::bench
