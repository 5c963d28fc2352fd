#include "client/nginx/reverter.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>

#include "base/files.h"

namespace signet::client::nginx {
namespace fs = std::filesystem;
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(line);
  return out;
}

// Python's str(time.time()), which certbot names checkpoints by; kept
// after every existing checkpoint so that sorting the names orders them.
std::string Timestamp(const std::vector<fs::path>& existing) {
  using namespace std::chrono;
  double now = duration<double>(system_clock::now().time_since_epoch()).count();
  if (!existing.empty()) {
    double last = std::atof(existing.back().filename().c_str());
    if (now <= last) now = last + 0.01;
  }
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.6f", now);
  return buf;
}

}  // namespace

Status WriteConfigFile(const fs::path& path, const std::string& data) {
  std::error_code ec;
  fs::path target = path;
  if (fs::is_symlink(fs::symlink_status(path, ec))) {
    target = fs::canonical(path, ec);
    if (ec) return Error(ErrorCode::kServerInternal, "cannot resolve the link " + path.string());
  }
  unsigned mode = 0644;
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0) mode = st.st_mode & 07777;
  return WriteFileAtomic(target, data, mode);
}

std::vector<fs::path> Reverter::Checkpoints() const {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(backup_dir(), ec))
    if (e.is_directory()) out.push_back(e.path());
  std::sort(out.begin(), out.end());  // certbot sorts the names as strings
  return out;
}

Status Reverter::WriteDir(const fs::path& dir, const std::map<fs::path, std::string>& originals,
                          const std::vector<fs::path>& created) {
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  if (ec) return Error(ErrorCode::kServerInternal, "cannot create " + dir.string());
  std::string filepaths;
  int idx = 0;
  for (const auto& [path, bytes] : originals) {
    fs::path copy = dir / (path.filename().string() + "_" + std::to_string(idx++));
    SIGNET_RETURN_IF_ERROR(WriteFileAtomic(copy, bytes, 0644));
    filepaths += path.string() + "\n";
  }
  std::string new_files;
  for (const auto& p : created) new_files += p.string() + "\n";
  SIGNET_RETURN_IF_ERROR(WriteFileAtomic(dir / "FILEPATHS", filepaths, 0644));
  if (!new_files.empty())
    SIGNET_RETURN_IF_ERROR(WriteFileAtomic(dir / "NEW_FILES", new_files, 0644));
  return OkStatus();
}

Status Reverter::SaveCheckpoint(const std::map<fs::path, std::string>& originals,
                                const std::vector<fs::path>& created, const std::string& title,
                                const std::string& notes) {
  fs::path progress = work_dir_ / "IN_PROGRESS";
  SIGNET_RETURN_IF_ERROR(WriteDir(progress, originals, created));
  SIGNET_RETURN_IF_ERROR(
      WriteFileAtomic(progress / "CHANGES_SINCE", "-- " + title + " --\n" + notes, 0644));
  std::error_code ec;
  fs::create_directories(backup_dir(), ec);
  fs::path final_dir = backup_dir() / Timestamp(Checkpoints());
  fs::rename(progress, final_dir, ec);
  if (ec)
    return Error(ErrorCode::kServerInternal,
                 "cannot finalize checkpoint " + final_dir.string() + ": " + ec.message());
  return OkStatus();
}

Status Reverter::SaveTemporary(const std::map<fs::path, std::string>& originals,
                               const std::vector<fs::path>& created) {
  return WriteDir(work_dir_ / "temp_checkpoint", originals, created);
}

void Reverter::DropTemporary() {
  std::error_code ec;
  fs::remove_all(work_dir_ / "temp_checkpoint", ec);
}

Result<bool> Reverter::RecoverTemporary() {
  fs::path dir = work_dir_ / "temp_checkpoint";
  if (!fs::exists(dir)) return false;
  SIGNET_RETURN_IF_ERROR(Restore(dir));
  DropTemporary();
  return true;
}

Status Reverter::Restore(const fs::path& dir) {
  if (fs::exists(dir / "FILEPATHS")) {
    SIGNET_ASSIGN_OR_RETURN(std::string list, ReadFile(dir / "FILEPATHS"));
    std::vector<std::string> paths = Lines(list);
    for (size_t i = 0; i < paths.size(); ++i) {
      fs::path copy = dir / (fs::path(paths[i]).filename().string() + "_" + std::to_string(i));
      SIGNET_ASSIGN_OR_RETURN(std::string bytes, ReadFile(copy));
      SIGNET_RETURN_IF_ERROR(WriteConfigFile(paths[i], bytes));
    }
  }
  if (fs::exists(dir / "NEW_FILES")) {
    SIGNET_ASSIGN_OR_RETURN(std::string list, ReadFile(dir / "NEW_FILES"));
    for (const auto& p : Lines(list)) {
      std::error_code ec;
      fs::remove(p, ec);
    }
  }
  return OkStatus();
}

Result<int> Reverter::Rollback(int count) {
  std::vector<fs::path> checkpoints = Checkpoints();
  int done = 0;
  while (count-- > 0 && !checkpoints.empty()) {
    fs::path dir = checkpoints.back();
    checkpoints.pop_back();
    SIGNET_RETURN_IF_ERROR(Restore(dir));
    std::error_code ec;
    fs::remove_all(dir, ec);
    ++done;
  }
  return done;
}

}  // namespace signet::client::nginx
