#include "logging/logging.h"

#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>

#include <spdlog/details/log_msg.h>
#include <spdlog/formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace signet::logging {
namespace {

// The events logger: its payload is "msg" + kTailMark + the rendered fields.
constexpr const char* kEventLogger = "signetd.event";
constexpr char kTailMark = '\x1f';

// The names --log-level takes ("warn", not spdlog's "warning").
std::string LevelName(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace: return "trace";
    case spdlog::level::debug: return "debug";
    case spdlog::level::info: return "info";
    case spdlog::level::warn: return "warn";
    case spdlog::level::err: return "error";
    case spdlog::level::critical: return "critical";
    default: return "off";
  }
}

// Renders every line as time, level, msg (and the event's fields).
class StructuredFormatter : public spdlog::formatter {
 public:
  explicit StructuredFormatter(LogFormat format) : format_(format) {}

  void format(const spdlog::details::log_msg& m, spdlog::memory_buf_t& dest) override {
    std::string_view payload(m.payload.data(), m.payload.size());
    std::string_view msg = payload, tail;
    if (std::string_view(m.logger_name.data(), m.logger_name.size()) == kEventLogger) {
      size_t mark = payload.find(kTailMark);
      if (mark != std::string_view::npos) {
        msg = payload.substr(0, mark);
        tail = payload.substr(mark + 1);
      }
    }
    std::string line = RenderLine(format_, {Str("time", Rfc3339Millis(m.time)),
                                            Str("level", LevelName(m.level)),
                                            Str("msg", std::string(msg))});
    if (format_ == LogFormat::kJson) line.pop_back();  // the closing brace, after the tail
    line.append(tail);
    if (format_ == LogFormat::kJson) line += '}';
    line += '\n';
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<StructuredFormatter>(format_);
  }

 private:
  LogFormat format_;
};

// An appending file sink that can be reopened; each line is flushed.
class ReopenableFileSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit ReopenableFileSink(std::string path) : path_(std::move(path)) {}
  ~ReopenableFileSink() override {
    if (file_) std::fclose(file_);
  }
  Status Open() {
    std::lock_guard lock(mutex_);
    std::FILE* f = std::fopen(path_.c_str(), "a");
    if (!f) return Error(ErrorCode::kServerInternal, "cannot open log file " + path_);
    if (file_) std::fclose(file_);
    file_ = f;
    return OkStatus();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (!file_) return;
    spdlog::memory_buf_t buf;
    formatter_->format(msg, buf);
    std::fwrite(buf.data(), 1, buf.size(), file_);
    std::fflush(file_);
  }
  void flush_() override {
    if (file_) std::fflush(file_);
  }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;  // GUARDED_BY(mutex_)
};

std::mutex g_mu;
std::shared_ptr<ReopenableFileSink> g_file;   // GUARDED_BY(g_mu); null on stderr
std::shared_ptr<spdlog::logger> g_events;     // GUARDED_BY(g_mu); null until Configure
LogFormat g_format = LogFormat::kJson;        // GUARDED_BY(g_mu)

std::shared_ptr<spdlog::logger> Events(LogFormat* format = nullptr) {
  std::lock_guard lock(g_mu);
  if (format) *format = g_format;
  return g_events;
}

}  // namespace

Result<spdlog::level::level_enum> ParseLevel(std::string_view text) {
  static constexpr std::pair<std::string_view, spdlog::level::level_enum> kLevels[] = {
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},   {"warn", spdlog::level::warn},
      {"error", spdlog::level::err},   {"critical", spdlog::level::critical},
      {"off", spdlog::level::off}};
  for (const auto& [name, level] : kLevels)
    if (name == text) return level;
  return Error(ErrorCode::kMalformed, "unknown log level \"" + std::string(text) +
                                          "\": use trace, debug, info, warn, error, critical or off");
}

Status Configure(const LogOptions& options) {
  SIGNET_ASSIGN_OR_RETURN(auto level, ParseLevel(options.level));
  spdlog::sink_ptr sink;
  std::shared_ptr<ReopenableFileSink> file;
  if (options.file.empty()) {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    file = std::make_shared<ReopenableFileSink>(options.file);
    SIGNET_RETURN_IF_ERROR(file->Open());
    sink = file;
  }
  sink->set_formatter(std::make_unique<StructuredFormatter>(options.format));
  auto main = std::make_shared<spdlog::logger>("signetd", sink);
  auto events = std::make_shared<spdlog::logger>(kEventLogger, sink);
  for (auto* l : {main.get(), events.get()}) {
    l->set_level(level);
    l->flush_on(spdlog::level::trace);
  }
  std::lock_guard lock(g_mu);
  g_file = std::move(file);
  g_events = std::move(events);
  g_format = options.format;
  spdlog::set_default_logger(std::move(main));
  return OkStatus();
}

Status SetLogLevel(std::string_view text) {
  SIGNET_ASSIGN_OR_RETURN(auto level, ParseLevel(text));
  spdlog::default_logger_raw()->set_level(level);
  if (auto events = Events()) events->set_level(level);
  return OkStatus();
}

Status ReopenLogFile() {
  std::shared_ptr<ReopenableFileSink> file;
  {
    std::lock_guard lock(g_mu);
    file = g_file;
  }
  return file ? file->Open() : OkStatus();
}

bool Enabled(spdlog::level::level_enum level) {
  auto events = Events();
  return events ? events->should_log(level) : spdlog::default_logger_raw()->should_log(level);
}

void LogEvent(spdlog::level::level_enum level, std::string_view msg, const LogFields& fields) {
  LogFormat format;
  auto events = Events(&format);
  if (!events) {  // not configured (unit tests): the default logger, fields as logfmt
    spdlog::log(level, "{} {}", msg, RenderLine(LogFormat::kLogfmt, fields));
    return;
  }
  if (!events->should_log(level)) return;
  // The format is the sink's; the tail is rendered here in the same one.
  std::string payload(msg);
  payload += kTailMark;
  payload += RenderTail(format, fields);
  events->log(level, spdlog::string_view_t(payload.data(), payload.size()));
}

std::string Rfc3339Millis(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, int(ms % 1000));
  return buf;
}

}  // namespace signet::logging
