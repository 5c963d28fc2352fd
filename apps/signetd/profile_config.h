// Certificate profiles from signetd's TOML configuration:
//
//   default_profile = "classic"
//   [profiles.tlsserver]
//   lifetime = "45d"                  # seconds as an integer, or N[smhd]
//   common_name = false
//   ext_key_usages = ["serverAuth"]   # serverAuth, clientAuth
//   identifier_types = ["dns"]        # dns, ip
//   max_names = 100
//   authz_reuse = "7d"
//   pending_authz_lifetime = "7d"
//   description = "..."
//   offered = true                    # false withdraws a built-in profile
//   [[profiles.classic.schedule]]     # dated steps; `schedule = []` clears
//   from = 2027-02-10                 # date (UTC) or date-time with offset
//   lifetime = "64d"                  # each optional: else the step before's
//   authz_reuse = "10d"
//
// A table named like a built-in profile changes only the keys it gives; a
// new name starts from classic's values (without classic's schedule). A
// table giving lifetime or authz_reuse but no schedule clears the profile's
// built-in schedule, so the values given hold from then on.
#pragma once

#include <toml++/toml.h>

#include "base/duration.h"
#include "base/result.h"
#include "config.h"

namespace signet::app {

// Merges the file's [profiles.*] tables and default_profile into `config`.
// kMalformed on a value of the wrong type or a bad duration.
Status LoadProfiles(const toml::table& file, CaConfig& config);

}  // namespace signet::app
