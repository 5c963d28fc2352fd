// The `signetd serve` flags of revocation publication, ARI and profiles.
#pragma once

#include <CLI/CLI.hpp>

#include "config.h"

namespace signet::app {

void AddPublicationOptions(CLI::App& serve, CaConfig& config);

}  // namespace signet::app
