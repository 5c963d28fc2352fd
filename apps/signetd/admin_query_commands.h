// `signetd admin accounts|certificates|counts`: the operator's read-only
// views (ca/ra/admin_queries.h). Output, one record per line, fields
// separated by a tab (admin_common.h):
//   accounts list|search:      ID STATUS CREATED THUMBPRINT CONTACTS
//   certificates list|search:  SERIAL STATUS NOT-AFTER ACCOUNT PROFILE NAMES
//     (STATUS valid, revoked or expired; CONTACTS and NAMES comma-separated)
//   counts:                    "KEY: N" lines, always the same keys in the same order
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "admin_common.h"

#include "storage/store.h"

namespace signet::app {

class AdminQueryCommands {
 public:
  // Registers the subcommands on `admin`; `data_dir` is where --data-dir goes.
  AdminQueryCommands(CLI::App& admin, admin::StoreLocation& data_dir);
  // The exit code, when one of these subcommands was parsed.
  std::optional<int> Run();

 private:
  int Accounts(bool search);
  int Certificates(bool search);
  int Counts();

  admin::StoreLocation& data_dir_;
  CLI::App* accounts_list_;
  CLI::App* accounts_search_;
  CLI::App* certificates_list_;
  CLI::App* certificates_search_;
  CLI::App* counts_;
  storage::AccountQuery accounts_;
  storage::CertificateQuery certificates_;
};

}  // namespace signet::app
