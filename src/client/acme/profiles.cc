#include "client/acme/profiles.h"

namespace signet::client {
namespace {

std::string Offered(const Directory& dir) {
  if (dir.profiles.empty()) return "it offers none";
  std::string names;
  for (const auto& [name, description] : dir.profiles) names += (names.empty() ? "" : ", ") + name;
  return "it offers: " + names;
}

}  // namespace

Result<ProfileChoice> ChooseProfile(const Directory& dir, const ProfileRequest& request) {
  if (!request.required.empty()) {
    if (!dir.profiles.count(request.required))
      return Error(ErrorCode::kMalformed, "the required profile \"" + request.required +
                                              "\" is not offered by the ACME server at " +
                                              dir.url + " (" + Offered(dir) + ")");
    return ProfileChoice{request.required, ""};
  }
  if (request.preferred.empty()) return ProfileChoice{};
  if (dir.profiles.count(request.preferred)) return ProfileChoice{request.preferred, ""};
  return ProfileChoice{"", "the preferred profile \"" + request.preferred +
                               "\" is not offered by the ACME server (" + Offered(dir) +
                               "); using its default profile"};
}

}  // namespace signet::client
