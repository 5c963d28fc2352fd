// OCSP requests (RFC 6960) as the responder receives them.
#include "pki/ocsp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)signet::pki::ParseOcspRequest(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
