// `signetd admin`: operator actions without an ACME account, on the data
// directory's database (ca/ra/admin.h), with signetd stopped or running.
//   signetd admin revoke --data-dir DIR --serial HEX --reason N [--explanation URL]
//   signetd admin ari-window --data-dir DIR --serial HEX [--serial HEX ...]
//       --start RFC3339 --end RFC3339 [--explanation URL]
//   signetd admin eab add --data-dir DIR    (prints "kid: KID" and "hmac_key: KEY")
//   signetd admin eab list --data-dir DIR   (one line per key: kid, created, account)
// and the groups in admin_query_commands.h (accounts, certificates, counts)
// and admin_key_pause_commands.h (block-key, pause, unpause, paused).
//   signetd admin ratelimit override add --data-dir DIR --limit NAME --key KEY
//       --count N --period DURATION
//   signetd admin ratelimit override list --data-dir DIR  (LIMIT KEY COUNT PERIOD a line)
//   signetd admin ratelimit override remove --data-dir DIR --limit NAME --key KEY
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "admin_key_pause_commands.h"
#include "admin_query_commands.h"

namespace signet::app {

class AdminCommand {
 public:
  // Registers the subcommands on `app`.
  explicit AdminCommand(CLI::App& app);
  bool parsed() const { return admin_->parsed(); }
  // Runs the parsed subcommand; the process exit code (0 on success, 1 on
  // failure with one line on stderr).
  int Run();

 private:
  int Revoke();
  int AriWindow();
  int EabAdd();
  int EabList();
  int OverrideAdd();
  int OverrideList();
  int OverrideRemove();

  CLI::App* admin_;
  CLI::App* revoke_;
  CLI::App* ari_window_;
  CLI::App* eab_add_;
  CLI::App* eab_list_;
  CLI::App* override_add_;
  CLI::App* override_list_;
  CLI::App* override_remove_;
  std::string limit_;
  std::string key_;
  int64_t count_ = 0;
  std::string period_;
  admin::StoreLocation data_dir_;
  std::vector<std::string> serials_;
  int reason_ = 0;
  std::string start_;
  std::string end_;
  std::string explanation_;
  std::unique_ptr<AdminQueryCommands> queries_;
  std::unique_ptr<AdminKeyPauseCommands> keys_and_pauses_;
};

}  // namespace signet::app
