// Wires signetd's roles together from a CaConfig: the one place that picks
// concrete implementations (SQLite store, libunbound resolver, Beast server).
#pragma once

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
};

}  // namespace signet::app
