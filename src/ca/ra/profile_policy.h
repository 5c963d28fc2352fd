// Internal to the RA: what an order's profile allows (identifier types),
// kept apart from identifier_policy.h, which judges names alone.
#pragma once

#include "acme/objects.h"
#include "base/result.h"
#include "ca/signer/profile.h"

namespace signet::ca {

// OK when `profile` issues for identifiers of id.type; otherwise
// rejectedIdentifier naming the profiles of `all` that do (RFC 8738 IP
// addresses: Let's Encrypt issues them only under shortlived). Types no
// profile knows are left to CheckIdentifier (unsupportedIdentifier).
Status CheckProfileAllows(const Profile& profile, const ProfileSet& all,
                          const acme::Identifier& id);

}  // namespace signet::ca
