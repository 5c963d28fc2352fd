// Small filesystem helpers shared by the CA and the agent.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/result.h"

namespace signet {

Result<std::string> ReadFile(const std::filesystem::path& path);

// Writes `data` to `path` atomically: a new temp file in the same directory
// (CreateTempFileBeside) with `mode` exactly (whatever the umask), fsync,
// rename over `path`, fsync of the directory. A crash leaves either the old
// file or the new one, never a mix. Never writes through a link planted
// beside `path`.
Status WriteFileAtomic(const std::filesystem::path& path, std::string_view data,
                       unsigned mode = 0644);

// A temporary name beside `path`: "PATH.tmp." and 32 hex digits from 16
// bytes of getrandom(2), so that nobody can plant a link there in advance.
// Fails only if the kernel gives no randomness.
Result<std::filesystem::path> TempPathBeside(const std::filesystem::path& path);

// Creates a new file at a TempPathBeside(path) name, opened
// O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC with `mode` (narrowed by the
// umask only): never an existing file, never through a link. Returns the
// descriptor, which the caller closes, and sets `*tmp` to its path.
Result<int> CreateTempFileBeside(const std::filesystem::path& path, unsigned mode,
                                 std::filesystem::path* tmp);

// True if the file name `name` is a temporary name: ".tmp." followed by hex
// digits (TempPathBeside's, or the ".tmp.PID" of earlier versions), which a
// killed writer may leave behind.
bool IsTempFileName(std::string_view name);

}  // namespace signet
