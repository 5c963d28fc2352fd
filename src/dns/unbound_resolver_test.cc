// Tests UnboundResolver against a real DNS server on loopback:
// pebble-challtestsrv (Debian package "pebble"), driven by its management API.
#include "dns/unbound_resolver.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "dns/slow_dns_test_server.h"

namespace signet::dns {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

// Binds a loopback socket of `type` to `port` (0: any) and returns its fd.
int BindLoopback(int type, uint16_t port) {
  int fd = socket(AF_INET, type, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

uint16_t PortOf(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return ntohs(addr.sin_port);
}

// A port free for both UDP and TCP on 127.0.0.1 right now.
uint16_t FreePort() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    int udp = BindLoopback(SOCK_DGRAM, 0);
    uint16_t port = PortOf(udp);
    int tcp = BindLoopback(SOCK_STREAM, port);
    close(udp);
    if (tcp >= 0) {
      close(tcp);
      return port;
    }
  }
  return 0;
}

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

// POSTs `json` to 127.0.0.1:`port``path`; true on a 200 answer.
bool Post(uint16_t port, const std::string& path, const std::string& json) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return false;
  }
  std::string req = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                    "Content-Type: application/json\r\nConnection: close\r\n" +
                    "Content-Length: " + std::to_string(json.size()) + "\r\n\r\n" + json;
  bool sent = send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size());
  std::string resp;
  char buf[512];
  for (ssize_t n; sent && (n = recv(fd, buf, sizeof buf, 0)) > 0;) resp.append(buf, n);
  close(fd);
  return resp.rfind("HTTP/1.1 200", 0) == 0;
}

// One pebble-challtestsrv for the whole suite, serving DNS on 127.0.0.1 only.
class UnboundResolverTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!OnPath("pebble-challtestsrv")) return;  // Each test then FAILs.
    dns_port_ = FreePort();
    mgmt_port_ = FreePort();
    const std::string dns = "127.0.0.1:" + std::to_string(dns_port_);
    const std::string mgmt = "127.0.0.1:" + std::to_string(mgmt_port_);
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);  // Never outlive a crashed test.
      freopen("/dev/null", "w", stdout);
      freopen("/dev/null", "w", stderr);
      execlp("pebble-challtestsrv", "pebble-challtestsrv", "-dns01", dns.c_str(),
             "-http01", "", "-https01", "", "-tlsalpn01", "", "-management",
             mgmt.c_str(), "-defaultIPv4", "", "-defaultIPv6", "", nullptr);
      _exit(127);
    }
    ready_ = WaitReady();
  }

  static bool WaitReady() {
    const auto deadline = Clock::now() + std::chrono::seconds(15);
    while (Clock::now() < deadline && !Post(mgmt_port_, "/add-a",
                                            R"({"host":"ready.test.","addresses":["192.0.2.1"]})")) {
      std::this_thread::sleep_for(milliseconds(50));
    }
    auto resolver = UnboundResolver::Create(Server(), milliseconds(1000));
    if (!resolver.ok()) ready_error_ = resolver.error().ToString();
    while (resolver.ok() && Clock::now() < deadline) {
      auto got = (*resolver)->LookupHost("ready.test");
      if (got.ok()) return true;
      ready_error_ = got.error().ToString();
      std::this_thread::sleep_for(milliseconds(50));
    }
    return false;
  }

  static void TearDownTestSuite() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

  void SetUp() override {
    ASSERT_TRUE(OnPath("pebble-challtestsrv"))
        << "pebble-challtestsrv is not on PATH: install the Debian package \"pebble\"";
    ASSERT_TRUE(ready_) << "pebble-challtestsrv did not answer DNS on " << Server() << ": " << ready_error_;
    ASSERT_TRUE(Post(mgmt_port_, "/set-default-ipv4", R"({"ip":""})"));
    ASSERT_TRUE(Post(mgmt_port_, "/set-default-ipv6", R"({"ip":""})"));
    auto resolver = UnboundResolver::Create(Server(), milliseconds(2000));
    ASSERT_TRUE(resolver.ok()) << resolver.error().ToString();
    resolver_ = std::move(*resolver);
  }

  static std::string Server() { return "127.0.0.1:" + std::to_string(dns_port_); }
  static bool Mock(const std::string& path, const std::string& json) {
    return Post(mgmt_port_, path, json);
  }

  static inline pid_t pid_ = -1;
  static inline uint16_t dns_port_ = 0;
  static inline uint16_t mgmt_port_ = 0;
  static inline bool ready_ = false;
  static inline std::string ready_error_;
  std::unique_ptr<UnboundResolver> resolver_;
};

TEST_F(UnboundResolverTest, LooksUpA) {
  ASSERT_TRUE(Mock("/add-a", R"({"host":"a.test.","addresses":["192.0.2.10","192.0.2.11"]})"));
  auto got = resolver_->LookupHost("a.test");
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  std::vector<std::string> addrs = *got;
  std::sort(addrs.begin(), addrs.end());
  EXPECT_EQ(addrs, (std::vector<std::string>{"192.0.2.10", "192.0.2.11"}));
}

TEST_F(UnboundResolverTest, LooksUpAaaaAfterA) {
  ASSERT_TRUE(Mock("/add-aaaa", R"({"host":"v6.test.","addresses":["2001:db8::1"]})"));
  ASSERT_TRUE(Mock("/add-a", R"({"host":"dual.test.","addresses":["192.0.2.20"]})"));
  ASSERT_TRUE(Mock("/add-aaaa", R"({"host":"dual.test.","addresses":["2001:db8::2"]})"));
  auto v6 = resolver_->LookupHost("v6.test");
  ASSERT_TRUE(v6.ok()) << v6.error().ToString();
  EXPECT_EQ(*v6, (std::vector<std::string>{"2001:db8::1"}));
  auto dual = resolver_->LookupHost("dual.test.");
  ASSERT_TRUE(dual.ok()) << dual.error().ToString();
  EXPECT_EQ(*dual, (std::vector<std::string>{"192.0.2.20", "2001:db8::2"}));
}

TEST_F(UnboundResolverTest, UsesServerDefaultAddress) {
  ASSERT_TRUE(Mock("/set-default-ipv4", R"({"ip":"192.0.2.99"})"));
  auto got = resolver_->LookupHost("anything.example");
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(*got, (std::vector<std::string>{"192.0.2.99"}));
}

TEST_F(UnboundResolverTest, NoAddressesIsDnsError) {
  auto got = resolver_->LookupHost("nothing-here.test");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kDns);
  EXPECT_NE(got.error().detail.find("No valid IP addresses found for nothing-here.test"),
            std::string::npos) << got.error().detail;
}

TEST_F(UnboundResolverTest, SeesRecordChangesImmediately) {
  ASSERT_TRUE(Mock("/add-a", R"({"host":"change.test.","addresses":["192.0.2.30"]})"));
  ASSERT_TRUE(resolver_->LookupHost("change.test").ok());
  ASSERT_TRUE(Mock("/clear-a", R"({"host":"change.test."})"));
  ASSERT_TRUE(Mock("/add-a", R"({"host":"change.test.","addresses":["192.0.2.31"]})"));
  auto got = resolver_->LookupHost("change.test");
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(*got, (std::vector<std::string>{"192.0.2.31"}));
}

TEST_F(UnboundResolverTest, ConcurrentLookups) {
  ASSERT_TRUE(Mock("/add-a", R"({"host":"busy.test.","addresses":["192.0.2.40"]})"));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 15; ++i) {
        auto got = resolver_->LookupHost("busy.test");
        if (!got.ok() || *got != std::vector<std::string>{"192.0.2.40"}) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

// A server that receives queries and never answers: the deadline must hold.
TEST_F(UnboundResolverTest, SilentServerTimesOut) {
  int silent = BindLoopback(SOCK_DGRAM, 0);
  ASSERT_GE(silent, 0);
  auto resolver = UnboundResolver::Create("127.0.0.1:" + std::to_string(PortOf(silent)),
                                          milliseconds(400));
  ASSERT_TRUE(resolver.ok());
  const auto start = Clock::now();
  auto got = (*resolver)->LookupHost("slow.test");
  const auto elapsed = Clock::now() - start;
  close(silent);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kDns);
  EXPECT_NE(got.error().detail.find("timed out"), std::string::npos) << got.error().detail;
  EXPECT_GE(elapsed, milliseconds(350));
  EXPECT_LT(elapsed, milliseconds(2000));
}

TEST_F(UnboundResolverTest, NothingListeningFailsWithinTimeout) {
  int probe = BindLoopback(SOCK_DGRAM, 0);
  const uint16_t port = PortOf(probe);
  close(probe);
  auto resolver = UnboundResolver::Create("127.0.0.1:" + std::to_string(port), milliseconds(400));
  ASSERT_TRUE(resolver.ok());
  const auto start = Clock::now();
  auto got = (*resolver)->LookupHost("nobody.test");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kDns);
  EXPECT_LT(Clock::now() - start, milliseconds(2000));
}

TEST_F(UnboundResolverTest, LooksUpTxtRecords) {
  ASSERT_TRUE(Mock("/set-txt", R"({"host":"_acme-challenge.txt.test.","value":"first"})"));
  ASSERT_TRUE(Mock("/set-txt", R"({"host":"_acme-challenge.txt.test.","value":"second"})"));
  auto got = resolver_->LookupTxt("_acme-challenge.txt.test");
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  std::vector<std::string> records = got->records;
  std::sort(records.begin(), records.end());
  EXPECT_EQ(records, (std::vector<std::string>{"first", "second"}));
  EXPECT_FALSE(got->secure);
}

TEST_F(UnboundResolverTest, NoTxtOrCaaIsEmptyNotError) {
  auto txt = resolver_->LookupTxt("_acme-challenge.none.test");
  ASSERT_TRUE(txt.ok()) << txt.error().ToString();
  EXPECT_TRUE(txt->records.empty());
  auto caa = resolver_->LookupCaa("none.test");
  ASSERT_TRUE(caa.ok()) << caa.error().ToString();
  EXPECT_TRUE(caa->records.empty());
}

TEST_F(UnboundResolverTest, LooksUpCaaRecords) {
  ASSERT_TRUE(Mock("/add-caa", R"({"host":"caa.test.","policies":[)"
                               R"({"tag":"issue","value":"ca.test; accounturi=https://a/1"},)"
                               R"({"tag":"issuewild","value":";"}]})"));
  auto got = resolver_->LookupCaa("caa.test");
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  ASSERT_EQ(got->records.size(), 2u);
  std::vector<CaaRecord> records = got->records;
  std::sort(records.begin(), records.end(),
            [](const CaaRecord& a, const CaaRecord& b) { return a.tag < b.tag; });
  EXPECT_EQ(records[0], (CaaRecord{0, "issue", "ca.test; accounturi=https://a/1"}));
  EXPECT_EQ(records[1], (CaaRecord{0, "issuewild", ";"}));
}

TEST_F(UnboundResolverTest, ServfailIsAnErrorForEveryType) {
  ASSERT_TRUE(Mock("/set-servfail", R"({"host":"fail.test."})"));
  auto caa = resolver_->LookupCaa("fail.test");
  ASSERT_FALSE(caa.ok());
  EXPECT_EQ(caa.error().code, ErrorCode::kDns);
  EXPECT_EQ(caa.error().detail, "DNS problem: SERVFAIL looking up CAA for fail.test");
  auto txt = resolver_->LookupTxt("fail.test");
  ASSERT_FALSE(txt.ok());
  EXPECT_EQ(txt.error().detail, "DNS problem: SERVFAIL looking up TXT for fail.test");
  ASSERT_TRUE(Mock("/clear-servfail", R"({"host":"fail.test."})"));
}

TEST_F(UnboundResolverTest, FollowsCnameForTxt) {
  ASSERT_TRUE(Mock("/set-cname", R"({"host":"_acme-challenge.alias.test.",)"
                                 R"("target":"_acme-challenge.target.test."})"));
  ASSERT_TRUE(Mock("/set-txt", R"({"host":"_acme-challenge.target.test.","value":"via-cname"})"));
  auto got = resolver_->LookupTxt("_acme-challenge.alias.test");
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(got->records, (std::vector<std::string>{"via-cname"}));
  EXPECT_EQ(got->canonical_name, "_acme-challenge.target.test.");
}

// The DNS server down (nothing listening) while clients keep asking for a
// name, then back: the name resolves again at once. libunbound kept the
// failure (the retransmission backoff of the forwarder it marked down, then
// a SERVFAIL in its message cache) and failed the name for another 10 s
// after a 12 s outage; a fresh context after each failure forgets it.
TEST(UnboundResolverOutageTest, ServerBackAfterAnOutageAnswersAtOnce) {
  int probe = BindLoopback(SOCK_DGRAM, 0);
  const uint16_t port = PortOf(probe);
  close(probe);
  std::mutex mu;
  std::vector<std::pair<bool, std::string>> reports;
  UnboundOptions options;
  options.on_server_state = [&](bool answering, const std::string& detail) {
    std::lock_guard<std::mutex> lock(mu);
    reports.emplace_back(answering, detail);
  };
  auto resolver =
      UnboundResolver::Create("127.0.0.1:" + std::to_string(port), milliseconds(1000), options);
  ASSERT_TRUE(resolver.ok());
  for (int i = 0; i < 12; ++i) {
    auto down = (*resolver)->LookupCaa("up.test");
    ASSERT_FALSE(down.ok());
    EXPECT_EQ(down.error().code, ErrorCode::kDns);
  }
  test_support::SlowDnsServer server(milliseconds(0), port);
  const auto start = Clock::now();
  Result<CaaAnswer> up = Error(ErrorCode::kDns, "not asked");
  while (Clock::now() - start < seconds(30)) {
    up = (*resolver)->LookupCaa("up.test");
    if (up.ok()) break;
    std::this_thread::sleep_for(milliseconds(100));
  }
  ASSERT_TRUE(up.ok()) << up.error().ToString();
  EXPECT_LT(Clock::now() - start, seconds(2));
  // One report that the server stopped answering (after the third failure),
  // one that it answers again.
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_FALSE(reports[0].first);
  EXPECT_NE(reports[0].second.find("up.test"), std::string::npos) << reports[0].second;
  EXPECT_TRUE(reports[1].first);
}

// A batch of CAA lookups is one lookup for the server's state: parents that
// fail (SERVFAIL) while the name itself answers are no sign of an outage,
// however their answers interleave (counted one by one, four failures and
// one answer per batch make three failures in a row within two batches).
TEST(UnboundResolverCaaBatchTest, FailingParentsDoNotReportTheServerDown) {
  test_support::SlowDnsServer server(milliseconds(0));
  const std::vector<std::string> names = {"a.b.c.d.test", "b.c.d.test", "c.d.test", "d.test",
                                          "test"};
  for (size_t i = 1; i < names.size(); ++i) server.SetServfail(names[i]);
  std::mutex mu;
  std::vector<bool> reports;
  UnboundOptions options;
  options.on_server_state = [&](bool answering, const std::string&) {
    std::lock_guard<std::mutex> lock(mu);
    reports.push_back(answering);
  };
  auto resolver = UnboundResolver::Create(server.address(), milliseconds(2000), options);
  ASSERT_TRUE(resolver.ok()) << resolver.error().ToString();
  for (int round = 0; round < 4; ++round) {
    CaaAnswers got = (*resolver)->LookupCaaAll(names, kNoDeadline,
                                               [](const CaaAnswers&) { return false; });
    ASSERT_EQ(got.size(), names.size());
    ASSERT_TRUE(got[0] && got[0]->ok()) << got[0]->error().ToString();
    ASSERT_TRUE(got[4] && !got[4]->ok());
    EXPECT_EQ(got[4]->error().detail, "DNS problem: SERVFAIL looking up CAA for test");
  }
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_TRUE(reports.empty()) << "reported the server down";
}

// The caller's deadline cuts a lookup short of the per-query timeout, for
// every type; a deadline already past sends no query at all.
TEST(UnboundResolverDeadlineTest, DeadlineSoonerThanTheTimeoutWins) {
  test_support::SlowDnsServer silent(std::nullopt);
  auto resolver = UnboundResolver::Create(silent.address(), milliseconds(5000));
  ASSERT_TRUE(resolver.ok()) << resolver.error().ToString();
  auto start = Clock::now();
  auto caa = (*resolver)->LookupCaa("slow.test", start + milliseconds(300));
  ASSERT_FALSE(caa.ok());
  EXPECT_EQ(caa.error().code, ErrorCode::kDns);
  EXPECT_EQ(caa.error().detail, "DNS problem: query timed out looking up CAA for slow.test");
  EXPECT_GE(Clock::now() - start, milliseconds(290));
  EXPECT_LT(Clock::now() - start, milliseconds(1500));
  start = Clock::now();
  EXPECT_FALSE((*resolver)->LookupHost("slow.test", start + milliseconds(200)).ok());
  EXPECT_FALSE((*resolver)->LookupTxt("slow.test", start + milliseconds(200)).ok());
  EXPECT_LT(Clock::now() - start, milliseconds(1500));
}

TEST(UnboundResolverDeadlineTest, PassedDeadlineAsksNothing) {
  test_support::SlowDnsServer server(milliseconds(0));
  auto resolver = UnboundResolver::Create(server.address(), milliseconds(5000));
  ASSERT_TRUE(resolver.ok()) << resolver.error().ToString();
  auto got = (*resolver)->LookupTxt("late.test", Clock::now() - milliseconds(1));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kDns);
  EXPECT_EQ(got.error().detail, "DNS problem: query timed out looking up TXT for late.test");
  auto answered = (*resolver)->LookupCaa("prompt.test", Clock::now() + milliseconds(2000));
  ASSERT_TRUE(answered.ok()) << answered.error().ToString();
  EXPECT_TRUE(answered->records.empty());
  EXPECT_EQ(server.queries(), 1) << "only the lookup with time left was sent";
}

TEST(UnboundResolverCreateTest, RejectsBadTrustAnchor) {
  UnboundOptions options;
  options.trust_anchors = {"example.test. IN DS not a ds record"};
  auto got = UnboundResolver::Create("127.0.0.1:53", milliseconds(100), options);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kServerInternal);
  EXPECT_NE(got.error().detail.find("trust anchors"), std::string::npos) << got.error().detail;
  options.trust_anchors.clear();
  options.trust_anchor_files = {"/nonexistent/anchor.key"};
  EXPECT_FALSE(UnboundResolver::Create("127.0.0.1:53", milliseconds(100), options).ok());
}

// The production default (dns/trust_anchors.h): dns-root-data's root key
// is one libunbound accepts.
TEST(UnboundResolverCreateTest, LoadsDebiansRootTrustAnchor) {
  UnboundOptions options;
  options.trust_anchor_files = {"/usr/share/dns/root.key"};
  auto got = UnboundResolver::Create("127.0.0.1:53", milliseconds(100), options);
  EXPECT_TRUE(got.ok()) << got.error().ToString();
}

TEST(UnboundResolverCreateTest, RejectsUnparsableServers) {
  for (const char* bad : {"", "localhost", "localhost:53", "127.0.0.1:", "127.0.0.1:0",
                          "127.0.0.1:99999", "127.0.0.1:53x", "[::1]", "[::1]53",
                          "[127.0.0.1]:53", "1.2.3:53", "ns.example.com"}) {
    auto got = UnboundResolver::Create(bad, milliseconds(100));
    ASSERT_FALSE(got.ok()) << bad;
    EXPECT_EQ(got.error().code, ErrorCode::kMalformed) << bad;
  }
}

TEST(UnboundResolverCreateTest, ForwarderSyntax) {
  EXPECT_EQ(*ToUnboundForwarder("127.0.0.1:8053"), "127.0.0.1@8053");
  EXPECT_EQ(*ToUnboundForwarder("[::1]:53"), "::1@53");
  EXPECT_EQ(*ToUnboundForwarder("127.0.0.1"), "127.0.0.1@53");
  EXPECT_EQ(*ToUnboundForwarder("::1"), "::1@53");
}

}  // namespace
}  // namespace signet::dns
