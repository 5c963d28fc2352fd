// http::Client against the project's own http::Server (plain and HTTPS) and
// against raw POSIX sockets for the failure modes: a closed port, a listener
// that never answers, a server that drops a kept-alive connection. Loopback
// only.
#include "http/client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "base/files.h"
#include "crypto/digest.h"
#include "http/server.h"
#include "pki/ca_hierarchy.h"

namespace signet::http {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// Echoes what it received, so tests can check what the client sent.
Response Echo(const Request& req) {
  Response res;
  if (req.Path() == "/missing") {
    res.status = 404;
    res.body = "nope";
    return res;
  }
  if (req.Path() == "/big") {
    res.body = std::string(5000, 'x');
    return res;
  }
  res.Set("Content-Type", "text/plain");
  res.Add("Link", "<https://a.test/>;rel=\"up\"");
  res.Add("Link", "<https://b.test/>;rel=\"alternate\"");
  res.body = req.method + " " + req.target + " host=" + req.host +
             " x=" + std::string(req.Header("X-Test")) +
             " ua=" + std::string(req.Header("User-Agent")) + " body=" + req.body;
  return res;
}

std::unique_ptr<Server> StartServer(ServerConfig config) {
  auto server = std::make_unique<Server>(std::move(config), Echo);
  Status s = server->Start();
  if (!s.ok()) return nullptr;
  return server;
}

std::string Url(const std::string& scheme, uint16_t port, const std::string& path,
                const std::string& host = "127.0.0.1") {
  return scheme + "://" + host + ":" + std::to_string(port) + path;
}

// A POSIX listener on 127.0.0.1:0. With a handler, a thread accepts
// connections and hands each to it (with its index); without, nothing ever
// accepts or reads (connections still complete in the kernel's backlog).
class RawServer {
 public:
  using OnConnection = std::function<void(int fd, int index)>;
  explicit RawServer(OnConnection handler = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(fd_, 8), 0);
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    if (handler) {
      thread_ = std::thread([this, handler] {
        for (int i = 0;; ++i) {
          int c = ::accept(fd_, nullptr, nullptr);
          if (c < 0) return;
          timeval tv{5, 0};
          ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
          handler(c, i);
          ::close(c);
        }
      });
    }
  }
  ~RawServer() {
    ::shutdown(fd_, SHUT_RDWR);  // unblocks accept()
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }
  uint16_t port() const { return port_; }

  // Reads one request head (no body); false if the peer closed first.
  static bool ReadRequest(int fd) {
    std::string got;
    char buf[1024];
    while (got.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) return false;
      got.append(buf, size_t(n));
    }
    return true;
  }
  static void Write(int fd, const std::string& text) {
    EXPECT_EQ(::send(fd, text.data(), text.size(), MSG_NOSIGNAL), ssize_t(text.size()));
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
};

// A port on which nothing listens: bound, then closed.
uint16_t ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class ClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("signet-http-" + crypto::HexEncode(crypto::RandomBytes(6))));
    auto good = pki::CaHierarchy::LoadOrCreate(*dir_ / "good");
    auto other = pki::CaHierarchy::LoadOrCreate(*dir_ / "other");
    ASSERT_TRUE(good.ok() && other.ok());
    good_ = new pki::CaHierarchy(std::move(*good));
    ASSERT_TRUE(WriteFileAtomic(*dir_ / "good.pem", good_->RootPem()).ok());
    ASSERT_TRUE(WriteFileAtomic(*dir_ / "other.pem", other->RootPem()).ok());
  }
  static void TearDownTestSuite() {
    delete good_;
    fs::remove_all(*dir_);
    delete dir_;
  }

  // An HTTPS server with a certificate for `names`, issued under the good root.
  static std::unique_ptr<Server> StartHttps(const std::vector<std::string>& names) {
    auto cert = good_->IssueTlsServerCert(names);
    EXPECT_TRUE(cert.ok());
    ServerConfig config;
    config.threads = 1;
    config.tls_chain_pem = cert->first;
    config.tls_key_pem = cert->second;
    return StartServer(config);
  }
  static std::string GoodRoot() { return (*dir_ / "good.pem").string(); }
  static std::string OtherRoot() { return (*dir_ / "other.pem").string(); }

  static inline fs::path* dir_ = nullptr;
  static inline pki::CaHierarchy* good_ = nullptr;
};

TEST_F(ClientTest, GetPostHeadRoundTrips) {
  auto server = StartServer({});
  ASSERT_TRUE(server);
  Client client({});
  std::string base = Url("http", server->port(), "");

  auto get = client.Send("GET", base + "/a/b?q=1#frag", {{"X-Test", "hello"}});
  ASSERT_TRUE(get.ok()) << get.error().ToString();
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, "GET /a/b?q=1 host=127.0.0.1:" + std::to_string(server->port()) +
                           " x=hello ua=signet/0.1 body=");
  EXPECT_EQ(get->Header("content-type"), "text/plain");
  int links = 0;
  for (const auto& [k, v] : get->headers) links += EqualsIgnoreCase(k, "Link");
  EXPECT_EQ(links, 2);

  auto post = client.Send("POST", base + "/p", {{"User-Agent", "custom/1"}}, "{\"k\":1}");
  ASSERT_TRUE(post.ok()) << post.error().ToString();
  EXPECT_EQ(post->body, "POST /p host=127.0.0.1:" + std::to_string(server->port()) +
                            " x= ua=custom/1 body={\"k\":1}");

  auto head = client.Send("HEAD", base + "/h");
  ASSERT_TRUE(head.ok()) << head.error().ToString();
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "");
  EXPECT_NE(head->Header("Content-Length"), "0");

  auto missing = client.Send("GET", base + "/missing");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->body, "nope");
  EXPECT_EQ(client.connections_opened(), 1);  // all four on one connection
}

TEST_F(ClientTest, KeepsOneConnectionPerOrigin) {
  auto a = StartServer({}), b = StartServer({});
  ASSERT_TRUE(a && b);
  Client client({});
  for (int i = 0; i < 5; ++i) {
    for (auto* s : {a.get(), b.get()}) {
      auto r = client.Send("POST", Url("http", s->port(), "/n"), {}, std::to_string(i));
      ASSERT_TRUE(r.ok()) << r.error().ToString();
      EXPECT_TRUE(r->body.ends_with("body=" + std::to_string(i)));
    }
  }
  EXPECT_EQ(client.connections_opened(), 2);
}

TEST_F(ClientTest, SurvivesTheServerClosingIdleConnections) {
  ServerConfig config;
  config.idle_timeout = 1s;
  auto server = StartServer(config);
  ASSERT_TRUE(server);
  Client client({});
  for (int i = 0; i < 2; ++i) {
    auto r = client.Send("POST", Url("http", server->port(), "/"), {}, "x");
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    std::this_thread::sleep_for(1300ms);
  }
  EXPECT_EQ(client.connections_opened(), 2);
}

TEST_F(ClientTest, RepeatsOnceWhenAReusedConnectionDropsTheRequest) {
  // Connection 0 answers one request, then reads the next and closes without
  // answering; connection 1 answers normally.
  RawServer raw([](int fd, int index) {
    if (!RawServer::ReadRequest(fd)) return;
    RawServer::Write(fd, "HTTP/1.1 200 OK\r\nContent-Length: " + std::string(index ? "6" : "5") +
                             "\r\n\r\n" + (index ? "second" : "first"));
    if (index == 0) RawServer::ReadRequest(fd);
  });
  Client client({});
  auto first = client.Send("GET", Url("http", raw.port(), "/"));
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->body, "first");
  auto second = client.Send("GET", Url("http", raw.port(), "/"));
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->body, "second");
  EXPECT_EQ(client.connections_opened(), 2);
}

TEST_F(ClientTest, HttpsVerifiesAgainstTheGivenRoot) {
  auto server = StartHttps({"127.0.0.1", "localhost"});
  ASSERT_TRUE(server);
  ClientConfig config;
  config.ca_file = GoodRoot();
  Client client(config);
  for (const char* host : {"127.0.0.1", "localhost", "LOCALHOST"}) {
    auto r = client.Send("POST", Url("https", server->port(), "/s", host), {}, "tls");
    ASSERT_TRUE(r.ok()) << host << ": " << r.error().ToString();
    EXPECT_TRUE(r->body.starts_with("POST /s host=")) << r->body;
    EXPECT_TRUE(r->body.ends_with("body=tls"));
  }
  auto again = client.Send("GET", Url("https", server->port(), "/again"));
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(client.connections_opened(), 2);  // 127.0.0.1 reused; localhost one more
}

TEST_F(ClientTest, HttpsRejectsAnUntrustedRoot) {
  auto server = StartHttps({"127.0.0.1"});
  ASSERT_TRUE(server);
  ClientConfig config;
  config.ca_file = OtherRoot();
  Client client(config);
  std::string url = Url("https", server->port(), "/");
  auto r = client.Send("GET", url);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTls);
  EXPECT_NE(r.error().detail.find("cannot connect to " + url), std::string::npos);
  EXPECT_NE(r.error().detail.find("certificate verification failed"), std::string::npos)
      << r.error().detail;
}

TEST_F(ClientTest, HttpsChecksTheHostName) {
  auto server = StartHttps({"other.test"});
  ASSERT_TRUE(server);
  ClientConfig config;
  config.ca_file = GoodRoot();
  Client client(config);
  auto by_ip = client.Send("GET", Url("https", server->port(), "/"));
  ASSERT_FALSE(by_ip.ok());
  EXPECT_EQ(by_ip.error().code, ErrorCode::kTls);
  EXPECT_NE(by_ip.error().detail.find("IP address mismatch"), std::string::npos)
      << by_ip.error().detail;
  auto by_name = client.Send("GET", Url("https", server->port(), "/", "localhost"));
  ASSERT_FALSE(by_name.ok());
  EXPECT_EQ(by_name.error().code, ErrorCode::kTls);
  EXPECT_NE(by_name.error().detail.find("hostname mismatch"), std::string::npos)
      << by_name.error().detail;
}

TEST_F(ClientTest, MissingCaFileIsATlsError) {
  ClientConfig config;
  config.ca_file = (*dir_ / "does-not-exist.pem").string();
  Client client(config);
  auto r = client.Send("GET", Url("https", ClosedPort(), "/"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTls);
  EXPECT_NE(r.error().detail.find("does-not-exist.pem"), std::string::npos);
}

TEST_F(ClientTest, ConnectionRefused) {
  Client client({});
  std::string url = Url("http", ClosedPort(), "/x");
  auto r = client.Send("GET", url);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConnection);
  EXPECT_EQ(r.error().detail, "cannot connect to " + url + ": connection refused");
}

TEST_F(ClientTest, TimesOutOnAServerThatNeverAnswers) {
  RawServer silent;  // the kernel completes the connection; nobody reads
  ClientConfig config;
  config.timeout = 300ms;
  Client client(config);
  for (const char* scheme : {"http", "https"}) {
    auto start = std::chrono::steady_clock::now();
    auto r = client.Send("GET", Url(scheme, silent.port(), "/"));
    auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kConnection) << r.error().detail;
    EXPECT_NE(r.error().detail.find("no answer within 300 ms"), std::string::npos)
        << r.error().detail;
    EXPECT_GE(elapsed, 290ms);
    EXPECT_LT(elapsed, 1500ms);
  }
}

TEST_F(ClientTest, CapsTheResponseBody) {
  auto server = StartServer({});
  ASSERT_TRUE(server);
  ClientConfig config;
  config.max_body_bytes = 1000;
  Client client(config);
  auto r = client.Send("GET", Url("http", server->port(), "/big"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConnection);
  EXPECT_NE(r.error().detail.find("larger than 1000 bytes"), std::string::npos);
  auto ok = client.Send("GET", Url("http", server->port(), "/small"));
  EXPECT_TRUE(ok.ok());
}

TEST_F(ClientTest, RejectsUnusableUrls) {
  Client client({});
  for (const char* url : {"ftp://127.0.0.1/", "127.0.0.1/x", "http:///x", "http://u@127.0.0.1/",
                          "http://127.0.0.1:0/", "http://127.0.0.1:99999/", "http://[::1/",
                          "http://[zz]/", "http://a b/", "http://127.0.0.1/a b"}) {
    auto r = client.Send("GET", url);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().code, ErrorCode::kMalformed) << url;
  }
}

TEST_F(ClientTest, Ipv6Literal) {
  ServerConfig config;
  config.address = "::1";
  auto server = StartServer(config);
  if (!server) GTEST_SKIP() << "no IPv6 loopback here";
  Client client({});
  auto r = client.Send("GET", "http://[::1]:" + std::to_string(server->port()) + "/six");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_TRUE(r->body.starts_with("GET /six host=[::1]:")) << r->body;
}

TEST(DefaultCaFileFromEnvTest, PrefersRequestsCaBundle) {
  ::unsetenv("REQUESTS_CA_BUNDLE");
  ::unsetenv("SSL_CERT_FILE");
  EXPECT_EQ(DefaultCaFileFromEnv(), "");
  ::setenv("SSL_CERT_FILE", "/b.pem", 1);
  EXPECT_EQ(DefaultCaFileFromEnv(), "/b.pem");
  ::setenv("REQUESTS_CA_BUNDLE", "/a.pem", 1);
  EXPECT_EQ(DefaultCaFileFromEnv(), "/a.pem");
  ::unsetenv("REQUESTS_CA_BUNDLE");
  ::unsetenv("SSL_CERT_FILE");
}

}  // namespace
}  // namespace signet::http
