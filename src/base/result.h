// Result<T>: a value or an Error, in the spirit of std::expected (C++23).
//
// Usage:
//   Result<Key> k = ParseKey(pem);
//   if (!k.ok()) return k.error();
//   Use(*k);
// Status is Result<void>. Both are [[nodiscard]]: ignoring a failure is a bug.
#pragma once

#include <cassert>
#include <optional>
#include <utility>
#include <variant>

#include "base/error.h"

namespace signet {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design.
  Result(Error error) : v_(std::move(error)) {}  // NOLINT
  Result(ErrorCode code, std::string detail) : v_(Error(code, std::move(detail))) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !ok()
  const Error& error() const& { assert(!ok()); return std::get<1>(v_); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT
  Result(ErrorCode code, std::string detail) : error_(Error(code, std::move(detail))) {}

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { assert(!ok()); return *error_; }
  Error&& error() && { assert(!ok()); return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

inline Status OkStatus() { return Status(); }

}  // namespace signet

// Propagates a failed Status/Result from the enclosing function.
#define SIGNET_RETURN_IF_ERROR(expr)              \
  do {                                            \
    auto signet_status_ = (expr);                 \
    if (!signet_status_.ok()) return std::move(signet_status_).error(); \
  } while (0)

#define SIGNET_CONCAT_INNER(a, b) a##b
#define SIGNET_CONCAT(a, b) SIGNET_CONCAT_INNER(a, b)
// SIGNET_ASSIGN_OR_RETURN(auto x, F()): binds the value or propagates the error.
#define SIGNET_ASSIGN_OR_RETURN(lhs, expr)                                   \
  auto SIGNET_CONCAT(signet_result_, __LINE__) = (expr);                     \
  if (!SIGNET_CONCAT(signet_result_, __LINE__).ok())                         \
    return std::move(SIGNET_CONCAT(signet_result_, __LINE__)).error();       \
  lhs = std::move(SIGNET_CONCAT(signet_result_, __LINE__)).value()
