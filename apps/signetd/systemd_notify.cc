#include "systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include <spdlog/spdlog.h>

namespace signet::app {

SystemdNotifier SystemdNotifier::FromEnvironment() {
  SystemdNotifier n;
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path && (path[0] == '/' || path[0] == '@') && std::strlen(path) < sizeof(sockaddr_un{}.sun_path))
    n.socket_path_ = path;
  const char* usec = std::getenv("WATCHDOG_USEC");
  const char* pid = std::getenv("WATCHDOG_PID");
  bool ours = !pid || std::strtoll(pid, nullptr, 10) == static_cast<long long>(getpid());
  if (usec && ours) {
    long long us = std::strtoll(usec, nullptr, 10);
    if (us > 0) n.watchdog_ = std::chrono::microseconds(us);
  }
  return n;
}

bool SystemdNotifier::Notify(std::string_view state) const {
  if (socket_path_.empty()) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_path_.data(), socket_path_.size());
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';  // abstract namespace
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size());
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  ssize_t sent = sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                        reinterpret_cast<const sockaddr*>(&addr), len);
  close(fd);
  return sent == static_cast<ssize_t>(state.size());
}

SystemdWatchdog::SystemdWatchdog(const SystemdNotifier& notifier, std::function<bool()> alive) {
  auto interval = notifier.watchdog_interval();
  if (!interval) return;
  thread_ = std::thread([this, &notifier, alive = std::move(alive), every = *interval / 2] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, every, [this] { return stop_; })) {
      lock.unlock();
      if (alive()) {
        notifier.Notify("WATCHDOG=1");
      } else {
        spdlog::error("signetd: the listener does not answer; no watchdog ping");
      }
      lock.lock();
    }
  });
}

SystemdWatchdog::~SystemdWatchdog() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace signet::app
