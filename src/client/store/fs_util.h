// Filesystem steps the store composes into crash-safe updates. Internal to
// client/store. Errors are kServerInternal with the path and strerror.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"

namespace signet::client::store_internal {

// Creates `dir` and any missing parents with `mode` (exactly, whatever the
// umask, like certbot's filesystem.makedirs applies it to every level it
// creates). Existing directories are left as they are.
Status MakeDirs(const std::filesystem::path& dir, unsigned mode);

// Points `link` at `target` atomically: a temporary symlink beside it (at a
// random name, see base/files.h), renamed over `link`, then an fsync of the directory. Readers see the old
// link or the new one, never none.
Status ReplaceSymlink(const std::filesystem::path& link, const std::filesystem::path& target);

// Creates a symlink (fails if `link` exists).
Status MakeSymlink(const std::filesystem::path& link, const std::filesystem::path& target);

Result<std::filesystem::path> ReadLink(const std::filesystem::path& link);

// Removes a file or symlink; absent is fine.
Status RemoveIfExists(const std::filesystem::path& path);

Status FsyncDir(const std::filesystem::path& dir);

// Entry names of `dir` (not "." or ".."), sorted; empty when absent.
std::vector<std::string> ListDir(const std::filesystem::path& dir);

// Writes a private key file atomically with mode 0600 | (the group rwx and
// other r bits of `like`), group-owned like `like` (certbot's
// compute_private_key_mode + copy_ownership_and_apply_mode). `like` may be
// empty or absent: then plain 0600. The temp file is created 0600 with
// O_EXCL|O_NOFOLLOW at a random name (base/files.h), so the key is never
// written through a planted link nor readable by others before the chmod.
Status WritePrivateKeyFile(const std::filesystem::path& path, const std::string& pem,
                           const std::filesystem::path& like);

// True if `name` is one of the temporary names WriteFileAtomic and
// ReplaceSymlink leave behind when killed.
bool IsTempName(const std::string& name);

}  // namespace signet::client::store_internal
