#include "client/store/layout.h"

#include <algorithm>
#include <cstdio>

namespace signet::client {

StoreLayout::StoreLayout(const std::filesystem::path& config_dir) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(config_dir, ec);
  if (ec) abs = config_dir;
  config_dir_ = abs.lexically_normal();
  // "/etc/letsencrypt/" normalizes to "/etc/letsencrypt/"; drop the slash.
  if (!config_dir_.has_filename() && config_dir_.has_parent_path() &&
      config_dir_ != config_dir_.root_path())
    config_dir_ = config_dir_.parent_path();
}

std::string ChooseLineageName(const std::vector<std::string>& domains, std::string_view cert_name) {
  if (!cert_name.empty()) return std::string(cert_name);
  if (domains.empty()) return "";
  std::string_view first = domains.front();
  if (first.substr(0, 2) == "*.") first.remove_prefix(2);
  // An IPv6 address names its lineage with "-" for ":" (certbot 5.3's plan:
  // file names without colons).
  std::string name(first);
  std::replace(name.begin(), name.end(), ':', '-');
  return name;
}

Status CheckLineageName(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos ||
      name.find('\0') != std::string_view::npos)
    return Error(ErrorCode::kMalformed, "invalid certificate name \"" + std::string(name) + "\"");
  return OkStatus();
}

std::string LineageNameCandidate(std::string_view name, int n) {
  if (n == 0) return std::string(name);
  char suffix[16];
  std::snprintf(suffix, sizeof(suffix), "-%04d", n);
  return std::string(name) + suffix;
}

}  // namespace signet::client
