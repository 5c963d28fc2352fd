#include "client/solvers/standalone_solver.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string_view>

#include "client/solvers/token.h"
#include "http/server.h"

namespace signet::client {
namespace {

constexpr std::string_view kChallengePrefix = "/.well-known/acme-challenge/";

// Binds a throwaway socket the way the server's acceptor does (SO_REUSEADDR)
// and returns the errno, or 0 if the bind works now. Used only to explain
// why Server::Start failed.
int ProbeBind(const std::string& address, uint16_t port) {
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(address.c_str(), std::to_string(port).c_str(), &hints, &found) != 0)
    return EINVAL;
  int err = EINVAL;
  int fd = ::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, found->ai_protocol);
  if (fd < 0) {
    err = errno;
  } else {
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    err = ::bind(fd, found->ai_addr, found->ai_addrlen) == 0 ? 0 : errno;
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return err;
}

std::string PortWords(const std::string& address, uint16_t port) {
  std::string words = "TCP port " + std::to_string(port);
  if (!address.empty()) words += " on " + address;
  return words;
}

}  // namespace

StandaloneSolver::StandaloneSolver(std::string address, uint16_t port)
    : address_(std::move(address)), port_(port) {}

// The server's threads call Handle(), which reads mutex_ and the token
// table: stop them before those members go.
StandaloneSolver::~StandaloneSolver() { server_.reset(); }

uint16_t StandaloneSolver::port() const { return server_ ? server_->port() : 0; }

Status StandaloneSolver::Perform(const std::vector<ChallengeSpec>& challenges) {
  for (const ChallengeSpec& c : challenges) SIGNET_RETURN_IF_ERROR(CheckHttp01(c, "standalone"));
  if (!server_) SIGNET_RETURN_IF_ERROR(StartServer());
  std::lock_guard<std::mutex> lock(mutex_);
  for (const ChallengeSpec& c : challenges) key_authorizations_[c.token] = c.key_authorization;
  return OkStatus();
}

void StandaloneSolver::Cleanup(const std::vector<ChallengeSpec>& challenges) {
  bool idle;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const ChallengeSpec& c : challenges) key_authorizations_.erase(c.token);
    idle = key_authorizations_.empty();
  }
  // Destroying the server closes the listening socket and joins its threads.
  if (idle) server_.reset();
}

Status StandaloneSolver::StartServer() {
  // Like certbot's BaseDualNetworkedServers: IPv6 first (dual stack on
  // Linux), IPv4 when IPv6 is unavailable or its bind fails.
  std::vector<std::string> candidates;
  if (address_.empty())
    candidates = {"::", "0.0.0.0"};
  else
    candidates = {address_};
  bool in_use = false, denied = false;
  std::optional<Error> last;
  for (const std::string& candidate : candidates) {
    http::ServerConfig config;
    config.address = candidate;
    config.port = port_;
    config.threads = 1;
    auto server = std::make_unique<http::Server>(
        config, [this](const http::Request& r) { return Handle(r); });
    Status started = server->Start();
    if (started.ok()) {
      server_ = std::move(server);
      return OkStatus();
    }
    int err = ProbeBind(candidate, port_);
    in_use |= err == EADDRINUSE;
    denied |= err == EACCES;
    last = std::move(started).error();
  }
  if (in_use)
    return Error(ErrorCode::kConnection,
                 "Could not bind " + PortWords(address_, port_) +
                     " because it is already in use by another process on this system "
                     "(such as a web server). Please stop the program in question and then "
                     "try again.");
  if (denied)
    return Error(ErrorCode::kConnection,
                 "Could not bind " + PortWords(address_, port_) +
                     " because you don't have the appropriate permissions (for example, you "
                     "aren't running this program as root).");
  return *last;
}

http::Response StandaloneSolver::Handle(const http::Request& request) const {
  http::Response response;
  if (request.method != "GET" && request.method != "HEAD") {
    response.status = 405;
    response.Set("Allow", "GET, HEAD");
    return response;
  }
  std::string_view path = request.Path();
  if (path == "/") {
    response.Set("Content-Type", "text/html");
    response.body = "ACME client standalone challenge solver";
    return response;
  }
  if (path.starts_with(kChallengePrefix)) {
    std::string token(path.substr(kChallengePrefix.size()));
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = key_authorizations_.find(token);
    if (it != key_authorizations_.end()) {
      response.body = it->second;
      return response;
    }
  }
  response.status = 404;
  response.Set("Content-Type", "text/html");
  response.body = "404";
  return response;
}

}  // namespace signet::client
