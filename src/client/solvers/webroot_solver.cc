#include "client/solvers/webroot_solver.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "client/solvers/token.h"

namespace signet::client {
namespace {

namespace fs = std::filesystem;

constexpr unsigned kDirMode = 0755;
constexpr unsigned kFileMode = 0644;

std::string ErrnoText() { return std::strerror(errno); }

// Why `name` in `dirfd` could not be opened as a directory without following
// a link (`err` the errno of that attempt), as the end of a sentence that
// starts with its path.
std::string WhyNotOpened(int dirfd, const char* name, int err) {
  struct stat st {};
  if (::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(st.st_mode))
      return " is a symbolic link; links under the webroot are never followed";
    if (!S_ISDIR(st.st_mode)) return " exists and is not a directory";
  }
  return ": " + std::string(std::strerror(err));
}

// Opens `name` in `dirfd` as a directory; fails on a symbolic link.
int OpenSubdir(int dirfd, const char* name) {
  return ::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

Status WriteAll(int fd, std::string_view data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error(ErrorCode::kServerInternal, ErrnoText());
    off += size_t(n);
  }
  return OkStatus();
}

// Writes `data` to a new file `token` in `dirfd` (the challenge directory,
// at `dir_path`) with mode 0644. O_EXCL|O_NOFOLLOW: never writes through a
// link planted there, which is refused; a stale regular file left by a
// crashed run is unlinked and replaced.
Status WriteTokenFile(int dirfd, const fs::path& dir_path, const std::string& domain,
                      const std::string& token, std::string_view data) {
  const fs::path path = dir_path / token;
  constexpr int kFlags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  int fd = ::openat(dirfd, token.c_str(), kFlags, kFileMode);
  if (fd < 0 && errno == EEXIST) {
    struct stat st {};
    if (::fstatat(dirfd, token.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode))
      return Error(ErrorCode::kServerInternal,
                   "refusing to write the http-01 response for " + domain + ": " + path.string() +
                       (S_ISLNK(st.st_mode)
                            ? " is a symbolic link; links under the webroot are never followed"
                            : " exists and is not a regular file"));
    ::unlinkat(dirfd, token.c_str(), 0);
    fd = ::openat(dirfd, token.c_str(), kFlags, kFileMode);
  }
  if (fd < 0)
    return Error(ErrorCode::kServerInternal, "cannot create " + path.string() + ": " + ErrnoText());
  ::fchmod(fd, kFileMode);  // the umask may have narrowed it
  Status written = WriteAll(fd, data);
  if (::close(fd) != 0 && written.ok()) written = Error(ErrorCode::kServerInternal, ErrnoText());
  if (!written.ok()) {
    ::unlinkat(dirfd, token.c_str(), 0);
    return Error(ErrorCode::kServerInternal,
                 "cannot write " + path.string() + ": " + written.error().detail);
  }
  return OkStatus();
}

}  // namespace

WebrootSolver::WebrootSolver(std::map<std::string, fs::path> webroot_map)
    : webroot_map_(std::move(webroot_map)) {}

Status WebrootSolver::Check(const ChallengeSpec& challenge) const {
  SIGNET_RETURN_IF_ERROR(CheckHttp01(challenge, "webroot"));
  auto it = webroot_map_.find(challenge.domain);
  if (it == webroot_map_.end() || it->second.empty())
    return Error(ErrorCode::kMalformed,
                 "Missing command line flag or config entry for this setting: Input the webroot "
                 "for " +
                     challenge.domain + ": (set it with --webroot-path/-w or --webroot-map)");
  std::error_code ec;
  if (!fs::is_directory(it->second, ec))
    return Error(ErrorCode::kMalformed,
                 it->second.string() + " does not exist or is not a directory");
  return OkStatus();
}

WebrootSolver::Fd& WebrootSolver::Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

WebrootSolver::Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

Result<WebrootSolver::Fd> WebrootSolver::OpenChallengeDir(const std::string& domain,
                                                          fs::path* path) {
  *path = fs::absolute(webroot_map_.at(domain));
  auto fail = [&](const std::string& what) {
    return Error(ErrorCode::kServerInternal,
                 "Couldn't create root for " + domain + " http-01 challenge responses: " + what);
  };
  // The operator named the webroot: a link to it is followed. Below it,
  // nothing is.
  Fd dir(::open(path->c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.ok()) return fail(path->string() + ": " + ErrnoText());
  struct stat owner {};
  bool have_owner = ::fstat(dir.get(), &owner) == 0;
  for (const char* part : {".well-known", "acme-challenge"}) {
    *path /= part;
    bool created = false;
    Fd next(OpenSubdir(dir.get(), part));
    if (!next.ok() && errno == ENOENT) {
      if (::mkdirat(dir.get(), part, kDirMode) == 0)
        created = true;
      else if (errno != EEXIST)
        return fail("cannot create " + path->string() + ": " + ErrnoText());
      next = Fd(OpenSubdir(dir.get(), part));
    }
    if (!next.ok()) {
      int err = errno;
      return fail(path->string() + WhyNotOpened(dir.get(), part, err));
    }
    if (created) {
      created_dirs_.push_back({Fd(::dup(dir.get())), part, *path});
      ::fchmod(next.get(), kDirMode);  // the umask may have narrowed it
      // Like certbot's copy_ownership_and_apply_mode: best effort (root
      // only); otherwise the directory keeps our ownership, as with certbot.
      if (have_owner && ::fchown(next.get(), owner.st_uid, owner.st_gid) != 0) {
      }
    }
    dir = std::move(next);
  }
  return dir;
}

Status WebrootSolver::Perform(const std::vector<ChallengeSpec>& challenges) {
  for (const ChallengeSpec& c : challenges) SIGNET_RETURN_IF_ERROR(Check(c));
  std::vector<ChallengeSpec> done;
  for (const ChallengeSpec& c : challenges) {
    fs::path dir_path;
    Result<Fd> dir = OpenChallengeDir(c.domain, &dir_path);
    Status written = dir.ok() ? WriteTokenFile(dir->get(), dir_path, c.domain, c.token,
                                               c.key_authorization)
                              : Status(dir.error());
    if (!written.ok()) {
      Cleanup(done);
      return written;
    }
    written_[{c.domain, c.token}] = Entry{std::move(*dir), c.token, dir_path / c.token};
    done.push_back(c);
  }
  return OkStatus();
}

void WebrootSolver::Cleanup(const std::vector<ChallengeSpec>& challenges) {
  for (const ChallengeSpec& c : challenges) {
    auto it = written_.find({c.domain, c.token});
    if (it == written_.end()) continue;
    ::unlinkat(it->second.dir.get(), it->second.name.c_str(), 0);
    written_.erase(it);
  }
  RemoveCreatedDirs();
}

void WebrootSolver::RemoveCreatedDirs() {
  // Newest first, so acme-challenge goes before .well-known. A directory
  // still holding files (ours or someone else's) stays, and is retried by
  // the next Cleanup.
  std::vector<Entry> kept;
  while (!created_dirs_.empty()) {
    Entry dir = std::move(created_dirs_.back());
    created_dirs_.pop_back();
    if (::unlinkat(dir.dir.get(), dir.name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT)
      kept.insert(kept.begin(), std::move(dir));
  }
  created_dirs_ = std::move(kept);
}

}  // namespace signet::client
