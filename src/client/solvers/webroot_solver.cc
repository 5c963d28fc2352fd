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

// Writes `data` to a new file at `path` with mode 0644. O_EXCL|O_NOFOLLOW:
// never writes through a link planted in the webroot; a stale file left by a
// crashed run is unlinked and replaced.
Status WriteTokenFile(const fs::path& path, std::string_view data) {
  int fd = -1;
  for (int attempt = 0; attempt < 2 && fd < 0; ++attempt) {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, kFileMode);
    if (fd < 0 && errno == EEXIST && attempt == 0) ::unlink(path.c_str());
  }
  if (fd < 0)
    return Error(ErrorCode::kServerInternal, "cannot create " + path.string() + ": " + ErrnoText());
  ::fchmod(fd, kFileMode);  // the umask may have narrowed it
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string why = ErrnoText();
      ::close(fd);
      ::unlink(path.c_str());
      return Error(ErrorCode::kServerInternal, "cannot write " + path.string() + ": " + why);
    }
    off += size_t(n);
  }
  if (::close(fd) != 0) {
    std::string why = ErrnoText();
    ::unlink(path.c_str());
    return Error(ErrorCode::kServerInternal, "cannot write " + path.string() + ": " + why);
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

Result<fs::path> WebrootSolver::EnsureChallengeDir(const std::string& domain) {
  const fs::path webroot = fs::absolute(webroot_map_.at(domain));
  struct stat owner {};
  bool have_owner = ::stat(webroot.c_str(), &owner) == 0;
  fs::path dir = webroot;
  for (const char* part : {".well-known", "acme-challenge"}) {
    dir /= part;
    std::error_code ec;
    if (fs::is_directory(dir, ec)) continue;
    if (::mkdir(dir.c_str(), kDirMode) != 0 && !(errno == EEXIST && fs::is_directory(dir, ec)))
      return Error(ErrorCode::kServerInternal, "Couldn't create root for " + domain +
                                                   " http-01 challenge responses: " + dir.string() +
                                                   ": " + ErrnoText());
    created_dirs_.push_back(dir);
    ::chmod(dir.c_str(), kDirMode);  // the umask may have narrowed it
    // Like certbot's copy_ownership_and_apply_mode: best effort (root only).
    if (have_owner && ::chown(dir.c_str(), owner.st_uid, owner.st_gid) != 0) {
      // Not root: the directory keeps our ownership, as with certbot.
    }
  }
  return dir;
}

Status WebrootSolver::Perform(const std::vector<ChallengeSpec>& challenges) {
  for (const ChallengeSpec& c : challenges) SIGNET_RETURN_IF_ERROR(Check(c));
  std::vector<ChallengeSpec> done;
  for (const ChallengeSpec& c : challenges) {
    Result<fs::path> dir = EnsureChallengeDir(c.domain);
    Status written =
        dir.ok() ? WriteTokenFile(*dir / c.token, c.key_authorization) : Status(dir.error());
    if (!written.ok()) {
      Cleanup(done);
      return written;
    }
    written_[{c.domain, c.token}] = *dir / c.token;
    done.push_back(c);
  }
  return OkStatus();
}

void WebrootSolver::Cleanup(const std::vector<ChallengeSpec>& challenges) {
  for (const ChallengeSpec& c : challenges) {
    auto it = written_.find({c.domain, c.token});
    if (it == written_.end()) continue;
    ::unlink(it->second.c_str());
    written_.erase(it);
  }
  RemoveCreatedDirs();
}

void WebrootSolver::RemoveCreatedDirs() {
  // Newest first, so acme-challenge goes before .well-known. A directory
  // still holding files (ours or someone else's) stays, and is retried by
  // the next Cleanup.
  std::vector<fs::path> kept;
  while (!created_dirs_.empty()) {
    fs::path dir = std::move(created_dirs_.back());
    created_dirs_.pop_back();
    if (::rmdir(dir.c_str()) != 0 && errno != ENOENT) kept.insert(kept.begin(), std::move(dir));
  }
  created_dirs_ = std::move(kept);
}

}  // namespace signet::client
