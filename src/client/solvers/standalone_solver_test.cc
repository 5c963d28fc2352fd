// Tests StandaloneSolver on loopback ports found free at run time.
#include "client/solvers/standalone_solver.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "client/solvers/solvers_test_util.h"

namespace signet::client {
namespace {

using test_util::FreePort;
using test_util::HttpGet;
using test_util::Listener;

const std::string kPrefix = "/.well-known/acme-challenge/";

ChallengeSpec Http01(std::string domain, std::string token) {
  ChallengeSpec c;
  c.domain = std::move(domain);
  c.type = "http-01";
  c.token = std::move(token);
  c.key_authorization = c.token + ".thumbprint-" + c.domain;
  c.validation = c.key_authorization;
  return c;
}

TEST(StandaloneSolverTest, ServesExactlyTheTokensInPlay) {
  uint16_t port = FreePort();
  StandaloneSolver solver("127.0.0.1", port);
  ChallengeSpec a = Http01("a.test", "tokenA_-1"), b = Http01("b.test", "tokenB");
  ASSERT_TRUE(solver.Perform({a, b}).ok());
  EXPECT_EQ(solver.port(), port);

  test_util::HttpReply r = HttpGet(port, kPrefix + a.token);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, a.key_authorization);
  EXPECT_EQ(HttpGet(port, kPrefix + b.token).body, b.key_authorization);
  EXPECT_EQ(HttpGet(port, kPrefix + "unknown").status, 404);
  EXPECT_EQ(HttpGet(port, kPrefix).status, 404);
  EXPECT_EQ(HttpGet(port, "/other/" + a.token).status, 404);
  EXPECT_EQ(HttpGet(port, kPrefix + a.token, "POST").status, 405);

  solver.Cleanup({a});
  EXPECT_EQ(HttpGet(port, kPrefix + a.token).status, 404);
  EXPECT_EQ(HttpGet(port, kPrefix + b.token).status, 200);

  solver.Cleanup({b});
  EXPECT_EQ(solver.port(), 0);
  EXPECT_EQ(HttpGet(port, kPrefix + b.token).connect_errno, ECONNREFUSED);
}

TEST(StandaloneSolverTest, ServesAgainAfterCleanup) {
  StandaloneSolver solver("127.0.0.1", FreePort());
  ChallengeSpec a = Http01("a.test", "first");
  ASSERT_TRUE(solver.Perform({a}).ok());
  solver.Cleanup({a});
  ChallengeSpec b = Http01("a.test", "second");
  Status st = solver.Perform({b});
  ASSERT_TRUE(st.ok()) << st.error().detail;
  EXPECT_EQ(HttpGet(solver.port(), kPrefix + b.token).body, b.key_authorization);
  EXPECT_EQ(HttpGet(solver.port(), kPrefix + a.token).status, 404);
  solver.Cleanup({b});
}

TEST(StandaloneSolverTest, AllInterfacesByDefault) {
  uint16_t port = FreePort();
  StandaloneSolver solver("", port);
  ChallengeSpec a = Http01("a.test", "tok");
  Status st = solver.Perform({a});
  ASSERT_TRUE(st.ok()) << st.error().detail;
  EXPECT_EQ(HttpGet(port, kPrefix + a.token).body, a.key_authorization);
  solver.Cleanup({a});
  EXPECT_EQ(HttpGet(port, kPrefix + a.token).connect_errno, ECONNREFUSED);
}

TEST(StandaloneSolverTest, PortInUseIsCertbotsMessage) {
  Listener busy;
  ASSERT_TRUE(busy.ok());
  StandaloneSolver solver("127.0.0.1", busy.port());
  Status st = solver.Perform({Http01("a.test", "tok")});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().detail,
            "Could not bind TCP port " + std::to_string(busy.port()) +
                " on 127.0.0.1 because it is already in use by another process on this system "
                "(such as a web server). Please stop the program in question and then try again.");
}

TEST(StandaloneSolverTest, PortInUseOnAllInterfaces) {
  Listener busy(0, "0.0.0.0");
  ASSERT_TRUE(busy.ok());
  StandaloneSolver solver("", busy.port());
  Status st = solver.Perform({Http01("a.test", "tok")});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().detail,
            "Could not bind TCP port " + std::to_string(busy.port()) +
                " because it is already in use by another process on this system (such as a web "
                "server). Please stop the program in question and then try again.");
}

TEST(StandaloneSolverTest, RefusesOtherChallengeTypesAndBadTokens) {
  StandaloneSolver solver("127.0.0.1", 0);
  ChallengeSpec dns = Http01("a.test", "tok");
  dns.type = "dns-01";
  EXPECT_FALSE(solver.Perform({dns}).ok());
  EXPECT_FALSE(solver.Perform({Http01("a.test", "../etc/passwd")}).ok());
  EXPECT_FALSE(solver.Perform({Http01("a.test", "")}).ok());
  EXPECT_EQ(solver.port(), 0);  // nothing was started
}

}  // namespace
}  // namespace signet::client
