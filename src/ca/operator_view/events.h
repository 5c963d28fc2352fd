// What the operator's view (ca/operator_view) keeps of each validation and
// issuance the RA reports (RegistrationAuthority::Events): plain values,
// copied out of the request or validation thread that made them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "acme/objects.h"
#include "base/error.h"

namespace signet::ca {

// A challenge validation whose outcome the store accepted.
struct ValidationEvent {
  acme::TimePoint at;
  std::string account_id;
  acme::Identifier identifier;
  bool wildcard = false;
  std::string challenge_type;
  std::optional<Error> problem;  // set when it failed
};

// A certificate signed and recorded.
struct IssuanceEvent {
  acme::TimePoint at;
  std::string serial;  // lower-case hex
  std::string account_id;
  std::string profile;
  std::vector<acme::Identifier> identifiers;
  acme::TimePoint not_after;
};

}  // namespace signet::ca
