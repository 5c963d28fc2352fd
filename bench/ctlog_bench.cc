// ctlog_bench: add-pre-chain requests per second of signet-ctlog. Makes a
// root, an intermediate and N distinct precertificates, starts signet-ctlog
// (a fresh data directory, that root accepted) on loopback, posts every
// precertificate chain once from C threads with keep-alive connections, and
// prints the rate and the latency percentiles. Every SCT is fsynced before
// it is returned, so this measures the log's durable path end to end.
// Usage: ctlog_bench SIGNET_CTLOG [-n N] [-c C] [--port P]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "ct/ct_test_support.h"
#include "http/client.h"

namespace ts = signet::ct::testing_support;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: ctlog_bench SIGNET_CTLOG [-n N] [-c C] [--port P]\n");
    return 2;
  }
  std::string ctlog = argv[1];
  int n = 4000, c = 16, port = 24200;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "-n")
      n = std::stoi(argv[i + 1]);
    else if (a == "-c")
      c = std::stoi(argv[i + 1]);
    else if (a == "--port")
      port = std::stoi(argv[i + 1]);
  }
  auto dir = std::filesystem::temp_directory_path() / ("ctlog_bench." + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  ts::Issued root = ts::MakeCa("Bench Root", nullptr);
  ts::Issued inter = ts::MakeCa("Bench Intermediate", &root);
  std::ofstream(dir / "root.pem") << ts::PemOf(root.cert.get());
  std::fprintf(stderr, "making %d precertificates...\n", n);
  std::vector<std::string> bodies;
  for (int i = 0; i < n; ++i) {
    ts::Issued pre = ts::MakeLeaf("n" + std::to_string(i) + ".bench.test", inter, true);
    bodies.push_back(ts::ChainBody({pre.cert.get(), inter.cert.get()}));
  }

  std::string listen = "127.0.0.1:" + std::to_string(port);
  pid_t pid = ::fork();
  if (pid == 0) {
    std::string data = (dir / "log").string(), roots = (dir / "root.pem").string();
    execl(ctlog.c_str(), ctlog.c_str(), "serve", "--data-dir", data.c_str(), "--listen",
          listen.c_str(), "--roots", roots.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  std::string url = "http://" + listen + "/ct/v1/";
  signet::http::Client probe({});
  for (int i = 0; i < 100 && !probe.Send("GET", url + "get-sth").ok(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  std::atomic<int> next{0}, failures{0};
  std::vector<std::vector<double>> latencies(c);
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < c; ++t) {
    threads.emplace_back([&, t] {
      signet::http::Client client({});
      for (int i; (i = next++) < n;) {
        auto t0 = Clock::now();
        auto res = client.Send("POST", url + "add-pre-chain",
                               {{"Content-Type", "application/json"}}, bodies[i]);
        latencies[t].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (!res.ok() || res->status != 200) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ::kill(pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
  std::filesystem::remove_all(dir);

  std::vector<double> all;
  for (auto& v : latencies) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all.empty() ? 0 : all[size_t(p * double(all.size() - 1))]; };
  std::printf("add-pre-chain: %d requests, %d threads, %d failed\n", n, c, failures.load());
  std::printf("  %.0f requests/s (%.2f s)\n", n / seconds, seconds);
  std::printf("  latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", pct(0.5), pct(0.9),
              pct(0.99), pct(1.0));
  return failures.load() == 0 ? 0 : 1;
}
