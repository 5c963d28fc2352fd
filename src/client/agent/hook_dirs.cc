#include "client/agent/hook_dirs.h"

#include <unistd.h>

#include <algorithm>

#include "client/agent/issue.h"

namespace signet::client {

std::vector<std::string> ListHookDir(const std::filesystem::path& dir) {
  std::vector<std::string> hooks;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string path = entry.path().string();
    if (!path.empty() && path.back() == '~') continue;
    if (entry.is_directory(ec) || ::access(path.c_str(), X_OK) != 0) continue;
    hooks.push_back(path);
  }
  std::sort(hooks.begin(), hooks.end());
  return hooks;
}

RenewHooks::RenewHooks(const std::filesystem::path& config_dir, bool use_directories,
                       const Output& out)
    : out_(out), use_directories_(use_directories), dir_(config_dir / "renewal-hooks") {
  if (use_directories_) deploy_dir_ = ListHookDir(dir_ / "deploy");
}

void RenewHooks::BeforeRenewal(const std::string& pre_hook) {
  std::vector<std::string> commands;
  if (use_directories_) commands = ListHookDir(dir_ / "pre");
  if (!pre_hook.empty()) commands.push_back(pre_hook);
  for (const auto& command : commands) {
    if (!pre_done_.insert(command).second) continue;
    RunUserHook("pre-hook", command, out_);
  }
}

void RenewHooks::AfterRenewal(const std::string& post_hook) {
  auto add = [this](const std::string& command) {
    if (std::find(posts_.begin(), posts_.end(), command) == posts_.end())
      posts_.push_back(command);
  };
  if (use_directories_ && !dir_posts_added_) {
    for (const auto& hook : ListHookDir(dir_ / "post")) add(hook);
    dir_posts_added_ = true;
  }
  if (!post_hook.empty()) add(post_hook);
}

void RenewHooks::RunPostHooks() {
  for (const auto& command : posts_) RunUserHook("post-hook", command, out_);
  posts_.clear();
}

}  // namespace signet::client
