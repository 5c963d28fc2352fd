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
//
// A table named like a built-in profile changes only the keys it gives; a
// new name starts from classic's values.
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
