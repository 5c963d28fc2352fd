// TLS-ALPN-01 for certbot's "standalone" authenticator (RFC 8737, RFC 8738
// 6): a temporary TLS server that answers only the "acme-tls/1" protocol.
//
// For each challenge in play it holds a self-signed certificate for the
// identifier with the critical acmeIdentifier extension
// (pki::BuildAcmeTlsCert), chosen by the ClientHello's SNI: the DNS name
// (case-insensitive), or for an IP identifier its reverse-DNS name
// ("1.0.0.127.in-addr.arpa"). A ClientHello that does not offer
// "acme-tls/1" is refused with the no_application_protocol alert, an SNI
// with no challenge in play with unrecognized_name; nothing but the
// handshake is ever served. Connections are handled one at a time, each
// bounded by a 5-second socket timeout.
//
// The server starts with the first Perform and stops once Cleanup has
// removed the last challenge in play.
//
// Ownership: owns its listening socket, thread and certificates.
// Thread-safety: Perform/Cleanup must not run concurrently with each other;
// the server thread reads the certificate table under a mutex.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/solvers/solver.h"

namespace signet::client {

class TlsAlpnSolver : public Solver {
 public:
  // `address` "" listens on every interface (IPv6 and IPv4, else IPv4
  // only), like the HTTP standalone server; `port` 0 picks a free port.
  TlsAlpnSolver(std::string address, uint16_t port);
  ~TlsAlpnSolver() override;

  // Only "tls-alpn-01" challenges are accepted. Fails with a one-line
  // message when the port is in use or needs privileges.
  Status Perform(const std::vector<ChallengeSpec>& challenges) override;
  void Cleanup(const std::vector<ChallengeSpec>& challenges) override;

  // The port being served, 0 when not serving.
  uint16_t port() const;

  struct Served;  // a certificate and key (internal)

 private:
  class Server;
  Status StartServer();

  const std::string address_;
  const uint16_t port_;
  std::unique_ptr<Server> server_;

  std::mutex mutex_;
  // By SNI name (lower-case); GUARDED_BY(mutex_). Read by the server thread.
  std::map<std::string, std::shared_ptr<const Served>> by_sni_;
};

// The SNI a validator sends for `challenge` (RFC 8737 3, RFC 8738 6),
// lower-case; kMalformed for an "ip" identifier that is no address.
Result<std::string> TlsAlpnServerName(const ChallengeSpec& challenge);

}  // namespace signet::client
