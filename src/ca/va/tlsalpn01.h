// TLS-ALPN-01 validation (RFC 8737; IP identifiers RFC 8738 6):
//  - resolve the name (an IP identifier is dialled as is) and refuse
//    reserved addresses unless allow_loopback, as HTTP-01 does;
//  - TLS 1.2 or later to config.port (443, --tlsalpn01-port in tests), SNI
//    the name (for an IP, its reverse-DNS name: 1.0.0.127.in-addr.arpa),
//    ALPN offering exactly "acme-tls/1", no certificate path validation;
//  - the server must select "acme-tls/1";
//  - the certificate must carry exactly one subjectAltName, equal to the
//    identifier (dNSName, or iPAddress for an IP), and exactly one critical
//    id-pe-acmeIdentifier extension (1.3.6.1.5.5.7.1.31) whose value is the
//    DER OCTET STRING of SHA-256(key authorization).
// Failures: kConnection (connect/timeouts), kTls (handshake), kDns,
// kIncorrectResponse for every wrong answer, each with its own detail:
//   Cannot negotiate ALPN protocol "acme-tls/1" for tls-alpn-01 challenge
//   Incorrect validation certificate for tls-alpn-01 challenge. <reason>
// where reason is a SAN problem, "Missing acmeValidationV1 extension.",
// "acmeValidationV1 extension not critical.", "Malformed acmeValidationV1
// extension value." or "Expected acmeValidationV1 extension value X for
// this challenge but got Y" (hex).
#pragma once

#include <openssl/types.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "base/result.h"
#include "ca/va/http01.h"
#include "dns/resolver.h"

namespace signet::va {

inline constexpr char kAcmeTlsAlpnProtocol[] = "acme-tls/1";
inline constexpr char kAcmeIdentifierOid[] = "1.3.6.1.5.5.7.1.31";

struct TlsAlpn01Config {
  uint16_t port = 443;
  bool allow_loopback = false;  // Also permits private ranges: tests only.
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{20000};
};

struct TlsAlpn01Outcome {
  Status status;
  ValidationRecord record;  // hostname, port, addresses; url stays empty.
};

// Thread-safe: Validate may run on several threads at once. Blocking: the
// caller runs it on a worker thread.
class TlsAlpn01Validator {
 public:
  TlsAlpn01Validator(dns::Resolver& resolver, TlsAlpn01Config config)
      : resolver_(resolver), config_(config) {}

  // `identifier` is a DNS name or an IPv4/IPv6 literal.
  // Finishes by the sooner of `deadline` and now + config.total_timeout.
  TlsAlpn01Outcome Validate(const std::string& identifier, const std::string& key_authorization,
                            dns::Deadline deadline = dns::kNoDeadline) const;

 private:
  dns::Resolver& resolver_;
  TlsAlpn01Config config_;
};

// The certificate half of the check (RFC 8737 3) on the leaf a server
// presented, never verified: exactly one subjectAltName equal to
// `identifier` and exactly one critical acmeIdentifier extension holding
// SHA-256(key_authorization); kIncorrectResponse with the details above.
// `where` ("ADDRESS:PORT") goes into the SAN details. Also driven by the fuzz
// target tlsalpn_cert_fuzz.
Status CheckValidationCertificate(X509* cert, const std::string& identifier,
                                  const std::string& where, const std::string& key_authorization);

// The reverse-DNS name of an IP literal (RFC 8738 6): "4.3.2.1.in-addr.arpa"
// or 32 nibbles + ".ip6.arpa". kMalformed for anything else. The agent's
// TLS-ALPN-01 server uses the same function (acme/ip_identifier.h).
Result<std::string> ReverseDnsName(const std::string& ip);

}  // namespace signet::va
