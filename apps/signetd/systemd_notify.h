// systemd's service notification protocol (sd_notify(3)), written here
// rather than linking libsystemd (docs/dependencies.md says why): one
// datagram per state ("READY=1", "WATCHDOG=1", "STOPPING=1", "RELOADING=1")
// to the AF_UNIX socket named by $NOTIFY_SOCKET ("@name": abstract).
// Without $NOTIFY_SOCKET (not under Type=notify) every call does nothing.
//
// Thread-safe: Notify may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <string>
#include <string_view>

namespace signet::app {

class SystemdNotifier {
 public:
  // Reads $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID.
  static SystemdNotifier FromEnvironment();

  bool enabled() const { return !socket_path_.empty(); }
  // Sends `state` (newline-separated KEY=VALUE assignments); false when it
  // could not be sent (or notification is off).
  bool Notify(std::string_view state) const;
  // How often systemd wants WATCHDOG=1 at least (WatchdogSec=), when it
  // watches this process.
  std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_; }

 private:
  std::string socket_path_;
  std::optional<std::chrono::microseconds> watchdog_;
};

// Sends WATCHDOG=1 every half WatchdogSec while `alive` says so (a check
// that the process still serves, not merely that this thread runs); nothing
// without a watchdog. Stops (and joins) when destroyed.
class SystemdWatchdog {
 public:
  SystemdWatchdog(const SystemdNotifier& notifier, std::function<bool()> alive);
  ~SystemdWatchdog();
  SystemdWatchdog(const SystemdWatchdog&) = delete;
  SystemdWatchdog& operator=(const SystemdWatchdog&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace signet::app
