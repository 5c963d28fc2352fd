// Private to src/ca/ra: turning a store lookup into a value or kNotFound.
#pragma once

#include <optional>
#include <string>

#include "base/result.h"

namespace signet::ca::internal {

inline Error NotFound(const std::string& what) {
  return Error(ErrorCode::kNotFound, what + " not found");
}

template <typename T>
Result<T> Require(Result<std::optional<T>> r, const std::string& what) {
  if (!r.ok()) return std::move(r).error();
  if (!r->has_value()) return NotFound(what);
  return std::move(**r);
}

}  // namespace signet::ca::internal
