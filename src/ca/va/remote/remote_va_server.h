// The remote-perspective role: answers the primary's validation requests
// with this host's own VA (its own network path and resolver). Served over
// mutual TLS by the caller (http::ServerConfig::client_ca_pem), so only the
// primary, holding a client certificate from the configured CA, is answered.
#pragma once

#include <string>

#include "ca/va/va.h"
#include "http/message.h"

namespace signet::va::remote {

// A request handler for /va/validate, /va/caa and /va/info (the primary's
// start-up probe). Every answer carries "rir": `rir`, the regional internet
// registry this perspective declares (mpic_rules.h). `local` must outlive it.
// Each request's work is bounded by the primary's "timeout_ms" (wire.h), so
// the answer comes before the primary stops waiting, and always by `local`'s
// own configured timeout.
http::Handler MakeRemoteVaHandler(ValidationAuthority& local, std::string rir);

}  // namespace signet::va::remote
