// The `signetd serve` options of paused clients (ca/ra/pausing.h):
// --pause-after-failures N (config pause_after_failures; 0 = never) and
// --pause-min-span DURATION (config pause_min_span: "7d", "36h", "90m",
// "30s" or plain seconds).
#pragma once

#include <CLI/CLI.hpp>
#include <toml++/toml.h>

#include "base/result.h"
#include "ca/ra/pausing.h"
#include "config.h"

namespace signet::app {

void AddPauseOptions(CLI::App& serve, CaConfig& config);
// Reads pause_after_failures and pause_min_span from a config file.
void LoadPauseOptions(const toml::table& file, CaConfig& config);
// The RA's pausing configuration; kMalformed naming the bad value.
Result<ca::PauseConfig> PauseConfigFrom(const CaConfig& config);

// "7d", "36h", "90m", "30s" or "45" (seconds); kMalformed otherwise.
Result<std::chrono::seconds> ParseSpan(const std::string& text);

}  // namespace signet::app
