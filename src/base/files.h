// Small filesystem helpers shared by the CA and the agent.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/result.h"

namespace signet {

Result<std::string> ReadFile(const std::filesystem::path& path);

// Writes `data` to `path` atomically: a temp file in the same directory with
// `mode`, fsync, rename over `path`, fsync of the directory. A crash leaves
// either the old file or the new one, never a mix.
Status WriteFileAtomic(const std::filesystem::path& path, std::string_view data,
                       unsigned mode = 0644);

}  // namespace signet
