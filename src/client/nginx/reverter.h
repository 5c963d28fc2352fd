// Rollback checkpoints in certbot's format (certbot/reverter.py), so that
// `signet rollback` undoes what certbot's nginx plugin changed and
// `certbot rollback` undoes what signet changed: WORK_DIR/backups/TIMESTAMP/
// holds FILEPATHS (one path a line), a copy of each file as it was named
// BASENAME_INDEX, NEW_FILES (files the change created, removed on
// rollback) and CHANGES_SINCE ("-- title --" then notes).
//
// Not thread-safe; the caller holds the config dir lock.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/result.h"

namespace signet::client::nginx {

class Reverter {
 public:
  explicit Reverter(std::filesystem::path work_dir) : work_dir_(std::move(work_dir)) {}

  std::filesystem::path backup_dir() const { return work_dir_ / "backups"; }

  // Records a finished change: `originals` maps each changed file to its
  // bytes before the change; `created` lists files the change created.
  Status SaveCheckpoint(const std::map<std::filesystem::path, std::string>& originals,
                        const std::vector<std::filesystem::path>& created,
                        const std::string& title, const std::string& notes);

  // Undoes the last `count` checkpoints, newest first. Returns how many
  // were undone (0 when there is none).
  Result<int> Rollback(int count);

  // certbot's temporary checkpoint (WORK_DIR/temp_checkpoint): the state
  // before a change in progress, written before the change, so that a run
  // killed halfway is undone by the next one (RecoverTemporary, as
  // certbot's recovery_routine does).
  Status SaveTemporary(const std::map<std::filesystem::path, std::string>& originals,
                       const std::vector<std::filesystem::path>& created);
  void DropTemporary();
  // Restores and removes a temporary checkpoint left behind; true if there was one.
  Result<bool> RecoverTemporary();

  // The checkpoint directories, oldest first.
  std::vector<std::filesystem::path> Checkpoints() const;

 private:
  Status WriteDir(const std::filesystem::path& dir,
                  const std::map<std::filesystem::path, std::string>& originals,
                  const std::vector<std::filesystem::path>& created);
  Status Restore(const std::filesystem::path& dir);

  std::filesystem::path work_dir_;
};

// Writes `data` to `path` through a symlink (sites-enabled/ links into
// sites-available/), keeping the file's mode; atomic (rename).
Status WriteConfigFile(const std::filesystem::path& path, const std::string& data);

}  // namespace signet::client::nginx
