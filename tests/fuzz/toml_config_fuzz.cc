// signetd's TOML files, which the operator writes: the configuration file's
// [profiles.*] tables (profile_config.h) and the rate-limit file
// (ca/ratelimit/limits_file.h), both read from the same input; profiles that
// load are then checked as signetd checks them (ca::ProfileSet::Create).
#include <toml++/toml.h>

#include "ca/ratelimit/limits_file.h"
#include "config.h"
#include "profile_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)signet::ca::ratelimit::ParseLimits(text, "limits.toml");
  toml::table table;
  try {
    table = toml::parse(text, std::string_view("signetd.toml"));
  } catch (const toml::parse_error&) {
    return 0;
  }
  signet::app::CaConfig config;
  if (signet::app::LoadProfiles(table, config).ok()) {
    (void)signet::ca::ProfileSet::Create(config.profiles, config.default_profile);
  }
  return 0;
}
