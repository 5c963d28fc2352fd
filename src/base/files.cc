#include "base/files.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace signet {
namespace {

constexpr std::string_view kTempInfix = ".tmp.";

Error OsError(const std::string& what, const std::filesystem::path& path, int err) {
  return Error(ErrorCode::kServerInternal, what + " " + path.string() + ": " + std::strerror(err));
}

bool IsHexDigit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorCode::kServerInternal, "cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<std::filesystem::path> TempPathBeside(const std::filesystem::path& path) {
  unsigned char bytes[16];
  size_t got = 0;
  while (got < sizeof(bytes)) {
    ssize_t n = ::getrandom(bytes + got, sizeof(bytes) - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return Error(ErrorCode::kServerInternal,
                   "cannot name a temporary file beside " + path.string() +
                       ": getrandom: " + std::strerror(errno));
    got += size_t(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string suffix(kTempInfix);
  for (unsigned char b : bytes) {
    suffix += kHex[b >> 4];
    suffix += kHex[b & 15];
  }
  std::filesystem::path tmp = path;
  tmp += suffix;
  return tmp;
}

Result<int> CreateTempFileBeside(const std::filesystem::path& path, unsigned mode,
                                 std::filesystem::path* tmp) {
  // A name collision is all but impossible; retry a few times anyway rather
  // than open anything that exists.
  for (int attempt = 0;; ++attempt) {
    SIGNET_ASSIGN_OR_RETURN(*tmp, TempPathBeside(path));
    int fd = ::open(tmp->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd >= 0) return fd;
    if (errno != EEXIST || attempt == 3) return OsError("cannot create", *tmp, errno);
  }
}

bool IsTempFileName(std::string_view name) {
  size_t at = name.rfind(kTempInfix);
  if (at == std::string_view::npos || at + kTempInfix.size() == name.size()) return false;
  return std::all_of(name.begin() + long(at + kTempInfix.size()), name.end(), IsHexDigit);
}

Status WriteFileAtomic(const std::filesystem::path& path, std::string_view data, unsigned mode) {
  std::filesystem::path tmp;
  SIGNET_ASSIGN_OR_RETURN(int fd, CreateTempFileBeside(path, mode, &tmp));
  if (::fchmod(fd, mode) != 0) {  // the umask may have narrowed it
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return OsError("cannot chmod", tmp, err);
  }
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return OsError("cannot write", tmp, err);
    }
    off += size_t(n);
  }
  bool synced = ::fsync(fd) == 0;
  if (::close(fd) != 0 || !synced) {
    ::unlink(tmp.c_str());
    return Error(ErrorCode::kServerInternal, "cannot sync " + tmp.string());
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return OsError("cannot rename to", path, err);
  }
  std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return OkStatus();
}

}  // namespace signet
