#include "profile_config.h"

#include <algorithm>

#include "base/duration.h"

namespace signet::app {

namespace {

Status ReadDuration(const toml::table& t, const char* key, std::chrono::seconds& out) {
  const toml::node* node = t.get(key);
  if (!node) return OkStatus();
  if (auto n = node->value<int64_t>()) {
    out = std::chrono::seconds(*n);
    return OkStatus();
  }
  if (auto s = node->value<std::string>()) {
    SIGNET_ASSIGN_OR_RETURN(out, ParseDuration(*s));
    return OkStatus();
  }
  return Error(ErrorCode::kMalformed, std::string(key) + " must be a duration");
}

Status ReadStrings(const toml::table& t, const char* key, std::vector<std::string>& out) {
  const toml::node* node = t.get(key);
  if (!node) return OkStatus();
  const toml::array* a = node->as_array();
  if (!a) return Error(ErrorCode::kMalformed, std::string(key) + " must be an array of strings");
  out.clear();
  for (const auto& v : *a) {
    auto s = v.value<std::string>();
    if (!s) return Error(ErrorCode::kMalformed, std::string(key) + " must be an array of strings");
    out.push_back(*s);
  }
  return OkStatus();
}

// Applies one [profiles.NAME] table to `p`; `offered` says whether to keep it.
Status ApplyTable(const toml::table& t, ca::Profile& p, bool& offered) {
  if (auto v = t["description"].value<std::string>()) p.description = *v;
  if (auto v = t["common_name"].value<bool>()) p.common_name = *v;
  if (auto v = t["max_names"].value<int64_t>()) p.max_names = size_t(std::max<int64_t>(0, *v));
  if (auto v = t["offered"].value<bool>()) offered = *v;
  SIGNET_RETURN_IF_ERROR(ReadDuration(t, "lifetime", p.lifetime));
  SIGNET_RETURN_IF_ERROR(ReadDuration(t, "authz_reuse", p.authz_reuse_window));
  SIGNET_RETURN_IF_ERROR(ReadDuration(t, "pending_authz_lifetime", p.pending_authz_lifetime));
  SIGNET_RETURN_IF_ERROR(ReadStrings(t, "ext_key_usages", p.ext_key_usages));
  return ReadStrings(t, "identifier_types", p.identifier_types);
}

}  // namespace

Status LoadProfiles(const toml::table& file, CaConfig& config) {
  if (auto v = file["default_profile"].value<std::string>()) config.default_profile = *v;
  const toml::table* profiles = file["profiles"].as_table();
  if (!profiles) return OkStatus();
  for (const auto& [name, node] : *profiles) {
    const toml::table* t = node.as_table();
    std::string key(name.str());
    if (!t) return Error(ErrorCode::kMalformed, "profiles." + key + " must be a table");
    auto it = std::find_if(config.profiles.begin(), config.profiles.end(),
                           [&](const ca::Profile& p) { return p.name == key; });
    ca::Profile p = it != config.profiles.end() ? *it : ca::DefaultProfiles().front();
    if (it == config.profiles.end()) {
      p.name = key;
      p.description = "profile " + key;
    }
    bool offered = true;
    Status s = ApplyTable(*t, p, offered);
    if (!s.ok()) return Error(ErrorCode::kMalformed, "profiles." + key + ": " + s.error().detail);
    if (it == config.profiles.end()) {
      if (offered) config.profiles.push_back(std::move(p));
    } else if (offered) {
      *it = std::move(p);
    } else {
      config.profiles.erase(it);
    }
  }
  return OkStatus();
}

}  // namespace signet::app
