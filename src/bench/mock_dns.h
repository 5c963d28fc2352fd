// What the load generator asks of the mock DNS (pebble-challtestsrv's
// management API, plain HTTP JSON POSTs) to answer DNS-01 (RFC 8555 8.4)
// and to publish a CAA record (RFC 8659), as lego's exec provider and the
// integration tests do. Pure functions: the request bodies and values.
#pragma once

#include <string>
#include <string_view>

namespace signet::bench {

// RFC 8555 8.4: base64url(SHA-256(key authorization)), the TXT value.
std::string Dns01TxtValue(std::string_view key_authorization);
// "_acme-challenge.<name>." (fully qualified, as the management API wants).
std::string Dns01RecordName(std::string_view name);

// POST /set-txt: {"host":HOST,"value":VALUE}
std::string SetTxtBody(std::string_view host, std::string_view value);
// POST /clear-txt and /clear-caa: {"host":HOST}
std::string HostBody(std::string_view host);
// POST /add-caa: {"host":"<domain>.","policies":[{"tag":"issue","value":ISSUER}]}
std::string AddCaaBody(std::string_view domain, std::string_view issuer);

}  // namespace signet::bench
