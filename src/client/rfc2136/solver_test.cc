// Tests what the RFC 2136 solver refuses before it sends anything: no
// credentials file, a missing file, a challenge that is not a DNS one (checked
// for every challenge before the first update). The DNS exchanges themselves
// are tested against bind9 (tests/integration/signet_rfc2136_test.sh).
#include "client/rfc2136/solver.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

namespace signet::client::rfc2136 {
namespace {

ChallengeSpec Dns01(const char* domain) {
  ChallengeSpec c;
  c.type = "dns-01";
  c.domain = domain;
  c.token = "tok";
  c.validation = "value";
  return c;
}

TEST(Rfc2136Solver, NeedsACredentialsFile) {
  Solver solver("", std::chrono::seconds(1), nullptr);
  Status st = solver.Perform({Dns01("a.test")});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().detail,
            "--dns-rfc2136 needs --dns-rfc2136-credentials FILE (the RFC 2136 credentials INI "
            "file)");
  Solver missing("/nonexistent/rfc2136.ini", std::chrono::seconds(1), nullptr);
  Status gone = missing.Perform({Dns01("a.test")});
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().detail, "File not found: /nonexistent/rfc2136.ini");
}

TEST(Rfc2136Solver, RefusesNonDnsChallengesBeforeAnyUpdate) {
  // Port 9 on loopback: were an update sent, the error would name the server.
  std::string path = ::testing::TempDir() + "/rfc2136_solver.ini";
  std::ofstream(path) << "dns_rfc2136_server = 127.0.0.1\ndns_rfc2136_port = 9\n"
                         "dns_rfc2136_name = k\ndns_rfc2136_secret = c2VjcmV0\n";
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  std::vector<std::string> lines;
  Solver solver(path, std::chrono::seconds(1), [&](const std::string& l) { lines.push_back(l); });
  ChallengeSpec http = Dns01("b.test");
  http.type = "http-01";
  Status st = solver.Perform({Dns01("a.test"), http});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().detail, "http-01 (for b.test) is not a DNS challenge");
  EXPECT_TRUE(lines.empty());
}

}  // namespace
}  // namespace signet::client::rfc2136
