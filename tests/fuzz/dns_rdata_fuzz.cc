// TXT and CAA RDATA from DNS answers (RFC 1035 3.3.14, RFC 8659 4.1).
#include "dns/rdata.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rdata(reinterpret_cast<const char*>(data), size);
  (void)signet::dns::ParseTxtRdata(rdata);
  (void)signet::dns::ParseCaaRdata(rdata);
  return 0;
}
