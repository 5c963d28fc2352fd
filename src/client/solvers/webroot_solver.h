// certbot's "webroot" authenticator: answers http-01 challenges (RFC 8555
// 8.3) by writing WEBROOT/.well-known/acme-challenge/TOKEN for a web server
// that already serves WEBROOT.
//
// As certbot: missing directories are created 0755 (owned like the webroot
// when we may chown), token files 0644 whatever the umask, and Cleanup
// removes the token files and then the directories it created, each only if
// empty. A failed Perform undoes its own partial work.
//
// The agent runs as root and whoever owns the webroot may plant links in it:
// the webroot itself is opened like any path (the operator chose it, and it
// may be a link), but nothing under it is followed. Every step below it goes
// through a directory descriptor (openat/mkdirat with O_NOFOLLOW, fchmod and
// fchown on the opened directory, unlinkat at cleanup), so a symbolic link at
// .well-known, at acme-challenge or at a token's name is refused, never
// written through, chmodded or chowned.
//
// Ownership: holds descriptors of the directories it wrote into until
// Cleanup. Thread-safety: none; one call at a time.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "client/solvers/solver.h"

namespace signet::client {

class WebrootSolver : public Solver {
 public:
  // `webroot_map`: domain -> webroot directory (certbot's webroot_map, after
  // -w/-d and --webroot-map are merged).
  explicit WebrootSolver(std::map<std::string, std::filesystem::path> webroot_map);

  // Fails before writing anything if a domain has no webroot, a webroot is
  // not a directory or a challenge is not http-01 with a base64url token.
  Status Perform(const std::vector<ChallengeSpec>& challenges) override;
  void Cleanup(const std::vector<ChallengeSpec>& challenges) override;

 private:
  // An open file descriptor, closed on destruction. Move-only.
  class Fd {
   public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept;
    ~Fd();
    bool ok() const { return fd_ >= 0; }
    int get() const { return fd_; }

   private:
    int fd_;
  };
  // An entry this solver created: `name` in the directory open as `dir`.
  struct Entry {
    Fd dir;
    std::string name;
    std::filesystem::path path;  // for messages only
  };
  using Key = std::pair<std::string, std::string>;  // domain, token

  Status Check(const ChallengeSpec& challenge) const;
  // Opens WEBROOT/.well-known/acme-challenge, creating what is missing,
  // without following a link below WEBROOT; returns the descriptor and sets
  // `path` to the directory's path.
  Result<Fd> OpenChallengeDir(const std::string& domain, std::filesystem::path* path);
  void RemoveCreatedDirs();

  std::map<std::string, std::filesystem::path> webroot_map_;
  std::map<Key, Entry> written_;     // token files in place
  std::vector<Entry> created_dirs_;  // in creation order
};

}  // namespace signet::client
