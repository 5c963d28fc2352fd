#include "client/solvers/tls_alpn_solver.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <functional>
#include <optional>
#include <string_view>
#include <thread>

#include "acme/ip_identifier.h"
#include "client/solvers/token.h"
#include "crypto/ossl.h"
#include "pki/acme_tls_cert.h"

namespace signet::client {

struct TlsAlpnSolver::Served {
  crypto::Key key;
  crypto::X509Ptr cert;
};

namespace {

constexpr std::string_view kAcmeTls = "acme-tls/1";

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return s;
}

// The host_name of a server_name extension (RFC 6066 3), "" if absent.
std::string SniFromExtension(const unsigned char* p, size_t len) {
  if (len < 2) return "";
  size_t list = size_t(p[0]) << 8 | p[1];
  p += 2;
  len = std::min(len - 2, list);
  while (len >= 3) {
    const unsigned type = p[0];
    const size_t n = size_t(p[1]) << 8 | p[2];
    if (n > len - 3) return "";
    if (type == 0) return std::string(reinterpret_cast<const char*>(p + 3), n);
    p += 3 + n;
    len -= 3 + n;
  }
  return "";
}

// True if an ALPN extension's protocol list (RFC 7301 3.1) names acme-tls/1.
bool OffersAcmeTls(const unsigned char* p, size_t len) {
  if (len < 2) return false;
  size_t list = size_t(p[0]) << 8 | p[1];
  p += 2;
  len = std::min(len - 2, list);
  while (len >= 1) {
    const size_t n = p[0];
    if (n > len - 1) return false;
    if (std::string_view(reinterpret_cast<const char*>(p + 1), n) == kAcmeTls) return true;
    p += 1 + n;
    len -= 1 + n;
  }
  return false;
}

std::string PortWords(const std::string& address, uint16_t port) {
  std::string words = "TCP port " + std::to_string(port);
  if (!address.empty()) words += " on " + address;
  return words;
}

// A listening socket on address:port, or the errno of the failed step.
// `shown` is the address as the operator gave it, for messages.
Result<int> Listen(const std::string& address, uint16_t port, const std::string& shown) {
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(address.c_str(), std::to_string(port).c_str(), &hints, &found) != 0)
    return Error(ErrorCode::kMalformed, "cannot listen on \"" + shown + "\": not an IP address");
  int fd = ::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, found->ai_protocol);
  int err = fd < 0 ? errno : 0;
  if (fd >= 0) {
    int one = 1, zero = 0;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (found->ai_family == AF_INET6)
      ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
    if (::bind(fd, found->ai_addr, found->ai_addrlen) != 0 || ::listen(fd, 64) != 0) {
      err = errno;
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  if (err == EADDRINUSE)
    return Error(ErrorCode::kConnection,
                 "Could not bind " + PortWords(shown, port) +
                     " because it is already in use by another process on this system (such as "
                     "a web server). Please stop the program in question and then try again.");
  if (err == EACCES)
    return Error(ErrorCode::kConnection,
                 "Could not bind " + PortWords(shown, port) +
                     " because you don't have the appropriate permissions (for example, you "
                     "aren't running this program as root).");
  if (err != 0)
    return Error(ErrorCode::kConnection,
                 "Could not bind " + PortWords(shown, port) + ": " + std::strerror(err));
  return fd;
}

}  // namespace

// One thread accepting on one socket; each connection gets one TLS
// handshake with the certificate its SNI names, then is closed.
class TlsAlpnSolver::Server {
 public:
  using Lookup = std::function<std::shared_ptr<const Served>(const std::string& sni)>;

  Server(int listen_fd, Lookup lookup)
      : listen_fd_(listen_fd),
        stop_fd_(::eventfd(0, EFD_CLOEXEC)),
        lookup_(std::move(lookup)),
        ctx_(SSL_CTX_new(TLS_server_method())) {
    SSL_CTX_set_min_proto_version(ctx_.get(), TLS1_2_VERSION);
    SSL_CTX_set_client_hello_cb(ctx_.get(), &Server::OnClientHello, this);
    SSL_CTX_set_alpn_select_cb(ctx_.get(), &Server::SelectAlpn, nullptr);
    thread_ = std::thread([this] { Run(); });
  }
  ~Server() {
    uint64_t one = 1;
    (void)!::write(stop_fd_, &one, sizeof(one));
    thread_.join();
    ::close(stop_fd_);
    ::close(listen_fd_);
  }

  uint16_t port() const {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
    if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
    return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  }

 private:
  // Picks the certificate by SNI and refuses anything but acme-tls/1,
  // before the server says anything (RFC 8737 4).
  static int OnClientHello(SSL* ssl, int* alert, void* arg) {
    auto* self = static_cast<Server*>(arg);
    const unsigned char* ext = nullptr;
    size_t len = 0;
    if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_application_layer_protocol_negotiation, &ext,
                                  &len) != 1 ||
        !OffersAcmeTls(ext, len)) {
      *alert = SSL_AD_NO_APPLICATION_PROTOCOL;
      return SSL_CLIENT_HELLO_ERROR;
    }
    std::string sni;
    if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &ext, &len) == 1)
      sni = Lower(SniFromExtension(ext, len));
    std::shared_ptr<const Served> served = sni.empty() ? nullptr : self->lookup_(sni);
    if (!served) {
      *alert = SSL_AD_UNRECOGNIZED_NAME;
      return SSL_CLIENT_HELLO_ERROR;
    }
    if (SSL_use_certificate(ssl, served->cert.get()) != 1 ||
        SSL_use_PrivateKey(ssl, served->key.get()) != 1) {
      *alert = SSL_AD_INTERNAL_ERROR;
      return SSL_CLIENT_HELLO_ERROR;
    }
    return SSL_CLIENT_HELLO_SUCCESS;
  }

  static int SelectAlpn(SSL*, const unsigned char** out, unsigned char* outlen,
                        const unsigned char* in, unsigned inlen, void*) {
    static const unsigned char kOurs[] =
        "\x0a"
        "acme-tls/1";
    unsigned char* chosen = nullptr;
    if (SSL_select_next_proto(&chosen, outlen, kOurs, sizeof(kOurs) - 1, in, inlen) !=
        OPENSSL_NPN_NEGOTIATED)
      return SSL_TLSEXT_ERR_ALERT_FATAL;
    *out = chosen;
    return SSL_TLSEXT_ERR_OK;
  }

  void Run() {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    for (;;) {
      if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
      if (fds[1].revents) return;
      if (!(fds[0].revents & POLLIN)) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      timeval tv{5, 0};  // a silent client cannot hold the server
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
      crypto::SslPtr ssl(SSL_new(ctx_.get()));
      if (ssl && SSL_set_fd(ssl.get(), fd) == 1 && SSL_accept(ssl.get()) == 1)
        SSL_shutdown(ssl.get());
      ::close(fd);
    }
  }

  const int listen_fd_;
  const int stop_fd_;
  const Lookup lookup_;
  crypto::SslCtxPtr ctx_;
  std::thread thread_;
};

Result<std::string> TlsAlpnServerName(const ChallengeSpec& c) {
  if (c.identifier_type == "ip") return acme::ReverseDnsName(c.domain);
  return Lower(c.domain);
}

TlsAlpnSolver::TlsAlpnSolver(std::string address, uint16_t port)
    : address_(std::move(address)), port_(port) {}

TlsAlpnSolver::~TlsAlpnSolver() { server_.reset(); }

uint16_t TlsAlpnSolver::port() const { return server_ ? server_->port() : 0; }

Status TlsAlpnSolver::Perform(const std::vector<ChallengeSpec>& challenges) {
  std::vector<std::pair<std::string, std::shared_ptr<const Served>>> built;
  for (const ChallengeSpec& c : challenges) {
    if (c.type != "tls-alpn-01")
      return Error(ErrorCode::kMalformed, "the standalone TLS-ALPN server cannot answer a " +
                                              c.type + " challenge for " + c.domain);
    SIGNET_ASSIGN_OR_RETURN(std::string sni, TlsAlpnServerName(c));
    SIGNET_ASSIGN_OR_RETURN(
        pki::AcmeTlsCert cert,
        pki::BuildAcmeTlsCert(c.identifier_type, c.domain, c.key_authorization));
    built.emplace_back(
        sni, std::make_shared<const Served>(Served{std::move(cert.key), std::move(cert.cert)}));
  }
  if (!server_) SIGNET_RETURN_IF_ERROR(StartServer());
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [sni, served] : built) by_sni_[sni] = std::move(served);
  return OkStatus();
}

void TlsAlpnSolver::Cleanup(const std::vector<ChallengeSpec>& challenges) {
  bool idle;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const ChallengeSpec& c : challenges)
      if (auto sni = TlsAlpnServerName(c); sni.ok()) by_sni_.erase(*sni);
    idle = by_sni_.empty();
  }
  if (idle) server_.reset();
}

Status TlsAlpnSolver::StartServer() {
  ::signal(SIGPIPE, SIG_IGN);  // a validator that hangs up must not end the agent
  std::vector<std::string> candidates =
      address_.empty() ? std::vector<std::string>{"::", "0.0.0.0"} : std::vector{address_};
  std::optional<Error> first;
  for (const std::string& candidate : candidates) {
    Result<int> fd = Listen(candidate, port_, address_);
    if (!fd.ok()) {
      if (!first) first = std::move(fd).error();
      continue;
    }
    server_ = std::make_unique<Server>(*fd, [this](const std::string& sni) {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = by_sni_.find(sni);
      return it == by_sni_.end() ? nullptr : it->second;
    });
    return OkStatus();
  }
  return *first;
}

}  // namespace signet::client
