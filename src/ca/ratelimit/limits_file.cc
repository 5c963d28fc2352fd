#include "ca/ratelimit/limits_file.h"

#include <toml++/toml.h>

#include "base/fuzz_record.h"
#include "base/duration.h"
#include "base/files.h"

namespace signet::ca::ratelimit {

namespace {

Error Bad(const std::string& where, const std::string& what) {
  return Error(ErrorCode::kMalformed, "rate limits " + where + ": " + what);
}

Result<int64_t> ReadCount(const toml::table& t, const std::string& where) {
  const toml::node* n = t.get("count");
  if (!n) return Bad(where, "missing count");
  auto v = n->value_exact<int64_t>();
  if (!v || *v <= 0) return Bad(where, "count must be a positive integer");
  return *v;
}

Result<std::chrono::seconds> ReadPeriod(const toml::table& t, const std::string& where) {
  const toml::node* n = t.get("period");
  if (!n) return Bad(where, "missing period");
  std::chrono::seconds out{0};
  if (auto i = n->value_exact<int64_t>()) {
    out = std::chrono::seconds(*i);
  } else if (auto s = n->value_exact<std::string>()) {
    auto d = ParseDuration(*s);
    if (!d.ok()) return Bad(where, "period: " + d.error().detail);
    out = *d;
  } else {
    return Bad(where, "period must be a duration like \"3h\" or \"7d\"");
  }
  if (out.count() <= 0) return Bad(where, "period must be positive");
  return out;
}

Status CheckKeys(const toml::table& t, const std::string& where,
                 std::initializer_list<std::string_view> allowed) {
  for (const auto& [k, v] : t) {
    bool ok = false;
    for (auto a : allowed) ok = ok || k.str() == a;
    if (!ok) return Bad(where, "unknown key \"" + std::string(k.str()) + "\"");
  }
  return OkStatus();
}

// A limit's table: count and period, each optional (the default stays).
Status ReadLimitTable(const toml::table& t, const std::string& where, Limit& limit) {
  SIGNET_RETURN_IF_ERROR(CheckKeys(t, where, {"count", "period"}));
  if (t.contains("count")) {
    SIGNET_ASSIGN_OR_RETURN(limit.count, ReadCount(t, where));
  }
  if (t.contains("period")) {
    SIGNET_ASSIGN_OR_RETURN(limit.period, ReadPeriod(t, where));
  }
  return OkStatus();
}

Status ReadOverride(const toml::table& t, const std::string& where, Limits& limits) {
  SIGNET_RETURN_IF_ERROR(CheckKeys(t, where, {"limit", "key", "count", "period"}));
  auto name = t["limit"].value_exact<std::string>();
  if (!name) return Bad(where, "missing limit (the name of the limit overridden)");
  auto limit = LimitByName(*name);
  if (!limit) return Bad(where, "unknown limit \"" + *name + "\"");
  auto key = t["key"].value_exact<std::string>();
  if (!key || key->empty()) return Bad(where, "missing key (what the override applies to)");
  Limit value;
  SIGNET_ASSIGN_OR_RETURN(value.count, ReadCount(t, where));
  SIGNET_ASSIGN_OR_RETURN(value.period, ReadPeriod(t, where));
  Status added = limits.AddOverride(*limit, *key, value);
  if (!added.ok()) return Bad(where, added.error().detail);
  return OkStatus();
}

}  // namespace

Result<Limits> ParseLimits(std::string_view toml_text, const std::string& source) {
  RecordFuzzInput("toml_config_fuzz", toml_text);
  toml::table file;
  try {
    file = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    return Bad(source, std::string(e.description()) + " at line " +
                           std::to_string(e.source().begin.line));
  }
  Limits limits = Limits::LetsEncryptDefaults();
  for (const auto& [k, node] : file) {
    const std::string name(k.str());
    if (name == "overrides") {
      const toml::array* list = node.as_array();
      if (!list) return Bad(source, "overrides must be an array of tables ([[overrides]])");
      for (size_t i = 0; i < list->size(); ++i) {
        const toml::table* t = (*list)[i].as_table();
        std::string where = source + " [[overrides]] #" + std::to_string(i + 1);
        if (!t) return Bad(where, "must be a table");
        SIGNET_RETURN_IF_ERROR(ReadOverride(*t, where, limits));
      }
      continue;
    }
    auto limit = LimitByName(name);
    if (!limit) return Bad(source, "unknown limit \"" + name + "\"");
    const toml::table* t = node.as_table();
    std::string where = source + " [" + name + "]";
    if (!t) return Bad(where, "must be a table with count and period");
    Limit value = limits.Default(*limit);
    SIGNET_RETURN_IF_ERROR(ReadLimitTable(*t, where, value));
    limits.Set(*limit, value);
  }
  return limits;
}

Result<Limits> LoadLimitsFile(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return Bad(path, text.error().detail);
  return ParseLimits(*text, path);
}

}  // namespace signet::ca::ratelimit
