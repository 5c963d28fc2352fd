// The lock that keeps two runs of Signet, or Signet and certbot, from
// writing the same store at once. Compatible with certbot 2.1's
// _internal/lock.py: certbot locks DIR/.certbot.lock in its config, work
// and logs directories with fcntl(F_SETLK) (lockf), never waiting. Signet
// takes the same file with an open-file-description lock (F_OFD_SETLK),
// which conflicts with certbot's process-associated lock and also with a
// second StoreLock in the same process. Like certbot, acquiring re-checks
// that the locked file is still the one at the path (a releaser deletes it)
// and releasing deletes the file, then closes it.
//
// Owns one file descriptor; move-only; release on destruction. Not
// thread-safe for concurrent use of one object.
#pragma once

#include <chrono>
#include <filesystem>

#include "base/result.h"

namespace signet::client {

// certbot's lock file name in a locked directory.
inline constexpr const char* kCertbotLockName = ".certbot.lock";

class StoreLock {
 public:
  StoreLock() = default;
  ~StoreLock() { Release(); }
  StoreLock(StoreLock&& other) noexcept;
  StoreLock& operator=(StoreLock&& other) noexcept;
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;

  // Locks the file at `path` (created 0600 if absent). If another process
  // (or StoreLock) holds it, retries until `wait` has passed, then fails
  // with "Another instance of Certbot is already running." (kServerInternal).
  static Result<StoreLock> Acquire(const std::filesystem::path& path,
                                   std::chrono::milliseconds wait = std::chrono::milliseconds(0));

  // Locks DIR/.certbot.lock, as certbot's lock_dir does. certbot locks its
  // config, work and logs directories; so should the agent.
  static Result<StoreLock> LockDir(const std::filesystem::path& dir,
                                   std::chrono::milliseconds wait = std::chrono::milliseconds(0));

  bool locked() const { return fd_ >= 0; }
  const std::filesystem::path& path() const { return path_; }

  // Deletes the lock file and closes it. No-op when not locked.
  void Release();

 private:
  StoreLock(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}

  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace signet::client
