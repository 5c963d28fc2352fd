// The CT logs a CA submits to, read from a log list in Chrome's v3 format
// (https://www.gstatic.com/ct/log_list/v3/log_list_schema.json):
//   {"operators": [{"name": ..., "logs": [{"description", "log_id" (base64),
//    "key" (base64 DER SubjectPublicKeyInfo), "url", "mmd", "state": {"usable":
//    {"timestamp": ...}}}, ...]}, ...]}
// Only logs whose state is "usable" or "qualified" are kept; others
// (pending, readonly, retired, rejected, or no state) are skipped and named.
// signet-ctlog writes such a file for itself (DIR/log.json); several are
// merged by concatenating their operators arrays.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/key.h"

namespace signet::ca::ct {

struct LogInfo {
  std::string operator_name;  // the operator the file groups the log under
  std::string description;
  std::string url;            // ends with '/'; RFC 6962 4: URL + "ct/v1/add-chain"
  std::string log_id;         // 32 bytes: SHA-256 of the key's DER
  crypto::Key key;            // the log's public key
  std::chrono::seconds mmd{0};
  std::string state;          // "usable" or "qualified"
};

struct LogList {
  std::vector<LogInfo> logs;     // usable and qualified logs, in file order
  std::vector<std::string> skipped;  // "description: why", one per log left out
};

// Parses a v3 log list. kMalformed (naming the field) for input that is not
// such a list: not JSON, no operators array, a log without a base64 key that
// parses as a public key, a log_id that is not the key's SHA-256, a URL not
// http:// or https://. A list with no usable log is not an error here.
Result<LogList> ParseLogList(std::string_view json);
// ParseLogList of the file at `path` (kMalformed naming the file).
Result<LogList> LoadLogList(const std::string& path);

}  // namespace signet::ca::ct
