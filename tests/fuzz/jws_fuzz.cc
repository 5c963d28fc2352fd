// JWS in flattened JSON (RFC 7515) and the JWK inside it: what every ACME
// POST body is.
#include <boost/json.hpp>

#include "jose/jwk.h"
#include "jose/jws.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto jws = signet::jose::ParseFlattened(std::string_view(reinterpret_cast<const char*>(data), size));
  if (jws.ok() && jws->jwk) {
    auto key = signet::jose::KeyFromJwk(*jws->jwk);
    if (key.ok()) (void)signet::jose::Verify(*jws, *key);
  }
  return 0;
}
