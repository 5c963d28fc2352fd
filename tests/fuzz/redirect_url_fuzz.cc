// Location headers the HTTP-01 validator follows.
#include "ca/va/url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)signet::va::ParseAbsoluteUrl(text);
  auto base = signet::va::ParseAbsoluteUrl("http://example.com/.well-known/acme-challenge/x");
  if (base.ok()) (void)signet::va::ResolveReference(*base, text);
  return 0;
}
