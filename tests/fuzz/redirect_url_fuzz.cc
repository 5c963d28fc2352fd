// Location headers the HTTP clients follow (the VA's HTTP-01 redirects, the
// agent's and the load generator's Location and Link targets): the one URL
// parser and RFC 3986 5.2 resolver, src/http/url.h.
#include "http/url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto url = signet::http::ParseUrl(text);
  if (url.ok()) (void)url->ToString();
  static const auto base =
      signet::http::ParseUrl("http://example.com/.well-known/acme-challenge/x");
  if (base.ok()) {
    auto next = signet::http::ResolveReference(*base, text);
    if (next.ok()) {
      // A resolved target is origin form: it starts with '/'.
      if (next->target.empty() || next->target[0] != '/') __builtin_trap();
      (void)next->Authority();
    }
  }
  (void)signet::http::ResolveReferenceText("https://ca.test:14000/acme/order/1", text);
  return 0;
}
