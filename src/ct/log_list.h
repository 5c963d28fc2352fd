// The log list a CT log writes for CAs, clients and monitors: Chrome's v3
// format (log_list_schema.json), one operator holding this one log, so
// several logs' files merge by concatenating their "operators" arrays.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "crypto/key.h"

namespace signet::ct {

struct LogListInfo {
  std::string operator_name = "Signet";
  std::string operator_email = "ct@localhost";
  std::string description;  // e.g. "Signet test log 127.0.0.1:24000"
  std::string url;          // the API's base URL, ending in '/'
  int mmd_seconds = 86400;
  uint64_t created_ms = 0;  // the log's start: log_list_timestamp and usable.timestamp
  // temporal_interval (start_inclusive, end_exclusive), when end > 0.
  int64_t not_after_start_s = 0;
  int64_t not_after_end_s = 0;
};

// The JSON text of the list.
std::string LogListJson(const LogListInfo& info, const crypto::Key& log_key);

// RFC 3339 UTC with seconds, e.g. "2026-12-05T02:00:00Z".
std::string Rfc3339(uint64_t ms);
// Parses that form back to seconds since the epoch; nullopt if it is not.
std::optional<int64_t> ParseRfc3339(const std::string& text);

}  // namespace signet::ct
