// Certificate profiles (draft-ietf-acme-profiles): the CA lists the
// profiles it offers in its directory (meta.profiles) and a newOrder may
// name one in "profile". The agent's choice follows certbot 4.0's
// --preferred-profile and --required-profile.
#pragma once

#include <string>

#include "base/result.h"
#include "client/acme/resources.h"

namespace signet::client {

struct ProfileRequest {
  std::string preferred;  // --preferred-profile: used when offered
  std::string required;   // --required-profile: offered, or no order at all
};

struct ProfileChoice {
  std::string profile;  // the newOrder "profile"; "" for the CA's default
  std::string note;     // why a preferred profile was not used, else ""
};

// The profile to order with, given what `dir` offers. A required profile
// wins over a preferred one (as in certbot); one the CA does not offer is
// kMalformed naming it and the offered ones, before any order (certbot sends
// it anyway and leaves the refusal to the CA, or to a CA without profiles,
// none). A preferred one falls back to the CA's default with a note.
Result<ProfileChoice> ChooseProfile(const Directory& dir, const ProfileRequest& request);

}  // namespace signet::client
