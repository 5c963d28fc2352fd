#include "profile_config.h"

#include <algorithm>

#include "base/duration.h"
#include "toml_number.h"

namespace signet::app {

namespace {

Status ReadDuration(const toml::table& t, const char* key, std::chrono::seconds& out) {
  const toml::node* node = t.get(key);
  if (!node) return OkStatus();
  if (auto n = TomlInt(node)) {
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

// A TOML offset date-time (2027-02-10T00:00:00Z) or date (2027-02-10, UTC
// midnight) as a time point.
Result<std::chrono::system_clock::time_point> ReadWhen(const toml::node* node) {
  using namespace std::chrono;
  auto day = [](const toml::date& d) {
    return sys_days(year(d.year) / unsigned(d.month) / unsigned(d.day));
  };
  // system_clock counts nanoseconds in 64 bits: a date it cannot hold would
  // overflow (the fuzz target toml_config_fuzz found it).
  auto in_range = [](sys_seconds t) -> Result<system_clock::time_point> {
    constexpr seconds kLimit = duration_cast<seconds>(system_clock::duration::max());
    if (t.time_since_epoch() >= kLimit || t.time_since_epoch() <= -kLimit)
      return Error(ErrorCode::kMalformed, "from must be a date between 1678 and 2261");
    return system_clock::time_point(t);
  };
  if (auto d = node->value<toml::date>()) return in_range(day(*d));
  if (auto dt = node->value<toml::date_time>()) {
    if (!dt->offset)
      return Error(ErrorCode::kMalformed, "from needs a UTC offset (e.g. 2027-02-10T00:00:00Z)");
    return in_range(day(dt->date) + hours(dt->time.hour) + minutes(dt->time.minute) +
                    seconds(dt->time.second) - minutes(dt->offset->minutes));
  }
  return Error(ErrorCode::kMalformed, "from must be a TOML date or date-time");
}

// `schedule = [{ from = 2027-02-10, lifetime = "64d", authz_reuse = "10d" }, ...]`
// (or [[profiles.NAME.schedule]] tables). A step's missing lifetime or
// authz_reuse carries over from the step before it (or the profile's own).
Status ReadSchedule(const toml::table& t, ca::Profile& p) {
  const toml::node* node = t.get("schedule");
  if (!node) return OkStatus();
  const toml::array* steps = node->as_array();
  if (!steps) return Error(ErrorCode::kMalformed, "schedule must be an array of tables");
  p.schedule.clear();
  std::chrono::seconds lifetime = p.lifetime, reuse = p.authz_reuse_window;
  for (const toml::node& item : *steps) {
    const toml::table* step = item.as_table();
    if (!step) return Error(ErrorCode::kMalformed, "schedule must be an array of tables");
    const toml::node* from = step->get("from");
    if (!from) return Error(ErrorCode::kMalformed, "a schedule step needs from");
    SIGNET_ASSIGN_OR_RETURN(auto when, ReadWhen(from));
    SIGNET_RETURN_IF_ERROR(ReadDuration(*step, "lifetime", lifetime));
    SIGNET_RETURN_IF_ERROR(ReadDuration(*step, "authz_reuse", reuse));
    for (const auto& [key, value] : *step)
      if (key != "from" && key != "lifetime" && key != "authz_reuse")
        return Error(ErrorCode::kMalformed,
                     "unknown key \"" + std::string(key.str()) + "\" in a schedule step");
    p.schedule.push_back({when, lifetime, reuse});
  }
  return OkStatus();
}

// Applies one [profiles.NAME] table to `p`; `offered` says whether to keep it.
Status ApplyTable(const toml::table& t, ca::Profile& p, bool& offered) {
  if (auto v = t["description"].value<std::string>()) p.description = *v;
  if (auto v = t["common_name"].value<bool>()) p.common_name = *v;
  if (auto v = TomlInt(t["max_names"])) p.max_names = size_t(std::max<int64_t>(0, *v));
  if (auto v = t["offered"].value<bool>()) offered = *v;
  // A lifetime or reuse window given without a schedule is what the operator
  // wants from now on: a built-in schedule would otherwise override it later.
  if ((t.contains("lifetime") || t.contains("authz_reuse")) && !t.contains("schedule"))
    p.schedule.clear();
  SIGNET_RETURN_IF_ERROR(ReadDuration(t, "lifetime", p.lifetime));
  SIGNET_RETURN_IF_ERROR(ReadDuration(t, "authz_reuse", p.authz_reuse_window));
  SIGNET_RETURN_IF_ERROR(ReadDuration(t, "pending_authz_lifetime", p.pending_authz_lifetime));
  SIGNET_RETURN_IF_ERROR(ReadStrings(t, "ext_key_usages", p.ext_key_usages));
  SIGNET_RETURN_IF_ERROR(ReadSchedule(t, p));
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
      p.schedule.clear();
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
