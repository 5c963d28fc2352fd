#include "dns/rdata.h"

#include <cctype>

#include "base/fuzz_record.h"

namespace signet::dns {

Result<std::string> ParseTxtRdata(std::string_view rdata) {
  RecordFuzzInput("dns_rdata_fuzz", rdata);
  std::string out;
  size_t pos = 0;
  while (pos < rdata.size()) {
    const size_t len = static_cast<unsigned char>(rdata[pos]);
    if (pos + 1 + len > rdata.size()) {
      return Error(ErrorCode::kDns, "DNS problem: malformed TXT record (character-string of " +
                                        std::to_string(len) + " octets runs past the end)");
    }
    out.append(rdata.substr(pos + 1, len));
    pos += 1 + len;
  }
  return out;
}

Result<CaaRecord> ParseCaaRdata(std::string_view rdata) {
  RecordFuzzInput("dns_rdata_fuzz", rdata);
  const Error bad(ErrorCode::kDns, "DNS problem: malformed CAA record");
  if (rdata.size() < 2) return bad;
  CaaRecord record;
  record.flags = static_cast<uint8_t>(rdata[0]);
  const size_t tag_len = static_cast<unsigned char>(rdata[1]);
  if (tag_len == 0 || tag_len > 15 || 2 + tag_len > rdata.size()) return bad;
  record.tag = std::string(rdata.substr(2, tag_len));
  for (unsigned char c : record.tag) {
    if (!std::isalnum(c)) return bad;
  }
  record.value = std::string(rdata.substr(2 + tag_len));
  return record;
}

Status CheckTxtLimits(const std::vector<std::string>& records, const std::string& name) {
  if (records.size() > kMaxTxtRecords) {
    return Error(ErrorCode::kDns, "DNS problem: too many TXT records (" +
                                      std::to_string(records.size()) + ", limit " +
                                      std::to_string(kMaxTxtRecords) + ") for " + name);
  }
  size_t bytes = 0;
  for (const std::string& r : records) bytes += r.size();
  if (bytes > kMaxTxtBytes) {
    return Error(ErrorCode::kDns, "DNS problem: TXT records too large (" + std::to_string(bytes) +
                                      " bytes, limit " + std::to_string(kMaxTxtBytes) +
                                      ") for " + name);
  }
  return OkStatus();
}

}  // namespace signet::dns
