#include "bench/report.h"

#include <cstdio>

namespace signet::bench {
namespace json = boost::json;

namespace {

json::object SummaryJson(const LatencyHistogram& h) {
  LatencySummary s = Summarize(h);
  return json::object{{"count", s.count},   {"mean_ms", s.mean_ms}, {"p50_ms", s.p50_ms},
                      {"p95_ms", s.p95_ms}, {"p99_ms", s.p99_ms},   {"max_ms", s.max_ms}};
}

json::object CountsJson(const std::map<std::string, int64_t>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

// Per certificate; 0 when nothing was issued.
double PerCert(double total, int64_t certs) { return certs > 0 ? total / double(certs) : 0.0; }

std::string Format(const char* fmt, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

std::string CountsLine(const std::map<std::string, int64_t>& m) {
  if (m.empty()) return "none";
  std::string out;
  for (const auto& [k, v] : m) out += (out.empty() ? "" : ", ") + k + "=" + std::to_string(v);
  return out;
}

}  // namespace

const char* RequestTypeName(RequestType type) {
  static constexpr const char* kNames[kRequestTypeCount] = {
      "directory", "newNonce", "newAccount", "newOrder", "authz",
      "challenge", "poll",     "finalize",   "cert"};
  return kNames[size_t(type)];
}

bool IsSignedRequest(RequestType type) {
  return type != RequestType::kDirectory && type != RequestType::kNewNonce;
}

double BenchReport::OrdersPerSecond() const {
  return wall_seconds > 0 ? double(orders_completed) / wall_seconds : 0.0;
}

int64_t BenchReport::RequestCount() const {
  int64_t n = 0;
  for (const auto& h : latency) n += int64_t(h.count());
  return n;
}

int64_t BenchReport::SignedRequestCount() const {
  int64_t n = 0;
  for (size_t i = 0; i < kRequestTypeCount; ++i)
    if (IsSignedRequest(RequestType(i))) n += int64_t(latency[i].count());
  return n;
}

json::object ReportToJson(const BenchReport& r) {
  json::object latency;
  for (size_t i = 0; i < kRequestTypeCount; ++i)
    latency[RequestTypeName(RequestType(i))] = SummaryJson(r.latency[i]);
  json::object per_order;
  for (size_t i = 0; i < kRequestTypeCount; ++i)
    per_order[RequestTypeName(RequestType(i))] = PerCert(double(r.latency[i].count()), r.orders_completed);
  json::object out{
      {"directory", r.directory_url},
      {"started_at", r.started_at},
      {"workload", json::object{{"accounts", r.accounts},
                                {"concurrency", r.concurrency},
                                {"connections", r.connections},
                                {"orders_limit", r.orders_limit},
                                {"duration_limit_s", r.duration_limit_s},
                                {"cert_keys", r.cert_keys},
                                {"names_per_order", r.names_per_order},
                                {"profile", r.profile},
                                {"challenge", r.challenge},
                                {"caa", r.caa},
                                {"account_per_order", r.account_per_order},
                                {"keep_alive", r.keep_alive},
                                {"poll_initial_ms", r.poll_initial_ms}}},
      {"setup_seconds", r.setup_seconds},
      {"wall_seconds", r.wall_seconds},
      {"orders", json::object{{"started", r.orders_started},
                              {"completed", r.orders_completed},
                              {"failed", r.orders_failed}}},
      {"orders_per_second", r.OrdersPerSecond()},
      {"latency", std::move(latency)},
      {"order_latency", SummaryJson(r.order_latency)},
      {"validation_latency", SummaryJson(r.validation)},
      {"connect", SummaryJson(r.connect)},
      {"pool_wait", SummaryJson(r.pool_wait)},
      {"requests", json::object{{"total", r.RequestCount()},
                                {"signed", r.SignedRequestCount()},
                                {"per_certificate", std::move(per_order)},
                                {"signed_per_certificate",
                                 PerCert(double(r.SignedRequestCount()), r.orders_completed)}}},
      {"errors", CountsJson(r.errors)},
      {"failed_orders", CountsJson(r.failed_orders)},
      {"nonce_retries", r.nonce_retries},
      {"longest_silence_ms", r.longest_silence_ms},
      {"stalled", r.stalled},
      {"challenges_served", r.challenges_served},
      {"client", json::object{{"cpu_seconds", r.client_cpu_seconds},
                              {"cpu_seconds_per_cert",
                               PerCert(r.client_cpu_seconds, r.orders_completed)},
                              {"hwm_kb", r.client_hwm_kb},
                              {"connections_opened", r.connections_opened},
                              {"tls_resumed", r.tls_resumed}}},
  };
  json::array samples;
  for (const auto& s : r.failure_samples) samples.emplace_back(s);
  out["failure_samples"] = std::move(samples);
  if (r.server) {
    const ServerStats& s = *r.server;
    out["server"] = json::object{{"pid", s.pid},
                                 {"cpu_seconds", s.cpu_seconds},
                                 {"cpu_seconds_per_cert", PerCert(s.cpu_seconds, r.orders_completed)},
                                 {"rss_idle_kb", s.rss_idle_kb},
                                 {"rss_max_kb", s.rss_max_kb},
                                 {"hwm_kb", s.hwm_kb}};
  }
  return out;
}

std::string FormatReport(const BenchReport& r) {
  std::string out = Format("signet-bench %s\n", r.directory_url.c_str());
  out += Format("workload: %d accounts, %d orders in flight, %d connections, %s certificate keys\n",
                r.accounts, r.concurrency, r.connections, r.cert_keys.c_str());
  out += Format("profile %s: %s, CAA %s, %s, %s, first poll after %lld ms\n",
                r.profile.empty() ? "(none)" : r.profile.c_str(), r.challenge.c_str(),
                r.caa ? "present" : "absent",
                r.account_per_order ? "an account per order" : "shared accounts",
                r.keep_alive ? "kept-alive connections" : "a connection per request",
                (long long)r.poll_initial_ms);
  out += Format("orders: %lld completed, %lld failed in %.2f s = %.1f orders/s (setup %.2f s)\n",
                (long long)r.orders_completed, (long long)r.orders_failed, r.wall_seconds,
                r.OrdersPerSecond(), r.setup_seconds);
  out += Format("%-11s %9s %9s %9s %9s %9s %9s\n", "request", "count", "per_cert", "p50_ms",
                "p95_ms", "p99_ms", "max_ms");
  auto row = [&](const char* name, const LatencyHistogram& h, bool per_cert) {
    LatencySummary s = Summarize(h);
    std::string pc = per_cert ? Format("%.2f", PerCert(double(s.count), r.orders_completed)) : "-";
    out += Format("%-11s %9llu %9s %9.2f %9.2f %9.2f %9.2f\n", name, (unsigned long long)s.count,
                  pc.c_str(), s.p50_ms, s.p95_ms, s.p99_ms, s.max_ms);
  };
  for (size_t i = 0; i < kRequestTypeCount; ++i)
    row(RequestTypeName(RequestType(i)), r.latency[i], true);
  row("(order)", r.order_latency, false);
  row("(validation)", r.validation, false);
  row("(connect)", r.connect, false);
  row("(pool wait)", r.pool_wait, false);
  out += "errors: " + CountsLine(r.errors) +
         Format(" (%lld badNonce retries)\n", (long long)r.nonce_retries);
  out += "failed orders: " + CountsLine(r.failed_orders) + "\n";
  for (const auto& s : r.failure_samples) out += "  e.g. " + s + "\n";
  out += Format("longest silence: %.0f ms; HTTP-01 answers: %lld\n", r.longest_silence_ms,
                (long long)r.challenges_served);
  if (r.stalled) out += "STALLED: the server stopped answering; the run was cut short\n";
  if (r.server) {
    const ServerStats& s = *r.server;
    out += Format(
        "server pid %d: %.3f CPU s = %.3f ms CPU/cert; RSS idle %.1f MB, max %.1f MB, VmHWM %.1f MB\n",
        s.pid, s.cpu_seconds, 1000 * PerCert(s.cpu_seconds, r.orders_completed),
        double(s.rss_idle_kb) / 1024, double(s.rss_max_kb) / 1024, double(s.hwm_kb) / 1024);
  }
  out += Format("client: %.3f CPU s = %.3f ms CPU/cert, VmHWM %.1f MB, %d connections (%d TLS resumed)\n",
                r.client_cpu_seconds, 1000 * PerCert(r.client_cpu_seconds, r.orders_completed),
                double(r.client_hwm_kb) / 1024, r.connections_opened, r.tls_resumed);
  return out;
}

}  // namespace signet::bench
