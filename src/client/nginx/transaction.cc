// NginxTransaction, RunNginx and TestAndReload (installer.h).
#include <algorithm>
#include <chrono>
#include <sstream>
#include <thread>

#include "base/files.h"
#include "client/nginx/installer.h"
#include "client/nginx/reverter.h"
#include "client/solvers/hooks.h"

namespace signet::client::nginx {
namespace fs = std::filesystem;
namespace {

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// nginx's reason: its first [emerg] line, else its last line.
std::string NginxReason(const CommandOutput& out) {
  std::string text = out.stderr_text + out.stdout_text, line, last;
  std::istringstream in(text);
  while (std::getline(in, line)) {
    if (line.find("[emerg]") != std::string::npos) return line;
    if (!line.empty()) last = line;
  }
  return last.empty() ? "exit code " + std::to_string(out.exit_code) : last;
}

}  // namespace

Status RunNginx(const NginxSettings& s, const std::vector<std::string>& args) {
  std::string command =
      ShellQuote(s.ctl) + " -c " + ShellQuote((fs::absolute(s.server_root) / "nginx.conf").string());
  for (const auto& a : args) command += " " + ShellQuote(a);
  auto out = RunShellCommand(command, {});
  if (!out.ok()) return Error(ErrorCode::kServerInternal, "cannot run " + s.ctl);
  if (out->exit_code != 0) return Error(ErrorCode::kServerInternal, NginxReason(*out));
  return OkStatus();
}

Status TestAndReload(const NginxSettings& s) {
  if (auto t = RunNginx(s, {"-t"}); !t.ok())
    return Error(ErrorCode::kServerInternal, "nginx -t failed: " + t.error().detail);
  if (!RunNginx(s, {"-s", "reload"}).ok()) {
    // Not running: start it, as certbot does.
    if (auto start = RunNginx(s, {}); !start.ok())
      return Error(ErrorCode::kServerInternal, "nginx reload failed: " + start.error().detail);
  }
  if (s.sleep_seconds > 0) std::this_thread::sleep_for(std::chrono::seconds(s.sleep_seconds));
  return OkStatus();
}

void NginxTransaction::Create(const fs::path& file, std::string text) {
  if (std::find(created_.begin(), created_.end(), file) == created_.end()) created_.push_back(file);
  pending_[file] = std::move(text);
}

Status NginxTransaction::Restore() {
  Status result = OkStatus();
  for (const auto& [path, bytes] : originals_) {
    auto current = ReadFile(path);
    if (current.ok() && *current == bytes) continue;
    if (auto s = WriteConfigFile(path, bytes); !s.ok() && result.ok()) result = s;
  }
  for (const auto& path : created_) {
    std::error_code ec;
    fs::remove(path, ec);
  }
  return result;
}

Status NginxTransaction::Apply() {
  originals_.clear();
  for (const auto& [path, text] : pending_) {
    if (std::find(created_.begin(), created_.end(), path) != created_.end()) continue;
    auto before = ReadFile(path);
    if (before.ok()) {
      if (*before != text) originals_[path] = *before;  // an unchanged file is no change
    } else {
      created_.push_back(path);
    }
  }
  // The state before, on disk before the first byte changes: a run killed
  // from here on is undone by the next one.
  Reverter reverter(s_.work_dir);
  if (auto saved = reverter.SaveTemporary(originals_, created_); !saved.ok())
    return Error(ErrorCode::kServerInternal,
                 "cannot save the temporary checkpoint: " + saved.error().detail);
  for (const auto& [path, text] : pending_) {
    bool created = std::find(created_.begin(), created_.end(), path) != created_.end();
    if (!created && !originals_.count(path)) continue;
    if (auto s = WriteConfigFile(path, text); !s.ok()) {
      if (Restore().ok()) reverter.DropTemporary();
      return Error(ErrorCode::kServerInternal,
                   "cannot write " + path.string() + " (" + s.error().detail +
                       "); every file was restored");
    }
  }
  Status checked = TestAndReload(s_);
  if (checked.ok()) return OkStatus();
  Status restored = Restore();
  if (restored.ok()) reverter.DropTemporary();
  bool tested = checked.error().detail.rfind("nginx -t failed", 0) != 0;
  if (tested) (void)RunNginx(s_, {"-s", "reload"});  // back onto the old configuration
  if (!restored.ok())
    return Error(ErrorCode::kServerInternal,
                 checked.error().detail + "; restoring the files failed too: " +
                     restored.error().detail);
  return Error(ErrorCode::kServerInternal,
               checked.error().detail + "; every nginx configuration file was restored");
}

void NginxTransaction::Finish() { Reverter(s_.work_dir).DropTemporary(); }

Status RecoverInterrupted(const NginxSettings& s, const LogFn& log) {
  auto recovered = Reverter(s.work_dir).RecoverTemporary();
  if (!recovered.ok())
    return Error(ErrorCode::kServerInternal,
                 "cannot undo an interrupted run's changes (" + (s.work_dir / "temp_checkpoint").string() +
                     "): " + recovered.error().detail);
  if (*recovered) log("Restored the nginx configuration an interrupted run had changed");
  return OkStatus();
}

Status NginxTransaction::Revert() {
  SIGNET_RETURN_IF_ERROR(Restore());
  Finish();
  originals_.clear();
  created_.clear();
  pending_.clear();
  return TestAndReload(s_);
}

}  // namespace signet::client::nginx
