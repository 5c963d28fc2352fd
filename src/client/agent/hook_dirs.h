// The hooks of one `renew` run, as certbot runs them (certbot/_internal/
// hooks.py): the executables in CONFIG/renewal-hooks/pre, deploy and post
// (sorted by name; files ending in "~" and non-executables skipped) and
// each lineage's --pre-hook/--post-hook/--deploy-hook.
//   pre:    the directory's hooks, then the lineage's pre-hook, before the
//           first renewal that needs them; each distinct command runs once.
//   deploy: per renewed lineage (not on --dry-run): the directory's hooks,
//           then the lineage's deploy hook unless it is one of them, with
//           RENEWED_LINEAGE and RENEWED_DOMAINS.
//   post:   once after all renewals: the directory's hooks, then each
//           distinct post-hook in the order the lineages gave them.
// --no-directory-hooks leaves the directories out. certonly runs the
// command-line hooks, and the deploy directory only when it replaces an
// existing lineage (certbot's renew_cert); never pre or post. Not
// thread-safe.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "client/agent/output.h"

namespace signet::client {

// The hooks in `dir`, sorted; none when it does not exist.
std::vector<std::string> ListHookDir(const std::filesystem::path& dir);

class RenewHooks {
 public:
  // `use_directories`: not --no-directory-hooks.
  RenewHooks(const std::filesystem::path& config_dir, bool use_directories, const Output& out);

  // Before renewing a lineage whose pre-hook is `pre_hook` ("" = none).
  void BeforeRenewal(const std::string& pre_hook);
  // After trying to renew a lineage whose post-hook is `post_hook`.
  void AfterRenewal(const std::string& post_hook);
  // Runs the collected post hooks (once each); call at the end of renew.
  void RunPostHooks();
  // The deploy directory's hooks (IssueIntoLineage runs them first).
  const std::vector<std::string>& deploy_dir_hooks() const { return deploy_dir_; }

 private:
  const Output& out_;
  bool use_directories_;
  std::filesystem::path dir_;
  std::vector<std::string> deploy_dir_;
  std::set<std::string> pre_done_;
  std::vector<std::string> posts_;
  bool dir_posts_added_ = false;
};

}  // namespace signet::client
