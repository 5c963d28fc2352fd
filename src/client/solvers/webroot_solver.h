// certbot's "webroot" authenticator: answers http-01 challenges (RFC 8555
// 8.3) by writing WEBROOT/.well-known/acme-challenge/TOKEN for a web server
// that already serves WEBROOT.
//
// As certbot: missing directories are created 0755 (owned like the webroot
// when we may chown), token files 0644 whatever the umask, and Cleanup
// removes the token files and then the directories it created, each only if
// empty. A failed Perform undoes its own partial work.
//
// Ownership: holds only paths. Thread-safety: none; one call at a time.
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
  using Key = std::pair<std::string, std::string>;  // domain, token

  Status Check(const ChallengeSpec& challenge) const;
  // Creates WEBROOT/.well-known/acme-challenge as needed; returns its path.
  Result<std::filesystem::path> EnsureChallengeDir(const std::string& domain);
  void RemoveCreatedDirs();

  std::map<std::string, std::filesystem::path> webroot_map_;
  std::map<Key, std::filesystem::path> written_;     // token files in place
  std::vector<std::filesystem::path> created_dirs_;  // in creation order
};

}  // namespace signet::client
