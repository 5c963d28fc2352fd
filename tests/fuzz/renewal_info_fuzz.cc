// ACME Renewal Information (RFC 9773 4.2) as the agent reads it: the JSON
// body of a renewalInfo answer, and RFC 3339 times on their own.
#include <boost/json.hpp>
#include <cstdlib>

#include "client/acme/renewal_info.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto t = signet::client::ParseRfc3339Time(text)) (void)signet::client::FormatRfc3339Time(*t);
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return 0;
  auto info = signet::client::ParseRenewalInfo(v.get_object(), "https://ca.test/renewal-info/x");
  if (info.ok() && !(info->start < info->end)) std::abort();  // 4.2: end after start
  return 0;
}
