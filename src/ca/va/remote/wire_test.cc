// Tests that the overall deadline crosses the remote-perspective protocol:
// the primary tells a remote the time left (less a margin for the answer's
// way back), the remote bounds its own work by it, and the primary's call
// gives up at the deadline, not at its longer configured timeout.
#include "ca/va/remote/wire.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>

#include "ca/va/remote/remote_va_client.h"
#include "ca/va/remote/remote_va_server.h"

namespace signet::va::remote {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Records the deadline each call was given.
class RecordingVa : public ValidationAuthority {
 public:
  ValidationResult Validate(const ValidationRequest& request) override {
    seen_ = request.deadline;
    return {OkStatus(), {}};
  }
  Deadline seen() const { return seen_; }

 private:
  Status DoCheckCaa(const std::string&, bool, const std::string&, const std::string&,
                    Deadline deadline) override {
    seen_ = deadline;
    return OkStatus();
  }
  std::atomic<Deadline> seen_{Clock::time_point{}};
};

http::Request Post(const std::string& path, const json::object& body) {
  http::Request r;
  r.method = "POST";
  r.target = path;
  r.body = json::serialize(body);
  return r;
}

TEST(RemoteWireTest, BudgetIsTheTimeLeftLessAReturnMargin) {
  EXPECT_FALSE(RemoteBudgetMs(kNoDeadline).has_value());
  EXPECT_EQ(RemoteBudgetMs(Clock::now() - milliseconds(5)), 0);
  const int64_t ten_s = *RemoteBudgetMs(Clock::now() + milliseconds(10000));
  EXPECT_GT(ten_s, 8950);  // 10 s less a margin of 1 s (the cap).
  EXPECT_LE(ten_s, 9000);
  const int64_t half_s = *RemoteBudgetMs(Clock::now() + milliseconds(500));
  EXPECT_GT(half_s, 400);  // A tenth kept back.
  EXPECT_LE(half_s, 450);
}

TEST(RemoteWireTest, RequestCarriesTheDeadlineAsTimeLeft) {
  ValidationRequest request{"dns", "example.com", false, "http-01", "t", "t.k", ""};
  EXPECT_FALSE(RequestToJson(request).contains("timeout_ms")) << "no deadline, no budget";
  EXPECT_EQ(RequestFromJson(RequestToJson(request))->deadline, kNoDeadline);
  request.deadline = Clock::now() + milliseconds(5000);
  json::object o = RequestToJson(request);
  ASSERT_TRUE(o.contains("timeout_ms"));
  Result<ValidationRequest> back = RequestFromJson(o);
  ASSERT_TRUE(back.ok());
  // The remote's deadline: 5 s less the 0.5 s margin, from when it read it.
  EXPECT_LE(back->deadline, request.deadline - milliseconds(400));
  EXPECT_GT(back->deadline, request.deadline - milliseconds(600));
  o["timeout_ms"] = -7;  // Nonsense is clamped: now, never years ago.
  const Deadline clamped = RequestFromJson(o)->deadline;
  EXPECT_LE(clamped, Clock::now());
  EXPECT_GT(clamped, Clock::now() - milliseconds(100));
}

TEST(RemoteWireTest, TheRemoteBoundsItsWorkByTheRequestsBudget) {
  RecordingVa local;
  http::Handler handler = MakeRemoteVaHandler(local, "ARIN");
  Clock::time_point before = Clock::now();
  http::Response r = handler(Post("/va/caa", {{"name", "example.com"},
                                             {"method", "http-01"},
                                             {"timeout_ms", 1500}}));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_GE(local.seen(), before + milliseconds(1500));
  EXPECT_LE(local.seen(), Clock::now() + milliseconds(1500));

  ValidationRequest request{"dns", "example.com", false, "http-01", "t", "t.k", ""};
  json::object body = RequestToJson(request);
  body["timeout_ms"] = 2500;
  before = Clock::now();
  r = handler(Post("/va/validate", body));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_GE(local.seen(), before + milliseconds(2500));
  EXPECT_LE(local.seen(), Clock::now() + milliseconds(2500));

  r = handler(Post("/va/caa", {{"name", "example.com"}, {"method", "http-01"}}));
  EXPECT_EQ(local.seen(), kNoDeadline) << "no budget: the remote's own timeout applies";
}

// Every answer, the start-up probe's too, declares the remote's RIR, and
// the primary reads it back; an answer without a known one is an error.
TEST(RemoteWireTest, EveryAnswerDeclaresTheRemotesRir) {
  RecordingVa local;
  http::Handler handler = MakeRemoteVaHandler(local, "RIPE");
  for (const char* path : {"/va/info", "/va/caa", "/va/validate", "/va/nothing"}) {
    http::Response r = handler(Post(path, {{"name", "example.com"}, {"method", "http-01"}}));
    json::value v = json::parse(r.body);
    ASSERT_TRUE(v.is_object()) << path;
    Result<std::string> rir = DeclaredRir(v.get_object(), "https://r1");
    ASSERT_TRUE(rir.ok()) << path << ": " << r.body;
    EXPECT_EQ(*rir, "RIPE");
  }
  EXPECT_EQ(handler(Post("/va/info", {})).status, 200);
  for (json::object bad : {json::object{}, json::object{{"rir", "MARS"}}, json::object{{"rir", 3}}}) {
    Result<std::string> rir = DeclaredRir(bad, "https://r1");
    ASSERT_FALSE(rir.ok()) << json::serialize(bad);
    EXPECT_EQ(rir.error().code, ErrorCode::kServerInternal);
    EXPECT_EQ(rir.error().detail, "remote perspective https://r1 did not declare a known RIR");
  }
}

// A TCP listener on 127.0.0.1 that never accepts: a remote that hangs.
class HangingListener {
 public:
  HangingListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 8);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~HangingListener() { close(fd_); }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

TEST(RemoteClientTest, TheCallEndsAtTheDeadlineNotAtTheConfiguredTimeout) {
  HangingListener hanging;
  RemoteValidationAuthority remote(RemoteVaConfig{hanging.url(), "", "", "", milliseconds(10000)});
  const Clock::time_point start = Clock::now();
  Status s = remote.CheckCaa("example.com", false, "", "http-01", start + milliseconds(400));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kConnection) << s.error().ToString();
  EXPECT_LT(Clock::now() - start, milliseconds(2000)) << "waited for the 10 s timeout";

  Status late = remote.CheckCaa("example.com", false, "", "http-01", Clock::now());
  ASSERT_FALSE(late.ok());
  EXPECT_NE(late.error().detail.find("not asked: the validation deadline had passed"),
            std::string::npos)
      << late.error().detail;
}

}  // namespace
}  // namespace signet::va::remote
