// signetd's operator log (logging/logging.h): one line per ACME request
// (the access log) and one per validation, order outcome and revocation,
// fed through the same seams as the metrics (the ACME handler's wrapper and
// the RA's events). Never a secret: no JWS payload, key, EAB MAC or key
// authorization is written.
#pragma once

#include "ca/ra/ra.h"
#include "config.h"
#include "http/message.h"
#include "logging/logging.h"

namespace signet::app {

// The response header carrying the request id the access log records, so a
// client's report can be matched to the CA's line.
inline constexpr const char* kRequestIdHeader = "X-Request-Id";

// The logging options from --log-level, --log-format and --log-file;
// kMalformed for an unknown format or level.
Result<logging::LogOptions> LogOptionsFrom(const CaConfig& config);

// `inner`, with one "acme request" line per request: request_id, method,
// path (no query), status, problem (type, on errors), account (id, when
// authenticated), latency_ms (in the handler), client (the TCP peer); and the
// request id in the X-Request-Id response header. Lines of 5xx answers are
// at error level, the others at info.
http::Handler AccessLog(http::Handler inner);

// The RA's events as log lines: "validation", "certificate issued",
// "order invalid", "certificate revoked".
ca::RegistrationAuthority::Events LogEvents();

}  // namespace signet::app
