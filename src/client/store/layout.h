// certbot's config directory layout (certbot 2.1 configuration.py,
// constants.py) and its lineage naming rule (client._choose_lineagename):
//
//   CONFIG/live/NAME/{cert,chain,fullchain,privkey}.pem  relative symlinks
//   CONFIG/archive/NAME/{cert,chain,fullchain,privkey}N.pem
//   CONFIG/renewal/NAME.conf
//   CONFIG/accounts/SERVER_PATH/ID/{regr,private_key,meta}.json
//
// A plain value; thread-safe for concurrent const use.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace signet::client {

class StoreLayout {
 public:
  // `config_dir` is made absolute and normalized, as certbot does, since
  // renewal confs record absolute paths.
  explicit StoreLayout(const std::filesystem::path& config_dir);

  const std::filesystem::path& config_dir() const { return config_dir_; }
  std::filesystem::path live_dir() const { return config_dir_ / "live"; }
  std::filesystem::path archive_dir() const { return config_dir_ / "archive"; }
  std::filesystem::path renewal_dir() const { return config_dir_ / "renewal"; }
  std::filesystem::path accounts_dir() const { return config_dir_ / "accounts"; }

  std::filesystem::path LiveDir(std::string_view name) const { return live_dir() / name; }
  std::filesystem::path ArchiveDir(std::string_view name) const { return archive_dir() / name; }
  std::filesystem::path RenewalConfPath(std::string_view name) const {
    return renewal_dir() / (std::string(name) + ".conf");
  }

 private:
  std::filesystem::path config_dir_;
};

// The name certbot gives a new lineage before making it unique: `cert_name`
// when given (--cert-name), else the first domain with a leading "*."
// removed (and, for an IPv6 address, "-" for each ":").
std::string ChooseLineageName(const std::vector<std::string>& domains,
                              std::string_view cert_name = {});

// Rejects names that cannot be a lineage directory: empty, ".", "..", or
// containing '/' or NUL.
Status CheckLineageName(std::string_view name);

// The candidates certbot tries, in order: NAME, NAME-0001, NAME-0002, ...
// (util.unique_lineage_name). `n` = 0 gives NAME.
std::string LineageNameCandidate(std::string_view name, int n);

}  // namespace signet::client
