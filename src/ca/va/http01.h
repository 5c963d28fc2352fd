// HTTP-01 validation (RFC 8555 8.3), with the redirect and address policy of
// Let's Encrypt's VA:
//  - GET http://NAME:<http_port>/.well-known/acme-challenge/TOKEN (Host: NAME)
//  - success only on status 200 with a body that, after trimming trailing
//    whitespace, equals the expected key authorization;
//  - at most 10 redirects (301, 302, 303, 307, 308), each to http: or https:
//    on an absent/80/443 port (the URL's own port is what the policy judges;
//    80 is dialled on http_port and 443 on https_port), or naming http_port
//    or https_port itself (dialled as written: test beds), never to an
//    IP-address literal host, never revisiting a URL (loop); any other port
//    is "Invalid port in redirect target. Only ports 80 and 443 are
//    supported, not N";
//  - HTTPS hops do not verify the certificate;
//  - the body read is capped (kMaxBodyBytes), connect and overall timeouts;
//  - names are resolved through the configured Resolver, and addresses in
//    reserved/private ranges are refused unless allow_loopback (testing).
// Every failure is an Error whose code is the ACME problem type
// (kConnection, kIncorrectResponse, kDns, kUnauthorized, kMalformed, kTls)
// and whose detail says what went wrong, naming the URL.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "dns/resolver.h"

namespace signet::va {

struct Http01Config {
  uint16_t http_port = 80;    // Where port 80 is dialled (--http01-port).
  uint16_t https_port = 443;  // Where port 443 is dialled (--http01-https-port).
  bool allow_loopback = false;  // Also permits private ranges: tests only.
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{20000};
};

constexpr size_t kMaxBodyBytes = 512;
constexpr int kMaxRedirects = 10;

// One hop of a validation, for the challenge's validationRecord.
struct ValidationRecord {
  std::string url;
  std::string hostname;
  std::string port;
  std::vector<std::string> addresses_resolved;
  std::string address_used;
};

struct Http01Outcome {
  Status status;
  std::vector<ValidationRecord> records;
};

// Thread-safe: Validate may run on several threads at once. Blocking: the
// caller runs it on a worker thread.
class Http01Validator {
 public:
  Http01Validator(dns::Resolver& resolver, Http01Config config)
      : resolver_(resolver), config_(config) {}

  // Finishes by the sooner of `deadline` and now + config.total_timeout:
  // every DNS lookup, connect and redirect hop gets only the time left.
  Http01Outcome Validate(const std::string& hostname, const std::string& token,
                         const std::string& key_authorization,
                         dns::Deadline deadline = dns::kNoDeadline) const;

 private:
  dns::Resolver& resolver_;
  Http01Config config_;
};

// True for addresses a public CA must never connect to (RFC 6890 special
// purpose ranges: loopback, private, link-local, CGNAT, multicast,
// documentation, unspecified, ...).
bool IsReservedAddress(const std::string& ip);

}  // namespace signet::va
