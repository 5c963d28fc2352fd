// Wires signetd's roles together from a CaConfig: the one place that picks
// concrete implementations (SQLite store, libunbound resolver, Beast server).
#pragma once

#include <chrono>
#include <memory>

#include "base/result.h"
#include "config.h"

namespace signet::app {

class CaServer {
 public:
  static Result<std::unique_ptr<CaServer>> Start(const CaConfig& config);
  virtual ~CaServer() = default;
  virtual uint16_t port() const = 0;
  virtual void Stop() = 0;
  // Reads the rate-limit file again (SIGHUP); on an error the limits in
  // force stay. Without rate limits at start, there is nothing to reload.
  virtual Status ReloadRateLimits() = 0;
  // SIGHUP: the rate limits (from config.rate_limits), the blocklist and
  // the certificate profiles of `config` (the configuration read again). All or nothing: on an error
  // the settings in force stay and the error says why.
  virtual Status Reload(const CaConfig& config) = 0;
  // SIGTERM: stops accepting, lets requests in flight be answered and
  // queued validations and issuances finish until `deadline`, then stops
  // everything. False when something was left unfinished (validations stay
  // processing in the store; the next start resumes them).
  virtual bool Shutdown(std::chrono::steady_clock::time_point deadline) = 0;
  // The ACME listener's I/O threads answer (the systemd watchdog).
  virtual bool Responsive() = 0;
};

}  // namespace signet::app
