#include "pause_options.h"

#include <charconv>
#include <limits>

namespace signet::app {

void AddPauseOptions(CLI::App& serve, CaConfig& config) {
  serve.add_option("--pause-after-failures", config.pause_after_failures,
                   "pause an account for a name after this many failed validations in a row "
                   "(3600; 0: never)");
  serve.add_option("--pause-min-span", config.pause_min_span,
                   "... and only once that run spans at least this long (7d; s, m, h, d)");
}

void LoadPauseOptions(const toml::table& t, CaConfig& c) {
  if (auto v = t["pause_after_failures"].value<int64_t>()) c.pause_after_failures = *v;
  if (auto v = t["pause_min_span"].value<std::string>()) c.pause_min_span = *v;
  else if (auto n = t["pause_min_span"].value<int64_t>()) c.pause_min_span = std::to_string(*n);
}

Result<std::chrono::seconds> ParseSpan(const std::string& text) {
  Error bad(ErrorCode::kMalformed, "pause_min_span \"" + text +
                                       "\" is not a duration like 7d, 36h, 90m, 30s or 45");
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || n < 0 || end == text.data()) return bad;
  std::string_view unit(end, size_t(text.data() + text.size() - end));
  int64_t scale = unit.empty() || unit == "s" ? 1
                  : unit == "m"               ? 60
                  : unit == "h"               ? 3600
                  : unit == "d"               ? 86400
                                              : 0;
  if (scale == 0 || n > std::numeric_limits<int64_t>::max() / scale) return bad;
  return std::chrono::seconds(n * scale);
}

Result<ca::PauseConfig> PauseConfigFrom(const CaConfig& config) {
  if (config.pause_after_failures < 0)
    return Error(ErrorCode::kMalformed, "pause_after_failures must be 0 (never) or more");
  ca::PauseConfig p;
  p.after_failures = config.pause_after_failures;
  SIGNET_ASSIGN_OR_RETURN(p.min_span, ParseSpan(config.pause_min_span));
  return p;
}

}  // namespace signet::app
