#include "client/store/fs_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/files.h"

namespace signet::client::store_internal {
namespace {

namespace fs = std::filesystem;

Error OsError(const std::string& what, const fs::path& path, int err) {
  return Error(ErrorCode::kServerInternal, what + " " + path.string() + ": " + std::strerror(err));
}

Status WriteAll(int fd, const std::string& data, const fs::path& path) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return OsError("cannot write", path, errno);
    off += size_t(n);
  }
  return OkStatus();
}

}  // namespace

Status MakeDirs(const fs::path& dir, unsigned mode) {
  if (dir.empty()) return OkStatus();
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return OkStatus();
    return Error(ErrorCode::kServerInternal, dir.string() + " exists and is not a directory");
  }
  if (dir.has_parent_path() && dir.parent_path() != dir)
    SIGNET_RETURN_IF_ERROR(MakeDirs(dir.parent_path(), mode));
  if (::mkdir(dir.c_str(), mode) != 0) {
    if (errno == EEXIST) return OkStatus();  // raced with another creator
    return OsError("cannot create directory", dir, errno);
  }
  if (::chmod(dir.c_str(), mode) != 0) return OsError("cannot chmod", dir, errno);
  return OkStatus();
}

Status MakeSymlink(const fs::path& link, const fs::path& target) {
  if (::symlink(target.c_str(), link.c_str()) != 0)
    return OsError("cannot create symlink", link, errno);
  return OkStatus();
}

Status ReplaceSymlink(const fs::path& link, const fs::path& target) {
  // symlink(2) never follows or replaces what is at `tmp`; the name is
  // random (base/files.h), so a clash is as good as impossible.
  SIGNET_ASSIGN_OR_RETURN(fs::path tmp, TempPathBeside(link));
  SIGNET_RETURN_IF_ERROR(MakeSymlink(tmp, target));
  if (::rename(tmp.c_str(), link.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return OsError("cannot rename symlink onto", link, err);
  }
  return FsyncDir(link.parent_path());
}

Result<fs::path> ReadLink(const fs::path& link) {
  std::string buf(4096, '\0');
  ssize_t n = ::readlink(link.c_str(), buf.data(), buf.size());
  if (n < 0) return OsError("expected a symlink at", link, errno);
  buf.resize(size_t(n));
  return fs::path(buf);
}

Status RemoveIfExists(const fs::path& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return OsError("cannot remove", path, errno);
  return OkStatus();
}

Status FsyncDir(const fs::path& dir) {
  fs::path d = dir.empty() ? fs::path(".") : dir;
  int fd = ::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return OsError("cannot open directory", d, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return OsError("cannot sync directory", d, err);
  return OkStatus();
}

std::vector<std::string> ListDir(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    names.push_back(it->path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

Status WritePrivateKeyFile(const fs::path& path, const std::string& pem, const fs::path& like) {
  unsigned mode = 0600;
  gid_t gid = gid_t(-1);
  struct stat st;
  if (!like.empty() && ::stat(like.c_str(), &st) == 0) {
    mode |= st.st_mode & (S_IRGRP | S_IWGRP | S_IXGRP | S_IROTH);
    gid = st.st_gid;
  }
  fs::path tmp;
  SIGNET_ASSIGN_OR_RETURN(int fd, CreateTempFileBeside(path, 0600, &tmp));
  Status st_write = WriteAll(fd, pem, tmp);
  bool ok = st_write.ok();
  // Group first, then the mode: the key is never readable by a group that
  // should not read it.
  if (ok && gid != gid_t(-1) && ::fchown(fd, uid_t(-1), gid) != 0) {
    st_write = OsError("cannot chown", tmp, errno);
    ok = false;
  }
  if (ok && ::fchmod(fd, mode) != 0) {
    st_write = OsError("cannot chmod", tmp, errno);
    ok = false;
  }
  if (ok && ::fsync(fd) != 0) {
    st_write = OsError("cannot sync", tmp, errno);
    ok = false;
  }
  if (::close(fd) != 0 && ok) {
    st_write = OsError("cannot close", tmp, errno);
    ok = false;
  }
  if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) {
    st_write = OsError("cannot rename onto", path, errno);
    ok = false;
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    return st_write;
  }
  return FsyncDir(path.parent_path());
}

bool IsTempName(const std::string& name) { return IsTempFileName(name); }

}  // namespace signet::client::store_internal
