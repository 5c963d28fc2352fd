// Durations as operators write them in configuration files, and as details
// show them.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/result.h"

namespace signet {

// "90d", "160h", "30m", "45s" or a bare number of seconds. kMalformed
// naming the text otherwise.
Result<std::chrono::seconds> ParseDuration(std::string_view text);

// Hours, minutes and seconds, as Go prints a time.Duration: "3h0m0s",
// "168h0m0s", "1m30s", "45s".
std::string FormatDuration(std::chrono::seconds d);

}  // namespace signet
