#include "client/store/lock.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace signet::client {
namespace {

enum class TryResult { kLocked, kBusy, kRetry, kError };

// One attempt of certbot's _UnixLockMechanism.acquire loop.
TryResult TryLock(const std::filesystem::path& path, int* fd_out, std::string* error) {
  // Never through a link: whoever can write the directory could point the
  // lock at any file for root to create.
  int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    *error = errno == ELOOP ? path.string() + " is a symbolic link; refusing to follow it"
                            : "cannot open " + path.string() + ": " + std::strerror(errno);
    return TryResult::kError;
  }
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 0;  // the whole file, as lockf(fd, LOCK_EX) does
  if (::fcntl(fd, F_OFD_SETLK, &fl) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EACCES || err == EAGAIN) return TryResult::kBusy;
    *error = "cannot lock " + path.string() + ": " + std::strerror(err);
    return TryResult::kError;
  }
  // The holder before us deletes the file when releasing; if it did so
  // between our open and our lock, we hold a lock on a dead inode.
  struct stat by_path, by_fd;
  if (::lstat(path.c_str(), &by_path) != 0 || ::fstat(fd, &by_fd) != 0 ||
      by_path.st_dev != by_fd.st_dev || by_path.st_ino != by_fd.st_ino) {
    ::close(fd);
    return TryResult::kRetry;
  }
  *fd_out = fd;
  return TryResult::kLocked;
}

}  // namespace

StoreLock::StoreLock(StoreLock&& other) noexcept : path_(std::move(other.path_)), fd_(other.fd_) {
  other.fd_ = -1;
}

StoreLock& StoreLock::operator=(StoreLock&& other) noexcept {
  if (this != &other) {
    Release();
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

Result<StoreLock> StoreLock::Acquire(const std::filesystem::path& path,
                                     std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    int fd = -1;
    std::string error;
    switch (TryLock(path, &fd, &error)) {
      case TryResult::kLocked:
        return StoreLock(path, fd);
      case TryResult::kRetry:
        continue;
      case TryResult::kError:
        return Error(ErrorCode::kServerInternal, error);
      case TryResult::kBusy:
        break;
    }
    if (std::chrono::steady_clock::now() >= deadline)
      return Error(ErrorCode::kServerInternal, "Another instance of Certbot is already running (" +
                                                   path.string() + " is locked).");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

Result<StoreLock> StoreLock::LockDir(const std::filesystem::path& dir,
                                     std::chrono::milliseconds wait) {
  return Acquire(dir / kCertbotLockName, wait);
}

void StoreLock::Release() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // before closing, as certbot does
  ::close(fd_);
  fd_ = -1;
}

}  // namespace signet::client
