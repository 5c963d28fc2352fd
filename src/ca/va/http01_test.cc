// Tests Http01Validator against in-process HTTP and HTTPS servers on
// 127.0.0.1 (ephemeral ports). No traffic leaves the loopback interface.
#include "ca/va/http01.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "ca/va/detail_text.h"
#include "ca/va/http01_test_server.h"
#include "dns/static_resolver.h"

namespace signet::va {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using test_support::ClosedPort;
using test_support::OrderedResolver;
using test_support::Reply;
using test_support::Seen;
using test_support::SilentListener;
using test_support::TestServer;

constexpr char kToken[] = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";
constexpr char kKeyAuth[] =
    "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";
const std::string kPath = std::string("/.well-known/acme-challenge/") + kToken;

class Http01Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tls_ = test_support::MakeTlsContext().release();
    http_ = new TestServer(nullptr);
    https_ = new TestServer(tls_);
  }
  static void TearDownTestSuite() {
    delete http_;
    delete https_;
    delete tls_;
  }
  void SetUp() override {
    http_->Reset();
    https_->Reset();
    resolver_.Add("valid.test", {"127.0.0.1"});
    resolver_.Add("other.test", {"127.0.0.1"});
    resolver_.Add("secure.test", {"127.0.0.1"});
  }

  Http01Config Config() const {
    Http01Config config;
    config.http_port = http_->port();
    config.https_port = https_->port();
    config.allow_loopback = true;
    config.connect_timeout = milliseconds(2000);
    config.total_timeout = milliseconds(5000);
    return config;
  }

  Http01Outcome Run(const std::string& name = "valid.test") {
    return Run(Config(), name);
  }
  Http01Outcome Run(const Http01Config& config, const std::string& name = "valid.test") {
    Http01Validator validator(resolver_, config);
    return validator.Validate(name, kToken, kKeyAuth);
  }
  // Redirects every request to `location`.
  static void RedirectAll(const std::string& location, unsigned status = 302) {
    http_->SetHandler([=](const Seen&) { return Reply{status, "", location}; });
  }
  static Reply KeyAuthReply() { return Reply{200, std::string(kKeyAuth) + "\n", ""}; }

  static inline boost::asio::ssl::context* tls_ = nullptr;
  static inline TestServer* http_ = nullptr;
  static inline TestServer* https_ = nullptr;
  dns::StaticResolver resolver_;
};

#define EXPECT_FAILURE(outcome, want_code, substring)                          \
  do {                                                                         \
    ASSERT_FALSE((outcome).status.ok()) << "expected failure";                 \
    EXPECT_EQ((outcome).status.error().code, (want_code))                      \
        << (outcome).status.error().ToString();                                \
    EXPECT_NE((outcome).status.error().detail.find(substring), std::string::npos) \
        << (outcome).status.error().detail;                                    \
  } while (0)

TEST_F(Http01Test, SucceedsWithTrailingNewlineAndFillsRecord) {
  http_->SetHandler([](const Seen& s) {
    return s.target == kPath ? KeyAuthReply() : Reply{404, "", ""};
  });
  Http01Outcome out = Run();
  ASSERT_TRUE(out.status.ok()) << out.status.error().ToString();
  ASSERT_EQ(out.records.size(), 1u);
  const ValidationRecord& r = out.records[0];
  EXPECT_EQ(r.url, "http://valid.test" + kPath);
  EXPECT_EQ(r.hostname, "valid.test");
  EXPECT_EQ(r.port, std::to_string(http_->port()));
  EXPECT_EQ(r.addresses_resolved, std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(r.address_used, "127.0.0.1");
  ASSERT_EQ(http_->seen().size(), 1u);
  EXPECT_EQ(http_->seen()[0].host, "valid.test");
  EXPECT_EQ(http_->seen()[0].user_agent, "signetd-va");
}

TEST_F(Http01Test, TrailingWhitespaceOnlyIsTrimmed) {
  http_->SetHandler([](const Seen&) { return Reply{200, std::string(kKeyAuth) + " \r\n\t", ""}; });
  EXPECT_TRUE(Run().status.ok());
  http_->SetHandler([](const Seen&) { return Reply{200, " " + std::string(kKeyAuth), ""}; });
  EXPECT_FAILURE(Run(), ErrorCode::kIncorrectResponse, "did not match");
}

TEST_F(Http01Test, WrongBodyIsIncorrectResponse) {
  http_->SetHandler([](const Seen&) { return Reply{200, "wrong \"stuff\"\n", ""}; });
  Http01Outcome out = Run();
  EXPECT_FAILURE(out, ErrorCode::kIncorrectResponse,
                 "The key authorization file from the server did not match this challenge. "
                 "Expected \"" + std::string(kKeyAuth) + "\" (got \"wrong \\\"stuff\\\"\\n\")");
}

// What a server sent is echoed only as a short excerpt (kMaxQuotedBytes),
// even with loopback validation allowed.
TEST_F(Http01Test, WrongLongBodyIsQuotedOnlyUpToTheCap) {
  const std::string body = std::string(kMaxQuotedBytes, 'a') + std::string(300, 'Z');
  http_->SetHandler([=](const Seen&) { return Reply{200, body, ""}; });
  Http01Outcome out = Run();
  EXPECT_FAILURE(out, ErrorCode::kIncorrectResponse,
                 "(got \"" + std::string(kMaxQuotedBytes, 'a') + "\"... (428 bytes in all))");
  EXPECT_EQ(out.status.error().detail.find('Z'), std::string::npos)
      << out.status.error().detail;
}

TEST_F(Http01Test, NotFoundIsIncorrectResponse) {
  EXPECT_FAILURE(Run(), ErrorCode::kIncorrectResponse,
                 "Invalid response from http://valid.test" + kPath + ": 404");
}

TEST_F(Http01Test, ConnectionRefused) {
  Http01Config config = Config();
  config.http_port = ClosedPort();
  Http01Outcome out = Run(config);
  EXPECT_FAILURE(out, ErrorCode::kConnection, "127.0.0.1: Fetching http://valid.test");
  EXPECT_FAILURE(out, ErrorCode::kConnection, ": Connection refused");
}

TEST_F(Http01Test, SilentServerTimesOut) {
  SilentListener silent;
  Http01Config config = Config();
  config.http_port = silent.port();
  config.total_timeout = milliseconds(500);
  const auto start = Clock::now();
  Http01Outcome out = Run(config);
  EXPECT_FAILURE(out, ErrorCode::kConnection,
                 "Timeout after connect (your server may be slow or overloaded)");
  EXPECT_LT(Clock::now() - start, milliseconds(3000));
}

TEST_F(Http01Test, FallsBackToNextAddressOnConnectFailure) {
  // Nothing listens on [::1]:port (the server is bound to 127.0.0.1 only).
  OrderedResolver resolver({"::1", "127.0.0.1"});
  http_->SetHandler([](const Seen&) { return KeyAuthReply(); });
  Http01Outcome out = Http01Validator(resolver, Config()).Validate("valid.test", kToken, kKeyAuth);
  ASSERT_TRUE(out.status.ok()) << out.status.error().ToString();
  EXPECT_EQ(out.records[0].address_used, "127.0.0.1");
}

TEST_F(Http01Test, FollowsRedirectToAnotherName) {
  http_->SetHandler([](const Seen& s) {
    if (s.host == "valid.test") return Reply{301, "", "http://other.test/elsewhere"};
    return s.target == "/elsewhere" ? KeyAuthReply() : Reply{404, "", ""};
  });
  Http01Outcome out = Run();
  ASSERT_TRUE(out.status.ok()) << out.status.error().ToString();
  ASSERT_EQ(out.records.size(), 2u);
  EXPECT_EQ(out.records[1].url, "http://other.test/elsewhere");
  EXPECT_EQ(out.records[1].hostname, "other.test");
  EXPECT_EQ(http_->seen().back().host, "other.test");
}

TEST_F(Http01Test, FollowsRelativeAndPort80Redirects) {
  http_->SetHandler([](const Seen& s) {
    if (s.target == kPath) return Reply{307, "", "../moved?x=1"};
    if (s.target == "/.well-known/moved?x=1") {
      return Reply{308, "", "http://other.test:80/final"};
    }
    return s.target == "/final" ? KeyAuthReply() : Reply{404, "", ""};
  });
  Http01Outcome out = Run();
  ASSERT_TRUE(out.status.ok()) << out.status.error().ToString();
  ASSERT_EQ(out.records.size(), 3u);
  EXPECT_EQ(out.records[2].port, std::to_string(http_->port()));
  EXPECT_EQ(http_->seen().back().host, "other.test");  // No ":80" for the default port.
}

TEST_F(Http01Test, FollowsRedirectToHttpsWithSni) {
  RedirectAll("https://secure.test/tls-path", 303);
  https_->SetHandler([](const Seen&) { return KeyAuthReply(); });
  Http01Outcome out = Run();
  ASSERT_TRUE(out.status.ok()) << out.status.error().ToString();
  ASSERT_EQ(out.records.size(), 2u);
  EXPECT_EQ(out.records[1].port, std::to_string(https_->port()));
  ASSERT_EQ(https_->seen().size(), 1u);
  EXPECT_EQ(https_->seen()[0].sni, "secure.test");
  EXPECT_EQ(https_->seen()[0].host, "secure.test");
}

// Port 80 is remapped (the test contract's --http01-port 5002; here the test
// server's random port) and so is 443 (--http01-https-port). A server on the
// remapped port redirecting to http/https on the configured ports written
// out, as a test bed does, validates: the URL's own port is judged, and
// the configured ports count as 80 and 443 do.
TEST_F(Http01Test, FollowsRedirectsNamingTheConfiguredPorts) {
  const std::string https_port = std::to_string(https_->port());
  const std::string http_port = std::to_string(http_->port());
  http_->SetHandler([=](const Seen& s) {
    if (s.target == kPath) return Reply{302, "", "http://other.test:" + http_port + "/again"};
    return Reply{301, "", "https://secure.test:" + https_port + "/tls"};
  });
  https_->SetHandler([](const Seen& s) {
    return s.target == "/tls" ? KeyAuthReply() : Reply{404, "", ""};
  });
  Http01Outcome out = Run();
  ASSERT_TRUE(out.status.ok()) << out.status.error().ToString();
  ASSERT_EQ(out.records.size(), 3u);
  EXPECT_EQ(out.records[1].port, http_port);
  EXPECT_EQ(out.records[2].url, "https://secure.test:" + https_port + "/tls");
  EXPECT_EQ(out.records[2].port, https_port);
  ASSERT_EQ(https_->seen().size(), 1u);
  EXPECT_EQ(https_->seen()[0].host, "secure.test:" + https_port);
  EXPECT_EQ(https_->seen()[0].sni, "secure.test");
}

// The overall deadline of the caller wins over the configured total timeout.
TEST_F(Http01Test, CallersDeadlineBoundsTheFetch) {
  SilentListener silent;
  Http01Config config = Config();
  config.http_port = silent.port();
  config.total_timeout = milliseconds(10000);
  const auto start = Clock::now();
  Http01Outcome out =
      Http01Validator(resolver_, config).Validate("valid.test", kToken, kKeyAuth,
                                                  start + milliseconds(300));
  EXPECT_FAILURE(out, ErrorCode::kConnection, "Timeout after connect");
  EXPECT_LT(Clock::now() - start, milliseconds(2000));
}

TEST_F(Http01Test, TenRedirectsAreAllowedElevenAreNot) {
  auto chain = [](int length) {
    return [length](const Seen& s) {
      const int n = s.target == kPath ? 0 : std::stoi(s.target.substr(3));
      if (n < length) return Reply{302, "", "/r/" + std::to_string(n + 1)};
      return KeyAuthReply();
    };
  };
  http_->SetHandler(chain(kMaxRedirects));
  Http01Outcome ok = Run();
  ASSERT_TRUE(ok.status.ok()) << ok.status.error().ToString();
  EXPECT_EQ(ok.records.size(), 11u);
  http_->SetHandler(chain(kMaxRedirects + 1));
  Http01Outcome out = Run();
  EXPECT_FAILURE(out, ErrorCode::kConnection, "Too many redirects");
  EXPECT_EQ(out.records.size(), 11u);
}

TEST_F(Http01Test, RedirectLoopDetected) {
  http_->SetHandler([](const Seen& s) {
    if (s.target == kPath) return Reply{302, "", "/a"};
    if (s.target == "/a") return Reply{302, "", "http://other.test/b"};
    return Reply{302, "", "http://VALID.test:80/a"};
  });
  EXPECT_FAILURE(Run(), ErrorCode::kConnection, "Redirect loop detected");
}

TEST_F(Http01Test, RedirectPolicyViolations) {
  const struct {
    const char* location;
    const char* want;
  } cases[] = {
      {"http://other.test:8080/x",
       "Invalid port in redirect target. Only ports 80 and 443 are supported, not 8080"},
      {"ftp://other.test/x",
       "Invalid protocol scheme in redirect target. Only \"http\" and \"https\" are "
       "supported, not \"ftp\""},
      {"http://1.2.3.4/x", "Invalid host in redirect target \"1.2.3.4\""},
      {"http://127.0.0.1/x", "redirect to an IP address literal is not allowed"},
      {"http://[::1]/x", "Only domain names are supported, not IP addresses"},
      {"http://localhost/x", "Must be a fully qualified domain name"},
      {"http://user@other.test/x", "user information is not allowed"},
  };
  for (const auto& c : cases) {
    RedirectAll(c.location);
    Http01Outcome out = Run();
    EXPECT_FAILURE(out, ErrorCode::kConnection, c.want);
    EXPECT_FAILURE(out, ErrorCode::kConnection, "Fetching http://valid.test");
  }
}

TEST_F(Http01Test, RedirectWithoutLocationIsIncorrectResponse) {
  RedirectAll("");
  EXPECT_FAILURE(Run(), ErrorCode::kIncorrectResponse, ": 302 (redirect without a Location");
}

TEST_F(Http01Test, OversizedBodyIsIncorrectResponse) {
  http_->SetHandler([](const Seen&) {
    return Reply{200, std::string(kKeyAuth) + std::string(2000, ' '), ""};
  });
  EXPECT_FAILURE(Run(), ErrorCode::kIncorrectResponse, "body too large");
  http_->SetHandler([](const Seen&) { return Reply{200, std::string(kMaxBodyBytes + 1, 'x'), ""}; });
  EXPECT_FAILURE(Run(), ErrorCode::kIncorrectResponse, "body too large");
}

TEST_F(Http01Test, ReservedAddressRefusedWithoutAllowLoopback) {
  http_->SetHandler([](const Seen&) { return KeyAuthReply(); });
  Http01Config config = Config();
  config.allow_loopback = false;
  Http01Outcome out = Run(config);
  EXPECT_FAILURE(out, ErrorCode::kConnection,
                 "refusing to connect to reserved address 127.0.0.1 for valid.test");
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].addresses_resolved, std::vector<std::string>{"127.0.0.1"});
  EXPECT_TRUE(http_->seen().empty());
}

TEST_F(Http01Test, DnsFailureIsDnsError) {
  Http01Outcome out = Run("unknown.test");
  EXPECT_FAILURE(out, ErrorCode::kDns, "NXDOMAIN looking up A for unknown.test");
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].hostname, "unknown.test");
  EXPECT_TRUE(out.records[0].addresses_resolved.empty());
}

TEST_F(Http01Test, DnsFailureOnRedirectTarget) {
  RedirectAll("http://missing.test/x");
  Http01Outcome out = Run();
  EXPECT_FAILURE(out, ErrorCode::kDns, "missing.test");
  EXPECT_EQ(out.records.size(), 2u);
}

TEST_F(Http01Test, ConcurrentValidations) {
  http_->SetHandler([](const Seen&) { return KeyAuthReply(); });
  Http01Validator validator(resolver_, Config());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        if (!validator.Validate("valid.test", kToken, kKeyAuth).status.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace signet::va
