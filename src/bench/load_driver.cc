#include "bench/load_driver.h"

#include <boost/asio.hpp>
#include <cstdio>
#include <ctime>

#include "bench/acme_session.h"
#include "bench/async_http.h"
#include "bench/challenge_responder.h"
#include "bench/mock_dns_client.h"
#include "bench/order_flow.h"
#include "bench/proc_stats.h"

namespace signet::bench {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kUse = asio::as_tuple(asio::use_awaitable);
constexpr size_t kFailureSamples = 5;
constexpr auto kSampleEvery = std::chrono::milliseconds(100);

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string UtcNow() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Counts coroutines still running; Wait() returns when none are.
class WaitGroup {
 public:
  explicit WaitGroup(asio::io_context& ioc) : timer_(ioc, Clock::time_point::max()) {}
  void Add() { ++running_; }
  void Done() {
    if (--running_ == 0) timer_.cancel();
  }
  asio::awaitable<void> Wait() {
    while (running_ > 0) co_await timer_.async_wait(kUse);
  }

 private:
  int running_ = 0;
  asio::steady_timer timer_;
};

class Driver {
 public:
  explicit Driver(const BenchConfig& config)
      : config_(config),
        http_(ioc_, HttpPoolConfig{.ca_file = config.ca_file,
                                   .max_connections = Connections(config),
                                   .timeout = config.request_timeout,
                                   .keep_alive = config.keep_alive}),
        responder_(ioc_),
        dns_(ioc_, config.dns_management_url),
        acme_(http_, report_),
        tag_(RandomTag(6)) {}

  static int Connections(const BenchConfig& c) {
    return c.connections > 0 ? c.connections : std::max(1, std::min(c.concurrency, 64));
  }

  Result<BenchReport> Run() {
    FillWorkload();
    Status status = Error(ErrorCode::kServerInternal, "the run did not finish");
    asio::co_spawn(ioc_, Main(), [&](std::exception_ptr e, Status s) {
      status = e ? Status(Error(ErrorCode::kServerInternal, "unexpected exception")) : std::move(s);
      ioc_.stop();
    });
    ioc_.run();
    if (!status.ok()) return std::move(status).error();
    return std::move(report_);
  }

 private:
  void FillWorkload() {
    report_.directory_url = config_.directory_url;
    report_.accounts = config_.accounts;
    report_.concurrency = config_.concurrency;
    report_.connections = Connections(config_);
    report_.orders_limit = config_.orders;
    report_.duration_limit_s = config_.duration_s;
    report_.cert_keys = config_.fresh_cert_keys ? "fresh" : "pooled";
    report_.names_per_order = config_.names_per_order;
    report_.profile = config_.profile;
    report_.challenge = config_.challenge == ChallengeKind::kDns01 ? "dns-01" : "http-01";
    report_.caa = config_.caa;
    report_.account_per_order = config_.account_per_order;
    report_.keep_alive = config_.keep_alive;
    report_.poll_initial_ms = config_.poll_initial.count();
    report_.started_at = UtcNow();
  }

  asio::awaitable<Status> Setup() {
    Status s = http_.Init();
    if (s.ok()) s = responder_.Listen(config_.http01_address, config_.http01_port);
    if (s.ok()) s = co_await acme_.LoadDirectory(config_.directory_url);
    if (s.ok() && config_.caa) s = co_await dns_.AddCaa(config_.caa_domain, config_.caa_issuer);
    if (!s.ok()) co_return s;
    for (int i = 0; i < (config_.account_per_order ? 0 : config_.accounts); ++i) {
      Result<BenchAccount> a = NewBenchAccount();
      if (!a.ok()) co_return std::move(a).error();
      accounts_.push_back(std::move(*a));
    }
    if (!config_.fresh_cert_keys) {
      for (int i = 0; i < std::max(1, config_.key_pool_size); ++i) {
        Result<crypto::Key> k = crypto::Key::Generate(crypto::KeyType::kEcP256);
        if (!k.ok()) co_return std::move(k).error();
        Result<CsrWriter> w = CsrWriter::ForKey(std::move(*k));
        if (!w.ok()) co_return std::move(w).error();
        cert_keys_.push_back(std::move(*w));
      }
    }
    // Register the accounts concurrently; the first failure is the answer.
    WaitGroup wg(ioc_);
    Status first = OkStatus();
    for (BenchAccount& account : accounts_) {
      wg.Add();
      asio::co_spawn(ioc_, Register(account, first, wg), asio::detached);
    }
    co_await wg.Wait();
    co_return first;
  }

  asio::awaitable<void> Register(BenchAccount& account, Status& first, WaitGroup& wg) {
    Status s = co_await RegisterAccount(account);
    if (!s.ok() && first.ok()) first = std::move(s);
    wg.Done();
  }

  // newAccount (RFC 8555 7.3) for `account`, which then has its kid.
  asio::awaitable<Status> RegisterAccount(BenchAccount& account) {
    Result<AcmeReply> r = co_await acme_.Post(RequestType::kNewAccount, account,
                                              acme_.directory().new_account, NewAccountPayload());
    if (!r.ok()) co_return Error(r.error().code, "newAccount: " + r.error().detail);
    if (r->location.empty())
      co_return Error(ErrorCode::kServerInternal, "protocol: newAccount answered without Location");
    account.kid = r->location;
    co_return OkStatus();
  }

  // An order as its own new account (--account-per-order), or as one of
  // the shared accounts.
  asio::awaitable<Status> AccountAndOrder(const OrderEnv& env, int64_t index,
                                          Clock::time_point deadline) {
    if (!config_.account_per_order)
      co_return co_await RunOrder(env, accounts_[size_t(index) % accounts_.size()], index, deadline);
    Result<BenchAccount> fresh = NewBenchAccount();
    if (!fresh.ok()) co_return Error(ErrorCode::kServerInternal, "client: " + fresh.error().detail);
    if (Status s = co_await RegisterAccount(*fresh); !s.ok()) co_return s;
    co_return co_await RunOrder(env, *fresh, index, deadline);
  }

  asio::awaitable<Status> Main() {
    const Clock::time_point setup_start = Clock::now();
    Status s = co_await Setup();
    if (!s.ok()) co_return s;
    report_.setup_seconds = SecondsSince(setup_start);

    const int pid = config_.server_pid;
    double server_cpu0 = 0;
    if (pid != 0) {
      Result<double> cpu = ProcessCpuSeconds(pid);
      if (!cpu.ok()) co_return cpu.error();
      server_cpu0 = *cpu;
      report_.server.emplace();
      report_.server->pid = pid;
      if (auto m = ProcessMemory(pid); m.ok()) report_.server->rss_idle_kb = m->rss_kb;
      report_.server->rss_max_kb = report_.server->rss_idle_kb;
    }
    Result<double> self_cpu = ProcessCpuSeconds(0);
    const double self_cpu0 = self_cpu.ok() ? *self_cpu : 0.0;

    phase_start_ = Clock::now();
    next_start_ = phase_start_;
    acme_.ResetSilenceClock();
    asio::co_spawn(ioc_, Sampler(), asio::detached);
    WaitGroup workers(ioc_);
    OrderEnv env{acme_, responder_, dns_, config_, tag_, cert_keys_, report_.validation};
    for (int i = 0; i < std::max(1, config_.concurrency); ++i) {
      workers.Add();
      asio::co_spawn(ioc_, Worker(env, workers), asio::detached);
    }
    co_await workers.Wait();
    report_.wall_seconds = SecondsSince(phase_start_);
    sampling_ = false;

    if (pid != 0) {
      if (auto cpu = ProcessCpuSeconds(pid); cpu.ok()) report_.server->cpu_seconds = *cpu - server_cpu0;
      if (auto m = ProcessMemory(pid); m.ok()) {
        report_.server->hwm_kb = m->hwm_kb;
        report_.server->rss_max_kb = std::max(report_.server->rss_max_kb, m->rss_kb);
      }
    }
    if (auto cpu = ProcessCpuSeconds(0); cpu.ok()) report_.client_cpu_seconds = *cpu - self_cpu0;
    if (auto m = ProcessMemory(0); m.ok()) report_.client_hwm_kb = m->hwm_kb;
    report_.connections_opened = http_.connections_opened();
    report_.tls_resumed = http_.tls_resumed();
    report_.challenges_served = responder_.served();
    responder_.Stop();
    if (config_.caa) {
      if (Status cleared = co_await dns_.ClearCaa(config_.caa_domain); !cleared.ok())
        std::fprintf(stderr, "signet-bench: %s\n", cleared.error().detail.c_str());
    }
    dns_.Close();
    http_.Close();
    co_return OkStatus();
  }

  // The next order index, or -1 when the run is over.
  int64_t NextOrder() {
    if (report_.stalled) return -1;
    if (config_.orders > 0 && next_order_ >= config_.orders) return -1;
    if (PastDuration()) return -1;
    return next_order_++;
  }

  bool PastDuration() const {
    return config_.duration_s > 0 && SecondsSince(phase_start_) >= config_.duration_s;
  }

  // With --rate, the time this worker may start its order.
  Clock::time_point StartSlot() {
    if (config_.rate <= 0) return Clock::now();
    Clock::time_point slot = std::max(Clock::now(), next_start_);
    next_start_ = slot + std::chrono::duration_cast<Clock::duration>(
                             std::chrono::duration<double>(1.0 / config_.rate));
    return slot;
  }

  asio::awaitable<void> Worker(const OrderEnv& env, WaitGroup& wg) {
    asio::steady_timer pacer(ioc_);
    for (;;) {
      // The order first, then its slot: a worker with no order left must
      // not hold a slot (with --rate, C idle workers would otherwise keep
      // the run open C/rate seconds past its last order).
      int64_t index = NextOrder();
      if (index < 0) break;
      Clock::time_point slot = StartSlot();
      if (slot > Clock::now()) {
        pacer.expires_at(slot);
        co_await pacer.async_wait(kUse);
        if (report_.stalled || PastDuration()) break;
      }
      ++report_.orders_started;
      const Clock::time_point start = Clock::now();
      Status s = co_await AccountAndOrder(env, index, start + config_.order_timeout);
      if (s.ok()) {
        ++report_.orders_completed;
        report_.order_latency.Record(
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start));
      } else {
        ++report_.orders_failed;
        ++report_.failed_orders[ErrorKind(s.error())];
        if (report_.failure_samples.size() < kFailureSamples)
          report_.failure_samples.push_back("order " + std::to_string(index) + ": " +
                                            s.error().detail);
      }
    }
    wg.Done();
  }

  // Samples the server's RSS and prints progress until the order phase ends.
  asio::awaitable<void> Sampler() {
    asio::steady_timer timer(ioc_);
    Clock::time_point next_progress = phase_start_;
    while (sampling_) {
      CheckStall();
      if (config_.server_pid != 0 && report_.server) {
        if (auto m = ProcessMemory(config_.server_pid); m.ok())
          report_.server->rss_max_kb = std::max(report_.server->rss_max_kb, m->rss_kb);
      }
      if (config_.progress_interval_s > 0 && Clock::now() >= next_progress) {
        if (next_progress != phase_start_) PrintProgress();
        next_progress += std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(config_.progress_interval_s));
      }
      timer.expires_after(kSampleEvery);
      co_await timer.async_wait(kUse);
    }
  }

  // A server that has answered nothing for stall_timeout while orders wait
  // is stalled (Pebble 2.4 deadlocks so): stop the run instead of waiting
  // out every request's timeout.
  void CheckStall() {
    int64_t in_flight = report_.orders_started - report_.orders_completed - report_.orders_failed;
    if (report_.stalled || config_.stall_timeout.count() <= 0 || in_flight == 0) return;
    if (Clock::now() - acme_.last_response() < config_.stall_timeout) return;
    report_.stalled = true;
    std::fprintf(stderr, "signet-bench: no answer for %lld ms with %lld orders in flight: stalled\n",
                 (long long)config_.stall_timeout.count(), (long long)in_flight);
    http_.AbortAll();
  }

  void PrintProgress() {
    double t = SecondsSince(phase_start_);
    int64_t in_flight = report_.orders_started - report_.orders_completed - report_.orders_failed;
    std::fprintf(stderr, "[%6.1f s] %lld done, %lld failed, %lld in flight, %.1f orders/s\n", t,
                 (long long)report_.orders_completed, (long long)report_.orders_failed,
                 (long long)in_flight, t > 0 ? double(report_.orders_completed) / t : 0.0);
  }

  // Destroyed last: coroutine frames still pending at the end die with it.
  asio::io_context ioc_{1};
  const BenchConfig& config_;
  BenchReport report_;
  HttpPool http_;
  ChallengeResponder responder_;
  MockDnsClient dns_;
  AcmeSession acme_;
  std::string tag_;
  std::vector<BenchAccount> accounts_;
  std::vector<CsrWriter> cert_keys_;
  int64_t next_order_ = 0;
  Clock::time_point phase_start_;
  Clock::time_point next_start_;
  bool sampling_ = true;
};

}  // namespace

Result<BenchReport> RunBench(const BenchConfig& config) {
  if (config.accounts < 1 || config.concurrency < 1 || config.names_per_order < 1)
    return Error(ErrorCode::kMalformed, "accounts, concurrency and names per order must be >= 1");
  if (config.orders <= 0 && config.duration_s <= 0)
    return Error(ErrorCode::kMalformed, "give a number of orders or a duration");
  Driver driver(config);
  return driver.Run();
}

}  // namespace signet::bench
