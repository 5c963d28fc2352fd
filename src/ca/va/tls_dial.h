// One TLS handshake with a fixed IP address, bounded by deadlines: the
// network half of TLS-ALPN-01 validation (RFC 8737 3). Internal to the VA.
// Plain sockets and OpenSSL memory BIOs (no Asio: one Beast/Asio translation
// unit per library); writes use MSG_NOSIGNAL, so a closed peer never raises
// SIGPIPE.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "crypto/ossl.h"

namespace signet::va {

struct TlsDialRequest {
  std::string address;              // IP literal; no name resolution here.
  uint16_t port = 443;
  std::string sni;                  // TLS server_name (RFC 6066 3).
  std::vector<std::string> alpn;    // Protocols offered (RFC 7301), in order.
  std::chrono::steady_clock::time_point connect_deadline;
  std::chrono::steady_clock::time_point deadline;  // Whole exchange.
};

struct TlsDialResult {
  std::string alpn_selected;   // Empty when the server selected none.
  std::string version;         // "TLSv1.3", ...
  crypto::X509Ptr peer_cert;   // The leaf; never verified here.
};

// Connects, handshakes with TLS 1.2 or later without verifying the
// certificate, sends close_notify and returns what the server presented.
// Errors: kConnection "Connection refused", "Timeout during connect (likely
// firewall problem)", "Timeout after connect (your server may be slow or
// overloaded)", "Connection reset by peer", "The server closed the
// connection during the TLS handshake", ...; kTls "TLS handshake failed:
// OPENSSL REASON". A server that selects an ALPN protocol we did not offer
// fails the handshake with kIncorrectResponse "the server selected an ALPN
// protocol that was not offered". `*connected` tells whether TCP connected
// (whether another address may be tried).
//
// Thread-safe: each call owns its socket and SSL objects.
Result<TlsDialResult> DialTls(const TlsDialRequest& request, bool* connected);

}  // namespace signet::va
