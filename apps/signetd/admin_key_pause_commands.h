// `signetd admin block-key|pause|unpause|paused`: the operator's changes
// that refuse a key or an (account, identifier) pair (ca/ra/admin_block_key.h,
// ca/ra/admin_pausing.h). Output, tab-separated (admin_common.h):
//   block-key:  "blocked" SPKI-SHA256 SERIAL|- ["already"]
//   pause:      "paused" ACCOUNT TYPE:VALUE ["already"]
//   unpause:    "unpaused" ACCOUNT TYPE:VALUE, a line per identifier unpaused
//   paused:     ACCOUNT TYPE:VALUE PAUSED-AT FAILURES, a line per pair paused now
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "admin_common.h"

namespace signet::app {

class AdminKeyPauseCommands {
 public:
  AdminKeyPauseCommands(CLI::App& admin, admin::StoreLocation& data_dir);
  // The exit code, when one of these subcommands was parsed.
  std::optional<int> Run();

 private:
  int BlockKey();
  int Pause();
  int Unpause();
  int Paused();

  admin::StoreLocation& data_dir_;
  CLI::App* block_key_;
  CLI::App* pause_;
  CLI::App* unpause_;
  CLI::App* paused_;
  std::string spki_sha256_;
  std::string cert_file_;
  std::string account_;
  std::string identifier_;
  size_t limit_ = 100;
};

}  // namespace signet::app
