// The plain-HTTP publication endpoints, a pure function from request to
// response (served by signetd's HTTP listener, never HTTPS: RFC 5280
// 4.2.1.13 and RFC 6960 A.1 expect http URLs, fetched without trust in TLS):
//   GET|HEAD /crl/N.crl                      application/pkix-crl
//   GET      /ocsp/<url-encoded base64 DER>  application/ocsp-response
//   POST     /ocsp  (application/ocsp-request)
// Caching headers (RFC 5019 6.2, RFC 9111): Cache-Control public with a
// max-age reaching at most nextUpdate, Last-Modified = thisUpdate, Expires =
// nextUpdate, ETag; If-None-Match and If-Modified-Since answer 304. OCSP
// answers with a nonce are no-store.
//
// Thread-safe (the publishers are).
#pragma once

#include <chrono>

#include "ca/publisher/crl_publisher.h"
#include "ca/publisher/ocsp_responder.h"
#include "http/message.h"

namespace signet::ca {

class PublicationFrontEnd {
 public:
  // `ocsp` nullptr: OCSP is off and /ocsp is 404. CRLs are cached by
  // clients for at most `crl_max_age` (the regeneration interval), so a
  // revocation shows within one interval even though nextUpdate is later.
  PublicationFrontEnd(const CrlPublisher& crls, OcspResponder* ocsp,
                      std::chrono::seconds crl_max_age)
      : crls_(crls), ocsp_(ocsp), crl_max_age_(crl_max_age) {}

  http::Response Handle(const http::Request& request) const;

 private:
  http::Response Crl(const http::Request& request, std::string_view name) const;
  http::Response Ocsp(const http::Request& request, std::string_view encoded) const;

  const CrlPublisher& crls_;
  OcspResponder* ocsp_;
  const std::chrono::seconds crl_max_age_;
};

// RFC 9110 5.6.7 IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string HttpDate(acme::TimePoint t);

}  // namespace signet::ca
