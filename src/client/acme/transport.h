// The ACME request layer (RFC 8555 6): signed POSTs in the flattened JWS
// serialization with Content-Type application/jose+json (6.2), the protected
// header {alg, nonce, url, kid | jwk} (6.2, 6.4), replay nonces (6.5) and
// problem documents (6.7).
//
// Nonces: one is cached; every response's Replay-Nonce replaces it, and a
// HEAD to newNonce fetches one when none is left. A badNonce problem makes
// the request go again with the fresh nonce, up to kMaxBadNonceRetries times
// (RFC 8555 6.5: "the client SHOULD retry").
//
// Answers: a problem document becomes an Error (see problem.h); an answer
// that is neither a problem nor what was expected becomes kServerInternal
// "the server at URL did not answer with ACME JSON (HTTP 502)".
//
// Holds references to the HTTP client and signers it is given; they must
// outlive it. Not thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "client/acme/account_signer.h"
#include "http/client.h"

namespace signet::client {

using Logger = std::function<void(const std::string&)>;

// A successful (2xx) answer.
struct AcmeResponse {
  std::string url;  // the URL asked
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  boost::json::object json;  // the body, when it is a JSON object

  // The first header `name` (case-insensitive), or "".
  std::string Header(std::string_view name) const;
  // Location, made absolute against `url` when relative.
  std::string Location() const;
  // The targets of every Link header entry with `rel` (RFC 8288), absolute.
  std::vector<std::string> Links(std::string_view rel) const;
  std::optional<std::chrono::milliseconds> RetryAfter() const;
};

// What a successful answer must be.
enum class Expect {
  kJson,  // a JSON object (ACME resources)
  kAny,   // anything (certificates, empty revocation answers)
};

// How a signed request names its key (RFC 8555 6.2).
struct KeyRef {
  AccountSigner& signer;
  std::string kid;  // account URL; "" to embed the signer's public JWK
};

class AcmeTransport {
 public:
  static constexpr int kMaxBadNonceRetries = 5;

  AcmeTransport(http::Client& http, Logger log) : http_(http), log_(std::move(log)) {}

  // Where to get nonces (the directory's newNonce).
  void set_new_nonce_url(std::string url) { new_nonce_url_ = std::move(url); }

  // An unauthenticated GET (the directory, RFC 9773 renewal info).
  Result<AcmeResponse> Get(const std::string& url, Expect expect = Expect::kJson);

  // A JWS-signed POST of `payload`; nullopt sends POST-as-GET (an empty
  // payload, RFC 8555 6.3). `accept`, when not empty, is the Accept header.
  Result<AcmeResponse> Post(const std::string& url, const std::optional<std::string>& payload,
                            const KeyRef& key, Expect expect = Expect::kJson,
                            const std::string& accept = "");

 private:
  Result<std::string> TakeNonce();
  void KeepNonce(const http::Response& res);

  http::Client& http_;
  Logger log_;
  std::string new_nonce_url_;
  std::optional<std::string> nonce_;
};

// Turns an HTTP answer from `url` into an AcmeResponse or the Error it
// carries. Exposed for tests.
Result<AcmeResponse> InterpretResponse(const std::string& url, http::Response res, Expect expect);

}  // namespace signet::client
