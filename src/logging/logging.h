// signetd's logs: every line structured (JSON or logfmt) with time, level
// and msg first; free-text spdlog calls become {"msg": ...} lines, and
// events (LogEvent) add their own fields. Written to standard error (journald
// collects it) or to a file that SIGHUP reopens (logrotate).
//
// Thread-safe after Configure: spdlog's loggers and sinks lock; the level may
// change at any time (SetLogLevel).
#pragma once

#include <string>
#include <string_view>

#include <spdlog/common.h>

#include "base/result.h"
#include "logging/log_line.h"

namespace signet::logging {

struct LogOptions {
  std::string level = "info";  // trace, debug, info, warn, error, critical, off
  LogFormat format = LogFormat::kJson;
  std::string file;  // "": standard error
};

// The spdlog level named `text`; kMalformed naming the choices otherwise
// (spdlog's own from_str silently turns an unknown name into "off").
Result<spdlog::level::level_enum> ParseLevel(std::string_view text);

// Replaces spdlog's default logger (and the events logger) with structured
// ones writing to options.file or standard error. kMalformed for a bad
// level, kServerInternal when the file cannot be opened.
Status Configure(const LogOptions& options);
// Changes the level of every line from now on.
Status SetLogLevel(std::string_view level);
// Closes and reopens the log file (after logrotate moved it); nothing when
// logging to standard error. On failure the old file stays.
Status ReopenLogFile();

// Would an event at `level` be written?
bool Enabled(spdlog::level::level_enum level);
// One event line: time, level, msg, then `fields` in order.
void LogEvent(spdlog::level::level_enum level, std::string_view msg, const LogFields& fields);

// The time as RFC 3339 UTC with milliseconds ("2026-01-02T03:04:05.678Z").
std::string Rfc3339Millis(std::chrono::system_clock::time_point t);

}  // namespace signet::logging
