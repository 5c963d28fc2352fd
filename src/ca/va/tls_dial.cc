#include "ca/va/tls_dial.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace signet::va {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kConnectTimeout[] = "Timeout during connect (likely firewall problem)";
constexpr char kAfterConnectTimeout[] =
    "Timeout after connect (your server may be slow or overloaded)";

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Waits for `events` on `fd` until `deadline`; false on timeout.
bool WaitFor(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    const int rc = poll(&p, 1, static_cast<int>(left.count()) + 1);
    if (rc > 0) return true;
    if (rc < 0 && errno != EINTR) return true;  // Let the next call report it.
  }
}

Error ConnectError(int err) {
  if (err == ECONNREFUSED) return Error(ErrorCode::kConnection, "Connection refused");
  if (err == ENETUNREACH || err == EHOSTUNREACH) {
    return Error(ErrorCode::kConnection, std::string("Network unreachable: ") + strerror(err));
  }
  return Error(ErrorCode::kConnection, std::string("Error connecting: ") + strerror(err));
}

Result<int> Connect(const TlsDialRequest& req) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, req.address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(req.port);
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, req.address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(req.port);
    len = sizeof *v6;
  } else {
    return Error(ErrorCode::kConnection, "invalid IP address \"" + req.address + "\"");
  }
  const int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error(ErrorCode::kConnection, std::string("socket: ") + strerror(errno));
  if (connect(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0) return fd;
  if (errno != EINPROGRESS) {
    const int err = errno;
    close(fd);
    return ConnectError(err);
  }
  if (!WaitFor(fd, POLLOUT, std::min(req.connect_deadline, req.deadline))) {
    close(fd);
    return Error(ErrorCode::kConnection, kConnectTimeout);
  }
  int err = 0;
  socklen_t err_len = sizeof err;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len);
  if (err != 0) {
    close(fd);
    return ConnectError(err);
  }
  return fd;
}

// Sends everything OpenSSL has queued in `wbio`.
Status Flush(int fd, BIO* wbio, Clock::time_point deadline) {
  char buf[4096];
  for (int n; (n = BIO_read(wbio, buf, sizeof buf)) > 0;) {
    for (int sent = 0; sent < n;) {
      const ssize_t rc = send(fd, buf + sent, n - sent, MSG_NOSIGNAL);
      if (rc > 0) {
        sent += static_cast<int>(rc);
      } else if (rc < 0 && (errno == EAGAIN || errno == EINTR)) {
        if (!WaitFor(fd, POLLOUT, deadline)) return Error(ErrorCode::kConnection, kAfterConnectTimeout);
      } else if (errno == ECONNRESET || errno == EPIPE) {
        return Error(ErrorCode::kConnection, "Connection reset by peer");
      } else {
        return Error(ErrorCode::kConnection, std::string("Error sending: ") + strerror(errno));
      }
    }
  }
  return OkStatus();
}

// Reads what the server sent into `rbio`.
Status Fill(int fd, BIO* rbio, Clock::time_point deadline) {
  if (!WaitFor(fd, POLLIN, deadline)) return Error(ErrorCode::kConnection, kAfterConnectTimeout);
  char buf[16384];
  const ssize_t n = recv(fd, buf, sizeof buf, 0);
  if (n > 0) {
    BIO_write(rbio, buf, static_cast<int>(n));
    return OkStatus();
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return OkStatus();
  if (n < 0 && errno == ECONNRESET) return Error(ErrorCode::kConnection, "Connection reset by peer");
  return Error(ErrorCode::kConnection, "The server closed the connection during the TLS handshake");
}

// The kTls error for a failed handshake, from OpenSSL's error queue.
Error HandshakeError() {
  std::string reasons;
  bool bad_alpn = false;
  const char* func = nullptr;
  for (unsigned long e; (e = ERR_get_error_all(nullptr, nullptr, &func, nullptr, nullptr)) != 0;) {
    if (func != nullptr && std::strcmp(func, "tls_parse_stoc_alpn") == 0) bad_alpn = true;
    char text[256];
    ERR_error_string_n(e, text, sizeof text);
    reasons += (reasons.empty() ? "" : "; ") + std::string(text);
  }
  if (bad_alpn) {
    return Error(ErrorCode::kIncorrectResponse,
                 "the server selected an ALPN protocol that was not offered");
  }
  return Error(ErrorCode::kTls, "TLS handshake failed: " + (reasons.empty() ? "unknown error" : reasons));
}

Result<crypto::SslPtr> NewClient(const TlsDialRequest& req, BIO** rbio, BIO** wbio) {
  crypto::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx || SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1) {
    return crypto::OsslError(ErrorCode::kServerInternal, "cannot create a TLS client context");
  }
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);  // RFC 8737 3: no PKI check.
  crypto::SslPtr ssl(SSL_new(ctx.get()));  // Holds its own reference to ctx.
  *rbio = BIO_new(BIO_s_mem());
  *wbio = BIO_new(BIO_s_mem());
  if (!ssl || *rbio == nullptr || *wbio == nullptr) {
    crypto::BioPtr r(*rbio), w(*wbio);
    return crypto::OsslError(ErrorCode::kServerInternal, "cannot create a TLS client");
  }
  BIO_set_mem_eof_return(*rbio, -1);  // Empty means "want more", not EOF.
  SSL_set_bio(ssl.get(), *rbio, *wbio);  // ssl owns both from here.
  std::string wire;
  for (const std::string& p : req.alpn) wire += static_cast<char>(p.size()) + p;
  if (!req.sni.empty() && SSL_set_tlsext_host_name(ssl.get(), req.sni.c_str()) != 1) {
    return Error(ErrorCode::kTls, "cannot set TLS server name " + req.sni);
  }
  if (SSL_set_alpn_protos(ssl.get(), reinterpret_cast<const unsigned char*>(wire.data()),
                          static_cast<unsigned>(wire.size())) != 0) {  // 0 is success.
    return crypto::OsslError(ErrorCode::kServerInternal, "cannot set ALPN protocols");
  }
  SSL_set_connect_state(ssl.get());
  return ssl;
}

}  // namespace

Result<TlsDialResult> DialTls(const TlsDialRequest& req, bool* connected) {
  *connected = false;
  ERR_clear_error();
  SIGNET_ASSIGN_OR_RETURN(int raw_fd, Connect(req));
  Fd fd(raw_fd);
  *connected = true;
  BIO* rbio = nullptr;
  BIO* wbio = nullptr;
  SIGNET_ASSIGN_OR_RETURN(crypto::SslPtr ssl, NewClient(req, &rbio, &wbio));
  for (;;) {
    const int rc = SSL_do_handshake(ssl.get());
    const int err = rc == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl.get(), rc);
    Status flushed = Flush(fd.get(), wbio, req.deadline);  // Also sends a fatal alert.
    if (err == SSL_ERROR_SSL || err == SSL_ERROR_SYSCALL) return HandshakeError();
    SIGNET_RETURN_IF_ERROR(flushed);
    if (err == SSL_ERROR_NONE) break;
    if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) return HandshakeError();
    if (err == SSL_ERROR_WANT_READ) SIGNET_RETURN_IF_ERROR(Fill(fd.get(), rbio, req.deadline));
  }
  TlsDialResult out;
  const unsigned char* alpn = nullptr;
  unsigned alpn_len = 0;
  SSL_get0_alpn_selected(ssl.get(), &alpn, &alpn_len);
  if (alpn != nullptr) out.alpn_selected.assign(reinterpret_cast<const char*>(alpn), alpn_len);
  out.version = SSL_get_version(ssl.get());
  out.peer_cert.reset(SSL_get1_peer_certificate(ssl.get()));
  if (SSL_shutdown(ssl.get()) >= 0) (void)Flush(fd.get(), wbio, req.deadline);
  ERR_clear_error();
  return out;
}

}  // namespace signet::va
