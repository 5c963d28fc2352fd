#include "acme/objects.h"

#include <array>
#include <utility>

namespace signet::acme {
namespace {

constexpr std::array<std::pair<ObjStatus, std::string_view>, 8> kNames = {{
    {ObjStatus::kPending, "pending"},
    {ObjStatus::kReady, "ready"},
    {ObjStatus::kProcessing, "processing"},
    {ObjStatus::kValid, "valid"},
    {ObjStatus::kInvalid, "invalid"},
    {ObjStatus::kDeactivated, "deactivated"},
    {ObjStatus::kExpired, "expired"},
    {ObjStatus::kRevoked, "revoked"},
}};

}  // namespace

std::string_view StatusName(ObjStatus s) {
  for (const auto& [status, name] : kNames)
    if (status == s) return name;
  return "invalid";
}

std::optional<ObjStatus> ParseStatus(std::string_view name) {
  for (const auto& [status, n] : kNames)
    if (n == name) return status;
  return std::nullopt;
}

}  // namespace signet::acme
