#include "client/solvers/hooks.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <set>
#include <string_view>

extern char** environ;

namespace signet::client {
namespace {

// A file descriptor closed on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read;
  Fd write;
};

Status MakePipe(Pipe* p) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return Error(ErrorCode::kServerInternal, std::string("pipe: ") + std::strerror(errno));
  p->read.Reset(fds[0]);
  p->write.Reset(fds[1]);
  return OkStatus();
}

// The child's environment as "NAME=value" strings.
std::vector<std::string> BuildEnvironment(const HookEnv& extra_env,
                                          const std::vector<std::string>& unset) {
  std::set<std::string> drop(unset.begin(), unset.end());
  for (const auto& [name, value] : extra_env) drop.insert(name);
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    size_t eq = entry.find('=');
    std::string name(entry.substr(0, eq));
    if (!drop.count(name)) env.emplace_back(entry);
  }
  for (const auto& [name, value] : extra_env) env.push_back(name + "=" + value);
  return env;
}

// Spawn attributes: default dispositions for signals a parent commonly
// ignores, and an empty signal mask.
class SpawnAttr {
 public:
  SpawnAttr() {
    posix_spawnattr_init(&attr_);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGXFSZ);
    posix_spawnattr_setsigdefault(&attr_, &defaults);
    sigset_t empty;
    sigemptyset(&empty);
    posix_spawnattr_setsigmask(&attr_, &empty);
    posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  }
  ~SpawnAttr() { posix_spawnattr_destroy(&attr_); }
  const posix_spawnattr_t* get() const { return &attr_; }

 private:
  posix_spawnattr_t attr_;
};

class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions_); }
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

// Reads both pipes until both reach end of file.
Status DrainPipes(Fd& out_fd, Fd& err_fd, std::string* out, std::string* err) {
  std::array<char, 65536> buf;
  Fd* fds[2] = {&out_fd, &err_fd};
  std::string* sinks[2] = {out, err};
  for (;;) {
    pollfd pfds[2];
    int n = 0;
    int index[2];
    for (int i = 0; i < 2; ++i) {
      if (fds[i]->get() < 0) continue;
      pfds[n] = {fds[i]->get(), POLLIN, 0};
      index[n++] = i;
    }
    if (n == 0) return OkStatus();
    if (::poll(pfds, n, -1) < 0) {
      if (errno == EINTR) continue;
      return Error(ErrorCode::kServerInternal, std::string("poll: ") + std::strerror(errno));
    }
    for (int k = 0; k < n; ++k) {
      if (pfds[k].revents == 0) continue;
      int i = index[k];
      ssize_t got = ::read(fds[i]->get(), buf.data(), buf.size());
      if (got > 0) {
        sinks[i]->append(buf.data(), size_t(got));
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        fds[i]->Reset();
      }
    }
  }
}

Result<int> WaitForChild(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return Error(ErrorCode::kServerInternal, std::string("waitpid: ") + std::strerror(errno));
  }
  return status;
}

// Replaces control characters so a detail stays on one line.
std::string OneLine(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  return out;
}

std::string LastNonEmptyLine(std::string_view text) {
  constexpr size_t kMaxLine = 300;
  while (!text.empty()) {
    size_t nl = text.find_last_of('\n');
    std::string_view line = nl == std::string_view::npos ? text : text.substr(nl + 1);
    size_t b = line.find_first_not_of(" \t\r");
    if (b != std::string_view::npos) {
      line = line.substr(b, line.find_last_not_of(" \t\r") - b + 1);
      if (line.size() > kMaxLine) return OneLine(line.substr(0, kMaxLine)) + "...";
      return OneLine(line);
    }
    if (nl == std::string_view::npos) break;
    text = text.substr(0, nl);
  }
  return "";
}

}  // namespace

Result<CommandOutput> RunShellCommand(const std::string& command, const HookEnv& extra_env,
                                      const std::vector<std::string>& unset) {
  Pipe out_pipe, err_pipe;
  SIGNET_RETURN_IF_ERROR(MakePipe(&out_pipe));
  SIGNET_RETURN_IF_ERROR(MakePipe(&err_pipe));

  FileActions actions;
  posix_spawn_file_actions_adddup2(actions.get(), out_pipe.write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(actions.get(), err_pipe.write.get(), STDERR_FILENO);
  SpawnAttr attr;

  std::vector<std::string> env = BuildEnvironment(extra_env, unset);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string sh = "sh", dash_c = "-c", cmd = command;
  char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};

  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, "/bin/sh", actions.get(), attr.get(), argv, envp.data());
  if (rc != 0)
    return Error(ErrorCode::kServerInternal,
                 "cannot run /bin/sh -c '" + OneLine(command) + "': " + std::strerror(rc));
  out_pipe.write.Reset();
  err_pipe.write.Reset();

  CommandOutput output;
  Status drained =
      DrainPipes(out_pipe.read, err_pipe.read, &output.stdout_text, &output.stderr_text);
  if (!drained.ok()) {
    // Close our ends so the child gets SIGPIPE/EOF instead of blocking, then reap.
    out_pipe.read.Reset();
    err_pipe.read.Reset();
    (void)WaitForChild(pid);
    return std::move(drained).error();
  }
  SIGNET_ASSIGN_OR_RETURN(int status, WaitForChild(pid));
  if (WIFEXITED(status)) {
    output.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    output.term_signal = WTERMSIG(status);
    output.exit_code = 128 + output.term_signal;
  }
  return output;
}

std::string DescribeFailure(const std::string& command, const CommandOutput& output) {
  std::string detail = "'" + OneLine(command) + "' ";
  if (output.term_signal != 0)
    detail += "was killed by signal " + std::to_string(output.term_signal);
  else
    detail += "exited with code " + std::to_string(output.exit_code);
  std::string last = LastNonEmptyLine(output.stderr_text);
  if (!last.empty()) detail += ": " + last;
  return detail;
}

Status RunHook(const std::string& command, const HookEnv& extra_env, std::string* stdout_out,
               std::string* stderr_out) {
  SIGNET_ASSIGN_OR_RETURN(CommandOutput output, RunShellCommand(command, extra_env));
  if (stdout_out != nullptr) *stdout_out = output.stdout_text;
  if (stderr_out != nullptr) *stderr_out = output.stderr_text;
  if (output.exit_code != 0 || output.term_signal != 0)
    return Error(ErrorCode::kServerInternal, DescribeFailure(command, output));
  return OkStatus();
}

}  // namespace signet::client
