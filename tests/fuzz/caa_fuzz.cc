// CAA record sets (RFC 8659, RFC 8657) as the VA judges them: the first
// byte picks the question (wildcard, validation method, account), the rest
// is RDATA records each behind a two-octet length (FrameCaaRecordsForFuzzing
// in ca/va/caa.h, what the VA records from real lookups). Records whose
// RDATA parses are served by a static resolver at the name or its parent;
// each value also goes through the issue-value parser with repeats kept, as
// dns-persist-01 reads its TXT records. The CA's identity is
// "signet.invalid", signetd's default.
#include <cstdlib>
#include <string>

#include "ca/va/caa.h"
#include "ca/va/caa_value.h"
#include "dns/rdata.h"
#include "dns/static_resolver.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<signet::dns::CaaRecord> records;
  while (rest.size() >= 2) {
    const size_t len = (size_t(uint8_t(rest[0])) << 8) | uint8_t(rest[1]);
    rest.remove_prefix(2);
    std::string_view rdata = rest.substr(0, len);
    rest.remove_prefix(rdata.size());
    auto record = signet::dns::ParseCaaRdata(rdata);
    if (!record.ok()) continue;
    (void)signet::va::ParseIssueValue(record->value, /*refuse_repeats=*/false);
    records.push_back(std::move(*record));
  }
  signet::dns::StaticResolver resolver;
  resolver.AddCaa((mode & 0x10) ? "example.test" : "www.example.test", records);
  signet::va::CaaChecker checker(resolver, {{"signet.invalid"}});
  static const char* kMethods[] = {"http-01", "dns-01", "tls-alpn-01", "dns-persist-01"};
  auto status =
      checker.Check((mode & 1) ? "*.www.example.test" : "www.example.test", (mode & 2) != 0,
                    (mode & 4) ? "https://ca.test/acme/acct/1" : "", kMethods[(mode >> 5) & 3]);
  if (!status.ok() && status.error().code != signet::ErrorCode::kCaa) std::abort();
  return 0;
}
