// DNS UPDATE (RFC 2136) signed with TSIG (RFC 8945) against one primary
// server, and the direct queries the RFC 2136 authenticator makes: the SOA
// walk that finds the zone (as certbot-dns-rfc2136 does), the zone's NS set,
// and TXT questions to each authoritative server. Built on ldns (libldns),
// which writes and parses the messages; TSIG is tsig.h (OpenSSL HMAC).
//
// Each call opens its own connection; updates go over TCP as certbot's do.
// Thread-safety: none needed; no state besides the configuration.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/result.h"
#include "client/rfc2136/credentials.h"

namespace signet::client::rfc2136 {

class Client {
 public:
  explicit Client(Credentials credentials, std::chrono::seconds timeout = std::chrono::seconds(45));

  // The closest enclosing zone of `name` (absolute, with the final dot): the
  // first of name, parent, grandparent... for which the server gives an
  // authoritative (AA) SOA answer. TSIG-signed only with sign_query.
  Result<std::string> FindZone(const std::string& name) const;

  // RFC 2136 2.5.1 add / 2.5.4 delete-an-RR of `name` TXT "value" in `zone`,
  // TSIG-signed. A non-NOERROR rcode is an error naming the rcode and, when
  // the server says so, the TSIG error (BADSIG, BADKEY, BADTIME).
  Status AddTxt(const std::string& zone, const std::string& name, const std::string& value,
                int ttl) const;
  Status DeleteTxt(const std::string& zone, const std::string& name,
                   const std::string& value) const;

  // The NS targets of `zone` as the primary serves them.
  Result<std::vector<std::string>> NameServers(const std::string& zone) const;
  // Addresses of `host`: A/AAAA from the primary (in-zone or glue records),
  // else the system resolver (getaddrinfo).
  std::vector<std::string> Addresses(const std::string& host) const;

  const Credentials& credentials() const { return credentials_; }

 private:
  Status SendUpdate(const std::string& zone, const std::string& name, const std::string& value,
                    bool add, int ttl) const;

  Credentials credentials_;
  std::chrono::seconds timeout_;
};

// Asks the server at `address`:`port` directly, without recursion, for the
// TXT records of `name`; true when one of them is exactly `value`.
Result<bool> ServerAnswersTxt(const std::string& address, int port, const std::string& name,
                              const std::string& value, std::chrono::seconds timeout);

// RCODE names (RFC 6895 2.3), "RCODE n" for others.
std::string RcodeName(int rcode);

}  // namespace signet::client::rfc2136
