// Test-only helpers for tlsalpn01_test.cc: TLS-ALPN-01 responder
// certificates built to order (SANs, acmeIdentifier extension present or
// not, critical or not, any value) and an in-process OpenSSL TLS server on
// 127.0.0.1 (ephemeral port) with a chosen ALPN behaviour.
#pragma once

#include <arpa/inet.h>
#include <signal.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ca/va/tlsalpn01.h"
#include "crypto/digest.h"
#include "crypto/ossl.h"

namespace signet::va::test_support {

struct CertSpec {
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  bool with_extension = true;
  bool critical = true;
  std::string key_authorization;        // Hashed into the extension...
  std::optional<std::string> raw_value;  // ...unless the extension's DER is given.
};

struct KeyAndCert {
  crypto::PkeyPtr key;
  crypto::X509Ptr cert;
};

// DER of an OCTET STRING holding `bytes`.
inline std::string DerOctetString(const std::string& bytes) {
  crypto::Asn1OctetStringPtr os(ASN1_OCTET_STRING_new());
  ASN1_OCTET_STRING_set(os.get(), reinterpret_cast<const unsigned char*>(bytes.data()),
                        static_cast<int>(bytes.size()));
  unsigned char* der = nullptr;
  const int len = i2d_ASN1_OCTET_STRING(os.get(), &der);
  std::string out(reinterpret_cast<char*>(der), len);
  OPENSSL_free(der);
  return out;
}

inline void AddExtension(X509* cert, ASN1_OBJECT* oid, bool critical, const std::string& der) {
  crypto::Asn1OctetStringPtr data(ASN1_OCTET_STRING_new());
  ASN1_OCTET_STRING_set(data.get(), reinterpret_cast<const unsigned char*>(der.data()),
                        static_cast<int>(der.size()));
  crypto::X509ExtPtr ext(X509_EXTENSION_create_by_OBJ(nullptr, oid, critical ? 1 : 0, data.get()));
  X509_add_ext(cert, ext.get(), -1);
}

// A self-signed P-256 certificate as `spec` says.
inline KeyAndCert MakeCert(const CertSpec& spec) {
  KeyAndCert out{crypto::PkeyPtr(EVP_EC_gen("P-256")), crypto::X509Ptr(X509_new())};
  X509* cert = out.cert.get();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, out.key.get());
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("acme-tls-test"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  std::string sans;
  for (const std::string& n : spec.dns_names) sans += (sans.empty() ? "" : ",") + ("DNS:" + n);
  for (const std::string& ip : spec.ip_addresses) sans += (sans.empty() ? "" : ",") + ("IP:" + ip);
  if (!sans.empty()) {
    crypto::X509ExtPtr san(X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, sans.c_str()));
    X509_add_ext(cert, san.get(), -1);
  }
  if (spec.with_extension) {
    crypto::Asn1ObjectPtr oid(OBJ_txt2obj(kAcmeIdentifierOid, 1));
    AddExtension(cert, oid.get(), spec.critical,
                 spec.raw_value ? *spec.raw_value
                                : DerOctetString(crypto::Sha256(spec.key_authorization)));
  }
  X509_sign(cert, out.key.get(), EVP_sha256());
  return out;
}

enum class AlpnMode { kAcme, kNone, kForceHttp11 };

// A one-thread blocking TLS server: handshakes, records the SNI, closes.
class AlpnServer {
 public:
  AlpnServer() {
    signal(SIGPIPE, SIG_IGN);  // A client that aborts must not kill the test.
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(listen_fd_, 16);
    socklen_t len = sizeof addr;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Run(); });
  }
  ~AlpnServer() {
    stop_ = true;
    shutdown(listen_fd_, SHUT_RDWR);  // Wakes the blocking accept.
    thread_.join();
    close(listen_fd_);
  }

  uint16_t port() const { return port_; }
  // Serves `cert` from now on, selecting ALPN as `mode` says.
  void Serve(const KeyAndCert& kc, AlpnMode mode) {
    crypto::SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
    SSL_CTX_use_certificate(ctx.get(), kc.cert.get());
    SSL_CTX_use_PrivateKey(ctx.get(), kc.key.get());
    static AlpnMode modes[] = {AlpnMode::kAcme, AlpnMode::kNone, AlpnMode::kForceHttp11};
    SSL_CTX_set_alpn_select_cb(ctx.get(), SelectAlpn, &modes[static_cast<int>(mode)]);
    // Recorded while reading the ClientHello, before the client can finish.
    SSL_CTX_set_tlsext_servername_callback(ctx.get(), RecordSni);
    SSL_CTX_set_tlsext_servername_arg(ctx.get(), this);
    std::lock_guard lock(mu_);
    ctx_ = std::move(ctx);
  }
  std::vector<std::string> sni_seen() {
    std::lock_guard lock(mu_);
    return sni_seen_;
  }

 private:
  static int RecordSni(SSL* ssl, int*, void* arg) {
    auto* self = static_cast<AlpnServer*>(arg);
    const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    std::lock_guard lock(self->mu_);
    self->sni_seen_.push_back(sni ? sni : "");
    return SSL_TLSEXT_ERR_OK;
  }

  static int SelectAlpn(SSL*, const unsigned char** out, unsigned char* outlen,
                        const unsigned char* in, unsigned inlen, void* arg) {
    static const unsigned char kAcme[] = "\x0a" "acme-tls/1";
    static const unsigned char kHttp11[] = "http/1.1";
    switch (*static_cast<AlpnMode*>(arg)) {
      case AlpnMode::kAcme:
        return SSL_select_next_proto(const_cast<unsigned char**>(out), outlen, kAcme,
                                     sizeof kAcme - 1, in, inlen) == OPENSSL_NPN_NEGOTIATED
                   ? SSL_TLSEXT_ERR_OK
                   : SSL_TLSEXT_ERR_NOACK;
      case AlpnMode::kNone:
        return SSL_TLSEXT_ERR_NOACK;
      case AlpnMode::kForceHttp11:
        *out = kHttp11;
        *outlen = 8;
        return SSL_TLSEXT_ERR_OK;
    }
    return SSL_TLSEXT_ERR_NOACK;
  }

  void Run() {
    while (!stop_) {
      const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      timeval tv{5, 0};  // Never block forever on a silent client.
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      crypto::SslPtr ssl;
      {
        std::lock_guard lock(mu_);
        if (ctx_) ssl.reset(SSL_new(ctx_.get()));
      }
      if (ssl) {
        SSL_set_fd(ssl.get(), fd);
        if (SSL_accept(ssl.get()) == 1) SSL_shutdown(ssl.get());
      }
      close(fd);
    }
  }

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  crypto::SslCtxPtr ctx_;
  std::vector<std::string> sni_seen_;
};

}  // namespace signet::va::test_support
