#include "pause_options.h"

#include "base/duration.h"
#include "toml_number.h"

namespace signet::app {

void AddPauseOptions(CLI::App& serve, CaConfig& config) {
  serve.add_option("--pause-after-failures", config.pause_after_failures,
                   "pause an account for a name after this many failed validations in a row "
                   "(3600; 0: never)");
  serve.add_option("--pause-min-span", config.pause_min_span,
                   "... and only once that run spans at least this long (7d; s, m, h, d)");
}

void LoadPauseOptions(const toml::table& t, CaConfig& c) {
  if (auto v = TomlInt(t["pause_after_failures"])) c.pause_after_failures = *v;
  if (auto v = t["pause_min_span"].value<std::string>()) c.pause_min_span = *v;
  else if (auto n = TomlInt(t["pause_min_span"])) c.pause_min_span = std::to_string(*n);
}

Result<ca::PauseConfig> PauseConfigFrom(const CaConfig& config) {
  if (config.pause_after_failures < 0)
    return Error(ErrorCode::kMalformed, "pause_after_failures must be 0 (never) or more");
  ca::PauseConfig p;
  p.after_failures = config.pause_after_failures;
  auto span = ParseDuration(config.pause_min_span);
  if (!span.ok())
    return Error(ErrorCode::kMalformed, "pause_min_span: " + span.error().detail);
  p.min_span = *span;
  return p;
}

}  // namespace signet::app
