// Test helpers for the solvers: a scratch directory, free loopback ports, a
// listening socket that occupies a port, and a minimal HTTP/1.1 GET over
// POSIX sockets (deliberately not Beast: the client must not share code with
// the server under test). Loopback only.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace signet::client::test_util {

// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "solvers_test.XXXXXX").string();
    path_ = ::mkdtemp(templ.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline sockaddr_in Loopback(uint16_t port, const char* ip = "127.0.0.1") {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, ip, &addr.sin_addr);
  return addr;
}

// A TCP socket bound (and listening) on ip:port; port 0 picks a free one.
class Listener {
 public:
  explicit Listener(uint16_t port = 0, const char* ip = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr = Loopback(port, ip);
    ok_ =
        ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 && ::listen(fd_, 8) == 0;
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() { ::close(fd_); }
  bool ok() const { return ok_; }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  bool ok_ = false;
  uint16_t port_ = 0;
};

// A port that was free a moment ago.
inline uint16_t FreePort() { return Listener().port(); }

struct HttpReply {
  int connect_errno = 0;  // non-zero: the connection failed (e.g. ECONNREFUSED)
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
};

// GET `path` from 127.0.0.1:port with "Connection: close"; reads to EOF.
inline HttpReply HttpGet(uint16_t port, const std::string& path,
                         const std::string& method = "GET") {
  HttpReply reply;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr = Loopback(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    reply.connect_errno = errno;
    ::close(fd);
    return reply;
  }
  std::string req =
      method + " " + path + " HTTP/1.1\r\nHost: example.test\r\n" + "Connection: close\r\n\r\n";
  (void)!::write(fd, req.data(), req.size());
  std::string raw;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof(buf))) > 0;) raw.append(buf, size_t(n));
  ::close(fd);
  size_t end = raw.find("\r\n\r\n");
  reply.head = raw.substr(0, end);
  if (end != std::string::npos) reply.body = raw.substr(end + 4);
  if (raw.size() > 12) reply.status = std::atoi(raw.substr(9, 3).c_str());
  return reply;
}

// Parses the output of `env` (NAME=value per line).
inline std::map<std::string, std::string> ReadEnvFile(const std::filesystem::path& path) {
  std::map<std::string, std::string> vars;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) vars[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return vars;
}

inline std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The entry names of `dir`, sorted.
inline std::vector<std::string> ListNames(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace signet::client::test_util
