// Integers from signetd's TOML files. toml++'s value<int64_t>() converts a
// float with a cast before it checks the range, so `lifetime = 6e28` is
// undefined behaviour (found by toml_config_fuzz under UBSan). TomlInt takes
// an integer, or a float that is exactly an integer in range (as value<>
// did: `threads = 4.0` is 4); anything else is no integer.
#pragma once

#include <toml++/toml.h>

#include <cmath>
#include <cstdint>
#include <optional>

namespace signet::app {

inline std::optional<int64_t> TomlInt(const toml::node* n) {
  if (n == nullptr) return std::nullopt;
  if (const auto* i = n->as_integer()) return i->get();
  if (const auto* f = n->as_floating_point()) {
    const double d = f->get();
    // [-2^63, 2^63): both bounds are exact doubles.
    if (std::isfinite(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0 &&
        d == std::trunc(d))
      return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

template <typename V>
std::optional<int64_t> TomlInt(toml::node_view<V> v) {
  return TomlInt(v.node());
}

}  // namespace signet::app
