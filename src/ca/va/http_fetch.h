// One HTTP or HTTPS GET to a fixed IP address, bounded by deadlines: the
// network half of HTTP-01 validation (RFC 8555 8.3), a thin layer over the
// HTTP client core (http/client_core.h). Internal to the VA.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace signet::va {

struct FetchRequest {
  std::string address;      // IP literal; no name resolution happens here.
  uint16_t port = 80;
  bool https = false;       // TLS without certificate verification.
  std::string host_header;  // Value of the Host header.
  std::string sni;          // TLS server name (https only).
  std::string target;       // Origin-form request target, "/path?query".
  size_t body_limit = 0;    // Bytes of body kept; more sets body_truncated.
  std::chrono::steady_clock::time_point connect_deadline;
  std::chrono::steady_clock::time_point deadline;  // Whole exchange.
};

struct FetchResponse {
  unsigned status = 0;
  std::string location;  // The Location header, if any.
  std::string body;      // At most body_limit bytes.
  bool body_truncated = false;
};

// Connects, sends "GET target" (User-Agent: signetd-va, Connection: close)
// and reads the response. Errors are kConnection (or kTls for a failed
// handshake) with a bare detail such as "Connection refused", "Timeout during
// connect (likely firewall problem)" or "Timeout after connect (your server
// may be slow or overloaded)"; the caller adds address and URL. `*connected`
// tells whether TCP connected, i.e. whether another address may be tried.
//
// Thread-safe: each call owns its io_context and sockets.
Result<FetchResponse> Fetch(const FetchRequest& request, bool* connected);

// The same reading of a whole response held in memory, `raw` being every
// byte the server sent before closing: the fuzz target http01_response_fuzz
// drives it, so Beast's parser and our reading of its result are fuzzed as
// the network feeds them. Errors as Fetch's "reading response".
Result<FetchResponse> ParseFetchResponse(std::string_view raw, size_t body_limit);

}  // namespace signet::va
