// HTTP-01 responses (RFC 8555 8.3) as the VA reads them: every byte a
// challenged server sends, through Beast's response parser and the VA's
// reading of it (status, Location, body capped at kMaxBodyBytes), then the
// redirect the VA would follow (a Location resolved against the challenge
// URL) and the body compared with a key authorization.
#include <cstdlib>
#include <string>

#include "ca/va/http01.h"
#include "ca/va/http_fetch.h"
#include "http/url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  auto resp = signet::va::ParseFetchResponse(raw, signet::va::kMaxBodyBytes);
  if (!resp.ok()) {
    if (resp.error().detail.empty()) std::abort();  // every refusal says why
    return 0;
  }
  if (resp->body.size() > signet::va::kMaxBodyBytes) std::abort();
  if (resp->body_truncated && !resp->body.empty()) std::abort();
  static const auto base =
      signet::http::ParseUrl("http://example.test/.well-known/acme-challenge/tok");
  if (!resp->location.empty() && base.ok()) {
    auto next = signet::http::ResolveReference(*base, resp->location);
    if (next.ok()) (void)next->ToString();
  }
  (void)(resp->body == "tok.thumbprint");
  return 0;
}
